using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using BayitPlus.Api.Infrastructure.Catalog;
using BayitPlus.Api.Infrastructure.Errors;
using BayitPlus.Api.Infrastructure.Mongo;
using BayitPlus.Api.Infrastructure.Validation;
using FluentValidation;
using Mediator;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.Recaps;

/// <summary>The body of <c>POST /api/live/channels/{channelId}/transcript</c>.</summary>
[ValidatedAs(typeof(IngestTranscript.Command))]
public sealed record IngestTranscriptRequest
{
    /// <summary>The segments, in any order.</summary>
    public List<TranscriptSegment>? Segments { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unknown { get; init; }
}

/// <summary>One stretch of speech on the channel.</summary>
public sealed record TranscriptSegment
{
    /// <summary>What was said (trimmed; control characters are refused).</summary>
    public string? Text { get; init; }

    /// <summary>When it began (UTC, or with an offset).</summary>
    public DateTime? StartTime { get; init; }

    /// <summary>When it ended: after <see cref="StartTime"/>, at most 5 minutes later.</summary>
    public DateTime? EndTime { get; init; }

    /// <summary>he, en or es.</summary>
    public string? Language { get; init; }

    /// <summary>Who spoke, when the captioning service knows.</summary>
    public string? Speaker { get; init; }
}

/// <summary>What an ingestion stored.</summary>
/// <param name="Stored">Segments stored now.</param>
/// <param name="Duplicates">Segments already stored by an earlier push (same channel, start time and text), or repeated within this one.</param>
public sealed record IngestTranscriptResponse(int Stored, int Duplicates);

/// <summary>A captioning service (or an admin) pushes transcript segments of a live channel. A
/// segment is identified by (channel, start time, SHA-256 of its text), so a push repeated after a
/// timeout, or sent twice at once, stores each segment once.</summary>
public static class IngestTranscript
{
    public const int MaxSpeakerLength = 100;

    /// <summary>A segment is at most this long, and may start at most this far ahead of the server's clock.</summary>
    public static readonly TimeSpan MaxSegmentLength = TimeSpan.FromMinutes(5);

    public static readonly IReadOnlyList<string> Languages = ["he", "en", "es"];

    public sealed record Command(string ChannelId, IReadOnlyList<TranscriptSegment>? Segments, IReadOnlyList<string> UnknownFields) : ICommand<IngestTranscriptResponse>;

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator(RecapsSettings settings, SegmentValidator segment)
        {
            RuleFor(c => c.UnknownFields).AreRefused(typeof(IngestTranscriptRequest));
            RuleFor(c => c.Segments).NotNull().WithMessage("Segments is required.")
                .MinItems(1).WithMessage("Segments must hold at least 1 segment.")
                .MaxItems(settings.MaxSegmentsPerRequest).WithMessage($"Segments must hold at most {settings.MaxSegmentsPerRequest} segments.");
            RuleForEach(c => c.Segments).NotNull().WithMessage("A segment must be an object.").SetValidator(segment);
        }
    }

    public sealed class SegmentValidator : AbstractValidator<TranscriptSegment>
    {
        public SegmentValidator(RecapsSettings settings, TimeProvider time)
        {
            RuleFor(s => s.Text).Cascade(CascadeMode.Stop)
                .NotNull().WithMessage("Text is required.")
                .Must(text => text!.Trim().Length > 0).WithMessage("Text must not be blank.")
                .MaximumLength(settings.MaxSegmentCharacters).WithMessage($"Text must be at most {settings.MaxSegmentCharacters} characters long.")
                .Must(text => !text!.Any(char.IsControl)).WithMessage("Text must not contain control characters.");
            RuleFor(s => s.Language).NotNull().WithMessage("Language is required.")
                .OneOf(Languages).WithMessage("Language must be one of he, en, es.");
            RuleFor(s => s.Speaker)
                .MaximumLength(MaxSpeakerLength).WithMessage($"Speaker must be at most {MaxSpeakerLength} characters long.")
                .Must(speaker => speaker is null || (speaker.Trim().Length > 0 && !speaker.Any(char.IsControl))).WithMessage("Speaker must not be blank nor contain control characters.");
            RuleFor(s => s.StartTime).Cascade(CascadeMode.Stop)
                .NotNull().WithMessage("StartTime is required.")
                .Must(start => Utc(start!.Value) <= time.GetUtcNow().UtcDateTime + MaxSegmentLength).WithMessage($"StartTime must not be more than {MaxSegmentLength.TotalMinutes} minutes in the future.")
                .Must(start => Utc(start!.Value) >= time.GetUtcNow().UtcDateTime - settings.TranscriptRetention).WithMessage($"StartTime must not be older than {settings.TranscriptRetention} (Recaps:TranscriptRetention).");
            RuleFor(s => s.EndTime).Cascade(CascadeMode.Stop)
                .NotNull().WithMessage("EndTime is required.")
                .Must((s, end) => s.StartTime is not { } start || Utc(end!.Value) > Utc(start)).WithMessage("EndTime must be after StartTime.")
                .Must((s, end) => s.StartTime is not { } start || Utc(end!.Value) - Utc(start) <= MaxSegmentLength).WithMessage($"A segment must last at most {MaxSegmentLength.TotalMinutes} minutes.");
        }
    }

