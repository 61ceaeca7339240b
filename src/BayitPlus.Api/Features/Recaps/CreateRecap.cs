using System.Text.Json;
using System.Text.Json.Serialization;
using BayitPlus.Api.Infrastructure.Auth;
using BayitPlus.Api.Infrastructure.Catalog;
using BayitPlus.Api.Infrastructure.Credits;
using BayitPlus.Api.Infrastructure.Errors;
using BayitPlus.Api.Infrastructure.Http;
using BayitPlus.Api.Infrastructure.Mongo;
using BayitPlus.Api.Infrastructure.Validation;
using FluentValidation;
using Mediator;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.Recaps;

/// <summary>The body of <c>POST /api/live/channels/{channelId}/recaps</c>; both fields may be left out.</summary>
[ValidatedAs(typeof(CreateRecap.Command))]
public sealed record CreateRecapRequest
{
    /// <summary>How many minutes back, ending at the last whole minute (1 to 30, default 15).</summary>
    public int? WindowMinutes { get; init; }

    /// <summary>he, en or es; default the request's language (lang, Accept-Language).</summary>
    public string? Language { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unknown { get; init; }
}

/// <summary>A recap the signed-in member received.</summary>
/// <param name="RecapId">The recap (as listed by GET /api/users/me/recaps).</param>
/// <param name="ChannelId">The channel summarized.</param>
/// <param name="Summary">Two or three sentences.</param>
/// <param name="KeyPoints">Up to 5 points, in the order they were said.</param>
/// <param name="WindowStart">The start of the window summarized.</param>
/// <param name="WindowEnd">Its end, a whole minute.</param>
/// <param name="Language">The language of the summary: the one asked for, or the transcript's when the summarizer cannot translate.</param>
/// <param name="Cached">True when the member already held this recap: it cost nothing now.</param>
/// <param name="CreditsCharged">What this request cost (0 when cached).</param>
/// <param name="CreditsRemaining">The member's balance after it.</param>
/// <param name="ExpiresAt">When the recap goes: until then, asking again returns it free.</param>
public sealed record RecapResponse(
    string RecapId,
    string ChannelId,
    string Summary,
    IReadOnlyList<string> KeyPoints,
    DateTime WindowStart,
    DateTime WindowEnd,
    string Language,
    bool Cached,
    int CreditsCharged,
    int CreditsRemaining,
    DateTime ExpiresAt);

/// <summary>
/// "What did I miss?": a summary of the last minutes of a live channel's transcript for a Beta 500
/// member. The summary is shared (<see cref="SharedRecaps"/>): made once per channel, window length
/// and language and reused for <c>Recaps:RecapLifetime</c> by everyone asking. Each member pays the
/// <c>catchup</c> price once per summary received, only after it exists (never a charge without a
/// recap), and asking again while their recap lives gets it back free. Eligibility is looked up
/// first, so a non-member or an empty balance never costs a summarization.
/// </summary>
public static partial class CreateRecap
{
    public const string Feature = "catchup";

    /// <summary>Per member (10 a minute by default, <c>RateLimits:recaps</c>): the standing is only
    /// looked up, not reserved, so this bounds the summarizations one balance can start.</summary>
    public const string RateLimitPolicy = "recaps";
    public const int MinWindowMinutes = 1;
    public const int MaxWindowMinutes = 30;
    public const int DefaultWindowMinutes = 15;

