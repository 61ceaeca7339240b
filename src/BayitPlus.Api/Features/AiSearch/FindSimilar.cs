using BayitPlus.Api.Infrastructure;
using BayitPlus.Api.Infrastructure.Catalog;
using BayitPlus.Api.Infrastructure.Errors;
using BayitPlus.Api.Infrastructure.Http;
using BayitPlus.Api.Infrastructure.Validation;
using FluentValidation;
using Mediator;
using Microsoft.AspNetCore.Mvc;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.AiSearch;

/// <summary>"More like this": the catalog items whose embeddings are nearest to the item's own
/// (<see cref="AiRetrieval.SimilarAsync"/>), the item itself left out, as localized cards. Free and
/// anonymous, and cached with the catalog's reads.</summary>
public static partial class FindSimilar
{
    public const int DefaultLimit = 10;
    public const int MaxLimit = 50;

    public sealed record Query(string Id, string? Limit, string Language) : IQuery<ItemsResponse<ContentResponse>>;

    public sealed class Validator : AbstractValidator<Query>
    {
        public Validator() =>
            RuleFor(q => q.Limit).WholeNumber(1, MaxLimit, DefaultLimit).WithMessage($"limit must be between 1 and {MaxLimit}.");
    }

    public sealed partial class Handler(AiRetrieval retrieval, IContentCards cards, ILogger<Handler> logger) : IQueryHandler<Query, ItemsResponse<ContentResponse>>
    {
        public async ValueTask<ItemsResponse<ContentResponse>> Handle(Query query, CancellationToken cancellationToken)
        {
            if (!Ids.IsValid(query.Id) || !await cards.IsVisibleAsync(query.Id, cancellationToken))
            {
                throw new NotFoundException("Content");
            }

            var limit = DescriptiveRules.ParseWholeNumber(query.Limit) ?? DefaultLimit;
            IReadOnlyList<string>? nearest;
            try
            {
                nearest = await retrieval.SimilarAsync(query.Id, limit, cancellationToken);
            }
            catch (MongoCommandException error)
            {
                // The server cannot run $vectorSearch (no search node, the index missing or rebuilt).
                LogVectorSearchFailed(logger, error);
                throw AiSearchException.Unavailable("Similar items cannot be found right now: vector search is not available. Try again shortly.");
            }

            if (nearest is null)
            {
                throw AiSearchException.NotEmbedded();
            }

            var found = await cards.FindAsync(nearest, query.Language, null, cancellationToken);
            return new ItemsResponse<ContentResponse>([.. nearest.Where(found.ContainsKey).Select(id => found[id])]);
        }

        [LoggerMessage(Level = LogLevel.Error, Message = "Similar items: $vectorSearch failed")]
        private static partial void LogVectorSearchFailed(ILogger logger, Exception error);
    }

    internal static void Map(RouteGroupBuilder group) => group
        .MapGet("/{id}/similar", async (string id, [FromQuery(Name = "limit")] string? limit, HttpContext http, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(new Query(id, string.IsNullOrWhiteSpace(limit) ? null : limit, RequestLanguage.Resolve(http)), ct)))
        .WithQueryRules<Query>()
        .WithLanguage()
        .WithName("FindSimilarContent")
        .WithSummary("Catalog items most like a given one, by the meaning of their texts")
        .WithDescription(
            "The limit (1 to 50, default 10) items whose embeddings are nearest to the item's own (title, description, people, genres and topics, " +
            "embedded by the AI search indexer), most similar first, the item itself left out; free, and open to anonymous callers. Titles and " +
            "descriptions are in the language of lang or Accept-Language (a missing translation falls back to Hebrew). Anonymous answers are cached " +
            "with the catalog's reads (Content:CatalogCacheDuration) and cleared by any admin change to the catalog. 404 when the id is unknown or not " +
            "a 24-hex-digit id, and (type `" + AiSearchProblems.NotEmbedded + "`) when the item has no embedding of the current model yet.")
        .AllowAnonymous()
        .CacheOutput(CatalogCaching.Policy)
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status404NotFound);
}
