using System.ComponentModel;
using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Serialization;
using BayitPlus.Api.Infrastructure.Auth;
using BayitPlus.Api.Infrastructure.Catalog;
using BayitPlus.Api.Infrastructure.Errors;
using BayitPlus.Api.Infrastructure.Mongo;
using BayitPlus.Api.Infrastructure.Validation;
using FluentValidation;
using Mediator;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.Activity;

/// <summary>The body of <c>PUT /api/users/me/history/{contentId}</c>.</summary>
[ValidatedAs(typeof(ReportProgress.Command))]
public sealed record ReportProgressRequest
{
    /// <summary>The playback position, in whole seconds.</summary>
    public int? PositionSeconds { get; init; }

    /// <summary>The item's length, in whole seconds.</summary>
    public int? DurationSeconds { get; init; }

    /// <summary>mobile, desktop, tv or tablet.</summary>
    public string? DeviceType { get; init; }

    /// <summary>The player's platform, a lowercase name such as ios, android, web or tizen.</summary>
    public string? Platform { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unknown { get; init; }
}

/// <summary>A player reports progress on an item. One upsert, with no read before it: an update
/// pipeline computes the new state from the stored one, so concurrent and late reports of one item
/// (several devices, retries) leave one document at the furthest position. A report behind the
/// stored position changes nothing but <c>watched_at</c>: progress never moves backwards (restart
/// sets it back on purpose, and a report that cannot have been made after the restart is ignored).
/// <c>duration_watched</c> grows by how far a report moves the position forward, at most by the time
/// since the previous report plus <see cref="SlackSeconds"/>, so a repeated or late report adds
/// nothing and a forward seek adds no more than the time that really passed.</summary>
public static class ReportProgress
{
    /// <summary>A day: no catalog item is longer.</summary>
    public const int MaxSeconds = 86_400;
    public const int MaxPlatformLength = 32;
    public const string PlatformPattern = "^[a-z0-9][a-z0-9_-]*$";

    /// <summary>Reports arrive with jitter (a device's queue, the network, a retry): one can land a
    /// few seconds after the next was sent, so the time between two arrivals is shorter than the
    /// playback between them. This much is allowed on top of the time since the previous report,
    /// a report interval and a half, so steady playback is counted whole and a seek is not.</summary>
    public const int SlackSeconds = 15;

    /// <summary>How long after a restart a report still may have been sent before it: players retry
    /// or flush queued reports within about a minute. Within this window a report further than the
    /// time since the restart (plus <see cref="SlackSeconds"/>) could have reached from 0 is taken as
    /// such a late one; later, a far position is a seek and counts.</summary>
    public static readonly TimeSpan RestartGrace = TimeSpan.FromMinutes(2);

    public static readonly IReadOnlyList<string> DeviceTypes = ["mobile", "desktop", "tv", "tablet"];

