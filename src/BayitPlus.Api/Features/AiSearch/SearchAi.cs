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

namespace BayitPlus.Api.Features.AiSearch;

/// <summary>
/// Semantic search for Beta 500 members: the hybrid ranking of <see cref="AiRetrieval"/> (the
/// catalog's text ranking fused with the nearest neighbours of the query's embedding), narrowed by
/// the catalog's taxonomy filters and the member's parental limit, as localized catalog cards. Each
/// search costs the <c>ai_search</c> price once: charged before searching (so two racing searches
/// cannot both spend the last credits) and refunded when the search fails, so a failure never stays
/// charged. Once charged, the search runs to its end even if the client goes away: a refund on an
/// abandoned request would let a client that always hangs up search for free. A query the model
/// cannot read is refused before charging (the free catalog search serves it as well). Recorded in
/// <c>searchquery</c> as <c>ai</c>.
/// </summary>
public static partial class SearchAi
{
    public const string Feature = "ai_search";
    public const int MaxQueryLength = 200;
    public const int DefaultLimit = 20;
    public const int MaxLimit = 50;

    /// <summary>The query string taken as text (as catalog search's) so that a malformed value is a
    /// 400 naming its parameter; empty values count as absent.</summary>
    public sealed record Parameters(
        [FromQuery(Name = "q")] string? Q,
        [FromQuery(Name = "section")] string[]? Section,
        [FromQuery(Name = "format")] string[]? Format,
        [FromQuery(Name = "audience")] string[]? Audience,
        [FromQuery(Name = "genre")] string[]? Genre,
        [FromQuery(Name = "topic")] string[]? Topic,
        [FromQuery(Name = "yearFrom")] string? YearFrom,
        [FromQuery(Name = "yearTo")] string? YearTo,
        [FromQuery(Name = "limit")] string? Limit)
    {
        public Command ToCommand(string userId, string language) => new(
            Q, Values(Section), Values(Format), Values(Audience), Values(Genre), Values(Topic),
            Blank(YearFrom), Blank(YearTo), Blank(Limit), userId, language);

        private static string[] Values(string[]? values) => values?.Where(v => !string.IsNullOrWhiteSpace(v)).ToArray() ?? [];

        private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
    }

    public sealed record Command(
        string? Q,
        IReadOnlyList<string> Section,
        IReadOnlyList<string> Format,
        IReadOnlyList<string> Audience,
        IReadOnlyList<string> Genre,
        IReadOnlyList<string> Topic,
        string? YearFrom,
        string? YearTo,
        string? Limit,
        string UserId,
        string Language) : ICommand<AiSearchResponse>, ITaxonomyFilterQuery;

    /// <summary>Catalog search's rules (<see cref="TaxonomyFilterValidator{T}"/>), without its cursor.</summary>
    public sealed class Validator : TaxonomyFilterValidator<Command>
    {
        public Validator()
        {
            RuleFor(c => c.Q)
                .NotEmpty().WithMessage("q is required: describe what to find.")
                .MaximumLength(MaxQueryLength).WithMessage($"q must be at most {MaxQueryLength} characters long.");
            RuleFor(c => c.Limit).WholeNumber(1, MaxLimit, DefaultLimit).WithMessage($"limit must be between 1 and {MaxLimit}.");
        }
    }