    public sealed record Command(string ChannelId, int? WindowMinutes, string? Language, string UserId, string RequestLanguage, IReadOnlyList<string> UnknownFields) : ICommand<RecapResponse>;

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            RuleFor(c => c.UnknownFields).AreRefused(typeof(CreateRecapRequest));
            RuleFor(c => c.WindowMinutes)
                .InclusiveBetween(MinWindowMinutes, MaxWindowMinutes).WithMessage($"windowMinutes must be a whole number from {MinWindowMinutes} to {MaxWindowMinutes}.");
            RuleFor(c => c.Language)
                .OneOf(RequestLanguage.Supported).WithMessage("language must be one of he, en, es.");
        }
    }

    public sealed class Handler(
        SharedRecaps shared,
        ICreditLedger ledger,
        ILiveChannels channels,
        MongoContext db,
        RecapsSettings settings,
        TimeProvider time) : ICommandHandler<Command, RecapResponse>
    {
        public async ValueTask<RecapResponse> Handle(Command command, CancellationToken cancellationToken)
        {
            if (!await channels.IsActiveAsync(command.ChannelId, cancellationToken))
            {
                throw new NotFoundException("Channel");
            }

            var windowMinutes = command.WindowMinutes ?? DefaultWindowMinutes;
            var language = command.Language ?? command.RequestLanguage;
            var quote = await ledger.QuoteAsync(command.UserId, Feature, 1, cancellationToken);
            var balance = quote switch
            {
                CreditQuote.Affordable affordable => affordable.Balance,
                CreditQuote.Insufficient insufficient => insufficient.Balance,
                CreditQuote.NotAMember => throw RecapException.NotAMember(),
                _ => throw NoPrice(),
            };

            var sessions = db.Collection<RecapSessionDocument>(RecapSessionDocument.CollectionName);
            var now = time.GetUtcNow().UtcDateTime;
            var keyLanguage = shared.KeyLanguage(language);
            var mine = Builders<RecapSessionDocument>.Filter.Where(r => r.UserId == command.UserId && r.ChannelId == command.ChannelId
                && r.WindowMinutes == windowMinutes && r.ExpiresAt > now);

            // A summarizer that cannot translate answers every language alike: any live recap of
            // the member's for this window is the one they would get.
            var held = await sessions
                .Find(keyLanguage == RecapSummaryDocument.OriginalLanguage ? mine : mine & Builders<RecapSessionDocument>.Filter.Eq(r => r.RequestedLanguage, language))
                .SortByDescending(r => r.CreatedAt)
                .FirstOrDefaultAsync(cancellationToken);
            if (held is not null)
            {
                return Response(held, cached: true, charged: 0, balance);
            }

            if (quote is CreditQuote.Insufficient lacking)
            {
                throw RecapException.Insufficient(lacking.Balance, lacking.Required);
            }

            var summary = await shared.GetAsync(new RecapRequest(command.ChannelId, windowMinutes, keyLanguage), cancellationToken);

            // A client gone before the charge pays nothing; the summary stays for the others. From
            // here on the charge and the recap it pays for are written whatever the client does.
            cancellationToken.ThrowIfCancellationRequested();
            var created = time.GetUtcNow().UtcDateTime;
            var recap = new RecapSessionDocument
            {
                Id = SharedRecaps.SessionId(command.UserId, summary.Computation),
                UserId = command.UserId,
                ChannelId = command.ChannelId,
                Summary = summary.Summary!,
                KeyPoints = summary.KeyPoints,
                StartTime = summary.WindowStart,
                EndTime = summary.WindowEnd,
                TranscriptLength = summary.TranscriptLength,
                CreatedAt = created,
                ExpiresAt = created + settings.RecapLifetime,
                Language = summary.SummaryLanguage!,
                RequestedLanguage = language,
                WindowMinutes = windowMinutes,
                SummaryId = summary.Computation,
            };

            // The recap is stored in the charge's transaction: never a charge without it. One key
            // per summary: a member's racing requests (or one asking in another language for the
            // summary they hold) pay once, and the others answer the recap that charge stored.
            var charge = await ledger.ChargeWithAsync(
                command.UserId,
                Feature,
                1,
                $"recap:{summary.Computation}",
                (session, charged, token) =>
                {
                    recap.CreditsUsed = charged.Amount;
                    return sessions.InsertOneAsync(session, recap, cancellationToken: token);
                },
                CancellationToken.None) switch
            {
                ChargeResult.Charged charged => charged,
                ChargeResult.Insufficient insufficient => throw RecapException.Insufficient(insufficient.Balance, insufficient.Required),
                ChargeResult.NotAMember => throw RecapException.NotAMember(),
                _ => throw NoPrice(),
            };

            if (charge.Replayed)
            {
                // Paid by this member's earlier (or racing) request: this one costs nothing.
                var paid = await PaidRecapAsync(sessions, recap, charge);
                var standing = await ledger.QuoteAsync(command.UserId, Feature, 1, CancellationToken.None);
                return Response(paid, cached: true, charged: 0, standing switch
                {
                    CreditQuote.Affordable affordable => affordable.Balance,
                    CreditQuote.Insufficient insufficient => insufficient.Balance,
                    _ => charge.Balance,
                });
            }

            return Response(recap, cached: false, charge.Amount, charge.Balance);
        }

        /// <summary>The recap an earlier charge stored with it. Gone only if the TTL monitor, on a
        /// clock ahead of this instance's, removed it early: it was paid for, so it is stored again.</summary>
        private static async Task<RecapSessionDocument> PaidRecapAsync(IMongoCollection<RecapSessionDocument> sessions, RecapSessionDocument recap, ChargeResult.Charged charge)
        {
            if (await sessions.Find(r => r.Id == recap.Id).FirstOrDefaultAsync(CancellationToken.None) is { } stored)
            {
                return stored;
            }

            recap.CreditsUsed = charge.Amount;
            try
            {
                await sessions.InsertOneAsync(recap, cancellationToken: CancellationToken.None);
            }
            catch (MongoException error) when (MongoErrors.IsDuplicateKey(error))
            {
                // Stored again by a racing request of the same member's: the same recap.
            }

            return recap;
        }

        private static RecapException NoPrice() =>
            RecapException.Unavailable($"Recaps have no price in this deployment (Beta:Prices:{Feature}); nothing was charged.", TimeSpan.FromMinutes(5));

        private static RecapResponse Response(RecapSessionDocument recap, bool cached, int charged, int balance) => new(
            recap.Id, recap.ChannelId, recap.Summary, recap.KeyPoints, recap.StartTime, recap.EndTime, recap.Language, cached, charged, balance, recap.ExpiresAt);
    }

    internal static void Map(RouteGroupBuilder group) => group
        .MapPost("/recaps", async (
            string channelId,
            [FromBody(EmptyBodyBehavior = EmptyBodyBehavior.Allow)] CreateRecapRequest? request,
            HttpContext http,
            ISender sender,
            CancellationToken ct) =>
        {
            var command = new Command(Ids.Parse(channelId, "Channel").ToString(), request?.WindowMinutes, request?.Language,
                http.User.Id(), RequestLanguage.Resolve(http), UnknownFields.In(request?.Unknown));
            var recap = await sender.Send(command, ct);

            // The summary's own language, which the local summarizer keeps from the transcript.
            http.Response.Headers.ContentLanguage = recap.Language;
            return TypedResults.Ok(recap);
        })
        .RequireRateLimiting(RateLimitPolicy)
        .WithLanguage()
        .WithName("CreateRecap")
        .WithSummary("What did I miss? A summary of the last minutes of a live channel, for Beta 500 members; costs credits")
        .WithDescription(
            "Summarizes the channel's live transcript over the last windowMinutes (1 to 30, default 15), ending at the last whole minute, in language " +
            "(he, en or es; default the language of lang or Accept-Language): a short summary and up to 5 key points. With the local summarizer (no " +
            "AI:OpenAI:ApiKey) the recap is in the transcript's own language, which language (and Content-Language) then says, and one summary " +
            "serves all three languages. A summary is made once per channel, window length and language and reused by everyone asking for Recaps:RecapLifetime (3 minutes), so windowStart and windowEnd may be up to that " +
            "much older than the request. Each member pays the catchup price (Beta:Prices) once per recap received, after it is made; asking again " +
            "while the recap lives (expiresAt) returns it with cached true and creditsCharged 0. 402 (type `" + CreditProblems.InsufficientCredits +
            "`) when the balance does not cover the price, 403 (type `" + CreditProblems.NotMember + "`) for an account that is not an active " +
            "member, 422 (type `" + RecapProblems.NotEnoughTranscript + "`) when the window holds less than Recaps:MinTranscriptSeconds (60, at " +
            "most half the window) of speech or no words at all, 503 (type `" + RecapProblems.Unavailable + "`) with Retry-After when the summarizer fails or takes longer than Recaps:Timeout; " +
            "none of them charges anything. 404 for an unknown or inactive channel. At most 10 requests a minute per member (429).")
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status401Unauthorized)
        .ProducesProblem(StatusCodes.Status402PaymentRequired)
        .ProducesProblem(StatusCodes.Status403Forbidden)
        .ProducesProblem(StatusCodes.Status404NotFound)
        .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
        .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
}