    public sealed record Command(
        string UserId, string ContentId, int? PositionSeconds, int? DurationSeconds, string? DeviceType, string? Platform, IReadOnlyList<string> UnknownFields)
        : ICommand<WatchProgressResponse>;

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            RuleFor(c => c.UnknownFields).AreRefused(typeof(ReportProgressRequest));
            RuleFor(c => c.PositionSeconds).NotNull().WithMessage("Position is required.")
                .InclusiveBetween(0, MaxSeconds).WithMessage($"Position must be from 0 to {MaxSeconds} seconds.");
            RuleFor(c => c.DurationSeconds).NotNull().WithMessage("Duration is required.")
                .InclusiveBetween(1, MaxSeconds).WithMessage($"Duration must be from 1 to {MaxSeconds} seconds.");
            RuleFor(c => c.DeviceType).NotEmpty().WithMessage("Device type is required.")
                .OneOf(DeviceTypes).WithMessage($"Device type must be one of: {string.Join(", ", DeviceTypes)}.");
            RuleFor(c => c.Platform).NotEmpty().WithMessage("Platform is required.")
                .Pattern(PlatformPattern, MaxPlatformLength).WithMessage($"Platform must be a lowercase name such as ios, android or web, at most {MaxPlatformLength} characters.");
        }
    }

    public sealed class Handler(MongoContext db, IContentCards catalog, ActivitySettings settings, TimeProvider time) : ICommandHandler<Command, WatchProgressResponse>
    {
        public async ValueTask<WatchProgressResponse> Handle(Command command, CancellationToken cancellationToken)
        {
            var contentId = Ids.Parse(command.ContentId, "Content").ToString();
            if (!await catalog.IsVisibleAsync(contentId, cancellationToken))
            {
                throw new NotFoundException("Content");
            }

            var duration = command.DurationSeconds!.Value;

            // A player may round its last position past the end; it is the end.
            var position = Math.Min(command.PositionSeconds!.Value, duration);
            var filter = Builders<WatchHistoryDocument>.Filter.Eq(h => h.UserId, command.UserId) & Builders<WatchHistoryDocument>.Filter.Eq(h => h.ContentId, contentId);
            var update = Update(position, duration, command.DeviceType!, command.Platform!, time.GetUtcNow().UtcDateTime);
            var options = new FindOneAndUpdateOptions<WatchHistoryDocument> { IsUpsert = true, ReturnDocument = ReturnDocument.After };

            var history = db.WatchHistory();
            try
            {
                return WatchProgressResponse.From(await history.FindOneAndUpdateAsync(filter, update, options, cancellationToken), settings);
            }
            catch (MongoException error) when (MongoErrors.IsDuplicateKey(error))
            {
                // Two first reports raced: both found no document, and the unique user_id+content_id
                // index refused the second insert. Whether the server retries such an upsert itself
                // depends on its version and the command, so retry once here: the document now
                // exists, and the same upsert updates it.
                return WatchProgressResponse.From(await history.FindOneAndUpdateAsync(filter, update, options, cancellationToken), settings);
            }
        }

        /// <summary>One pipeline stage; each expression reads the stored document as it was before
        /// the update (absent fields on the first report).</summary>
        private PipelineUpdateDefinition<WatchHistoryDocument> Update(int position, int duration, string deviceType, string platform, DateTime now)
        {
            var progress = Math.Clamp((double)position / duration, 0, 1);
            var stored = new BsonDocument("$ifNull", new BsonArray { "$position_seconds", -1 });

            // Made before the restart: a restart after this time leaves too little time to play from 0
            // to position (the field is absent when the item was never restarted, and absent < date).
            var stale = position <= SlackSeconds
                ? (BsonValue)false
                : new BsonDocument("$gt", new BsonArray { "$restarted_at", now - TimeSpan.FromSeconds(Math.Min(RestartGrace.TotalSeconds, position - SlackSeconds)) });
            var forward = new BsonDocument("$and", new BsonArray { new BsonDocument("$gte", new BsonArray { position, stored }), new BsonDocument("$not", new BsonArray { stale }) });
            BsonValue Unless(BsonValue condition, BsonValue value, string field) =>
                new BsonDocument("$cond", new BsonArray { condition, "$" + field, value });
            BsonValue IfForward(BsonValue value, string field) =>
                new BsonDocument("$cond", new BsonArray { forward, new BsonDocument("$literal", value), "$" + field });

            // Whole seconds since the previous report, 0 to a day (none on the first: only the slack
            // counts then). A watched_at that is not a date (a legacy string) counts as absent, and
            // the clamp keeps $toInt in range for a date decades old, so no stored value fails a report.
            var since = new BsonDocument("$cond", new BsonArray
            {
                new BsonDocument("$eq", new BsonArray { new BsonDocument("$type", new BsonArray { "$watched_at" }), "date" }),
                "$watched_at",
                now,
            });
            var elapsed = new BsonDocument("$toInt", new BsonDocument("$min", new BsonArray
            {
                MaxSeconds,
                new BsonDocument("$max", new BsonArray
                {
                    0,
                    new BsonDocument("$floor", new BsonDocument("$divide", new BsonArray { new BsonDocument("$subtract", new BsonArray { now, since }), 1000 })),
                }),
            }));
            var step = new BsonDocument("$min", new BsonArray
            {
                new BsonDocument("$max", new BsonArray { 0, new BsonDocument("$subtract", new BsonArray { position, new BsonDocument("$max", new BsonArray { stored, 0 }) }) }),
                new BsonDocument("$add", new BsonArray { elapsed, SlackSeconds }),
            });
            var set = new BsonDocument
            {
                ["position_seconds"] = Unless(stale, new BsonDocument("$max", new BsonArray { position, stored }), "position_seconds"),
                ["duration_watched"] = new BsonDocument("$add", new BsonArray
                {
                    new BsonDocument("$ifNull", new BsonArray { "$duration_watched", 0 }),
                    new BsonDocument("$cond", new BsonArray { stale, 0, step }),
                }),
                ["duration_seconds"] = IfForward(duration, "duration_seconds"),
                ["progress"] = IfForward(progress, "progress"),
                ["device_type"] = IfForward(deviceType, "device_type"),
                ["platform"] = IfForward(platform, "platform"),
                ["watched_at"] = Unless(stale, new BsonDocument("$max", new BsonArray { now, "$watched_at" }), "watched_at"),
            };
            return new PipelineUpdateDefinition<WatchHistoryDocument>(new[] { new BsonDocument("$set", set) });
        }
    }

    internal static void Map(RouteGroupBuilder group) => group
        .MapPut("/me/history/{contentId}", async (
            [Description("The catalog item's id.")] string contentId, ReportProgressRequest request, ClaimsPrincipal user, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(
                new Command(user.Id(), contentId, request.PositionSeconds, request.DurationSeconds, request.DeviceType, request.Platform, UnknownFields.In(request.Unknown)), ct)))
        .WithName("ReportWatchProgress")
        .WithSummary("Report playback progress on an item (players: every ~10 s and on pause or stop)")
        .WithDescription("Records the signed-in user's progress: one entry per item, across devices. progress = positionSeconds / durationSeconds " +
            "(a position past the end counts as the end); the item is finished from Activity:FinishedAt (0.9). A report behind the stored position " +
            "(late, or from another device) never moves progress back; it only counts as watching now. durationWatched grows by how far a report " +
            "moves the position forward, at most by the time since the previous report plus 15 s, so repeated and late reports add nothing and a " +
            "forward seek adds only the time that passed. To watch an item again from the start, restart it first: for 2 minutes after a restart, " +
            "a report further than the time since the restart could have reached is taken as sent before it and changes nothing. 404 for an id the catalog does not have. Limited per user (history-report).")
        .RequireRateLimiting(ActivityServices.ReportPolicy)
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status401Unauthorized)
        .ProducesProblem(StatusCodes.Status404NotFound);
}