    public sealed partial class Handler(
        AiRetrieval retrieval,
        SearchModel models,
        ICreditLedger ledger,
        IContentCards cards,
        IViewingLimits limits,
        MongoContext db,
        TimeProvider time,
        ILogger<Handler> logger) : ICommandHandler<Command, AiSearchResponse>
    {
        public async ValueTask<AiSearchResponse> Handle(Command command, CancellationToken cancellationToken)
        {
            // Checked before charging: with nothing embedded, or a query the model cannot read, the
            // search would be the free catalog search, which is not worth credits.
            if (await models.CurrentAsync(cancellationToken) is not { } vectors)
            {
                throw AiSearchException.Unavailable("Semantic search is not ready: the catalog has not been embedded yet with a model this instance can run. Nothing was charged.");
            }

            if (!vectors.Model.Reads(command.Q!))
            {
                throw AiSearchException.LanguageUnsupported(vectors.Model.Id);
            }

            // From the charge on, the client going away cancels nothing: a charge committed as the
            // request was abandoned would otherwise stay without a search (and without a refund).
            var charge = await ledger.ChargeAsync(command.UserId, Feature, 1, Guid.NewGuid().ToString("N"), CancellationToken.None) switch
            {
                ChargeResult.Charged charged => charged,
                ChargeResult.Insufficient insufficient => throw AiSearchException.Insufficient(insufficient.Balance, insufficient.Required),
                ChargeResult.NotAMember => throw AiSearchException.NotAMember(),
                _ => throw AiSearchException.Unavailable($"AI search has no price in this deployment (Beta:Prices:{Feature}). Nothing was charged."),
            };

            try
            {
                return await SearchAsync(command, charge, CancellationToken.None);
            }
            catch (Exception error)
            {
                await RefundAsync(charge, error);
                if (error is ApiException)
                {
                    throw;
                }

                LogSearchFailed(logger, error, charge.ChargeId);
                throw AiSearchException.Unavailable("Semantic search failed; the credits it charged were refunded. Try again shortly.");
            }
        }

        private async Task<AiSearchResponse> SearchAsync(Command command, ChargeResult.Charged charge, CancellationToken cancellationToken)
        {
            var text = command.Q!.Trim();
            var limit = DescriptiveRules.ParseWholeNumber(command.Limit) ?? DefaultLimit;
            var started = time.GetTimestamp();
            var maxAudience = await limits.MaxAudienceAsync(command.UserId, cancellationToken);
            var filter = Validator.Filter(command);
            if (Audiences.AllowedUpTo(maxAudience) is { } allowed)
            {
                // In the ranking's filter, so the page holds limit items the member may see.
                filter = filter with { Audiences = filter.Audiences.Count == 0 ? allowed : [.. filter.Audiences.Intersect(allowed)] };
            }

            var ranked = filter.Audiences.Count == 0 && command.Audience.Count > 0 ? []
                : await retrieval.RankAsync(text, filter, RetrievalMode.Hybrid, limit, cancellationToken);
            var found = await cards.FindAsync(ranked, command.Language, maxAudience, cancellationToken);
            List<ContentResponse> items = [.. ranked.Where(found.ContainsKey).Select(id => found[id])];
            var elapsed = time.GetElapsedTime(started);

            var record = new AiSearchQueryDocument
            {
                UserId = command.UserId,
                QueryText = text,
                ResultsCount = items.Count,
                ResponseTimeMs = (int)Math.Round(elapsed.TotalMilliseconds, MidpointRounding.AwayFromZero),
                CreatedAt = time.GetUtcNow().UtcDateTime,
            };
            await db.Collection<AiSearchQueryDocument>(AiSearchQueryDocument.CollectionName).InsertOneAsync(record, cancellationToken: cancellationToken);
            return new AiSearchResponse(items, record.Id, charge.Amount, charge.Balance);
        }

        /// <summary>Gives the charge back; not cancellable, since the request may be ending. A refund
        /// the ledger refuses (the membership ended meanwhile) or cannot make is logged for the
        /// reconciliation to find, and the search's own failure is what the caller hears.</summary>
        private async Task RefundAsync(ChargeResult.Charged charge, Exception cause)
        {
            try
            {
                var refund = await ledger.RefundAsync(charge.ChargeId, $"{Feature} failed: {cause.GetType().Name}", null, CancellationToken.None);
                if (refund is not RefundResult.Refunded)
                {
                    LogRefundRefused(logger, charge.ChargeId, refund.GetType().Name);
                }
            }
            catch (Exception error)
            {
                // Whatever went wrong here, the caller hears the search's failure, not the refund's.
                LogRefundFailed(logger, error, charge.ChargeId);
            }
        }

        [LoggerMessage(Level = LogLevel.Error, Message = "AI search failed after charge {ChargeId}; refunded")]
        private static partial void LogSearchFailed(ILogger logger, Exception error, string chargeId);

        [LoggerMessage(Level = LogLevel.Error, Message = "AI search charge {ChargeId} was not refunded: {Result}")]
        private static partial void LogRefundRefused(ILogger logger, string chargeId, string result);

        [LoggerMessage(Level = LogLevel.Error, Message = "AI search charge {ChargeId} could not be refunded")]
        private static partial void LogRefundFailed(ILogger logger, Exception error, string chargeId);
    }

    internal static void Map(RouteGroupBuilder group) => group
        .MapGet("/", async ([AsParameters] Parameters parameters, HttpContext http, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(parameters.ToCommand(http.User.Id(), RequestLanguage.Resolve(http)), ct)))
        .WithQueryRules<Command>()
        .WithLanguage()
        .WithName("SearchAi")
        .WithSummary("Semantic search of the catalog for Beta 500 members, ranked by meaning and by text; costs credits")
        .WithDescription(
            "q (required, at most 200 characters) may describe what to find in the searcher's own words (\"a film about a family that keeps the Sabbath\"): " +
            "the ranking fuses the nearest neighbours of q's embedding ($vectorSearch over the catalog's embeddings) with the catalog's weighted text search " +
            "(reciprocal rank fusion), so exact titles are still found first. section, format, audience, genre, topic, yearFrom and yearTo narrow the " +
            "results as in GET /api/search; limit (1 to 50, default 20) results, best first, within the member's parental limit, in the language of lang " +
            "or Accept-Language. Each search costs the ai_search price (Beta:Prices) once: creditsCharged and creditsRemaining say what it cost and what " +
            "is left; a search that was charged runs to its end even if the client disconnects, so retrying is a new search. 402 (type `" +
            CreditProblems.InsufficientCredits + "`) when the balance does not cover the price and 403 (type `" +
            CreditProblems.NotMember + "`) for an account that is not an active member; neither charges anything. 503 (type `" + AiSearchProblems.Unavailable +
            "`) when semantic search cannot run (the catalog is not embedded yet, no price is set, or the model or vector search fails): whatever was " +
            "charged is refunded. 422 (type `" + AiSearchProblems.LanguageUnsupported + "`) when the configured model cannot read q's script (the local " +
            "model reads Latin script only; GET /api/search serves Hebrew), nothing charged. Each search is recorded in searchquery (search_type ai); searchId is what POST /api/search/{searchId}/click takes. Never cached.")
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status401Unauthorized)
        .ProducesProblem(StatusCodes.Status402PaymentRequired)
        .ProducesProblem(StatusCodes.Status403Forbidden)
        .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
        .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
}

/// <summary>An AI search's results, best first, what it cost and the balance left after it; <c>searchId</c>
/// is the id a click on a result is recorded against.</summary>
public sealed record AiSearchResponse(IReadOnlyList<ContentResponse> Items, string SearchId, int CreditsCharged, int CreditsRemaining);