    public sealed class Handler(MongoContext db, ILiveChannels channels, TimeProvider time) : ICommandHandler<Command, IngestTranscriptResponse>
    {
        public async ValueTask<IngestTranscriptResponse> Handle(Command command, CancellationToken cancellationToken)
        {
            if (!await channels.IsActiveAsync(command.ChannelId, cancellationToken))
            {
                throw new NotFoundException("Channel");
            }

            var now = time.GetUtcNow().UtcDateTime;
            var documents = command.Segments!
                .Select(segment => ToDocument(command.ChannelId, segment, now))
                .DistinctBy(document => document.SegmentKey, StringComparer.Ordinal)
                .ToList();
            var repeated = command.Segments!.Count - documents.Count;
            var collection = db.Collection<LiveTranscriptSegmentDocument>(LiveTranscriptSegmentDocument.CollectionName);
            try
            {
                await collection.InsertManyAsync(documents, new InsertManyOptions { IsOrdered = false }, cancellationToken);
                return new IngestTranscriptResponse(documents.Count, repeated);
            }
            catch (MongoBulkWriteException<LiveTranscriptSegmentDocument> error) when (error.WriteErrors.All(e => e.Category == ServerErrorCategory.DuplicateKey))
            {
                // Another push (a retry, or the same batch at the same moment) stored these first.
                var duplicates = error.WriteErrors.Count;
                return new IngestTranscriptResponse(documents.Count - duplicates, repeated + duplicates);
            }
        }

        private static LiveTranscriptSegmentDocument ToDocument(string channelId, TranscriptSegment segment, DateTime now)
        {
            var text = segment.Text!.Trim();
            var start = Utc(segment.StartTime!.Value);
            return new LiveTranscriptSegmentDocument
            {
                SegmentKey = KeyOf(channelId, start, text),
                ChannelId = channelId,
                Text = text,
                StartTime = start,
                EndTime = Utc(segment.EndTime!.Value),
                Language = segment.Language!,
                Speaker = segment.Speaker?.Trim(),
                ReceivedAt = now,
            };
        }
    }

    /// <summary>Milliseconds, as MongoDB stores dates, so a start time sent with finer precision
    /// names the same segment as the stored one.</summary>
    public static string KeyOf(string channelId, DateTime start, string text) =>
        $"{channelId}:{start.Ticks - (start.Ticks % TimeSpan.TicksPerMillisecond)}:{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))}";

    private static DateTime Utc(DateTime value) => value.Kind switch
    {
        DateTimeKind.Local => value.ToUniversalTime(),
        DateTimeKind.Unspecified => DateTime.SpecifyKind(value, DateTimeKind.Utc),
        _ => value,
    };

    internal static void Map(RouteGroupBuilder group) => group
        .MapPost("/transcript", async (string channelId, IngestTranscriptRequest request, ISender sender, CancellationToken ct) =>
        {
            var result = await sender.Send(new Command(Ids.Parse(channelId, "Channel").ToString(), request.Segments, UnknownFields.In(request.Unknown)), ct);
            return TypedResults.Ok(result);
        })
        .WithName("IngestLiveTranscript")
        .WithSummary("Push transcript segments of a live channel")
        .WithDescription("For a captioning service: segments of what is said on an active channel, kept for Recaps:TranscriptRetention " +
            "(2 hours by default) to make catch-up recaps from. A segment is identified by (channel, startTime, its text), so pushing it " +
            "again stores nothing more and counts it among the duplicates; retrying a whole batch is safe.")
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status401Unauthorized)
        .ProducesProblem(StatusCodes.Status403Forbidden)
        .ProducesProblem(StatusCodes.Status404NotFound);
}
