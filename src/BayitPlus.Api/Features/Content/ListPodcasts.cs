using BayitPlus.Api.Infrastructure;
using BayitPlus.Api.Infrastructure.Http;
using BayitPlus.Api.Infrastructure.Mongo;
using BayitPlus.Api.Infrastructure.Validation;
using FluentValidation;
using Mediator;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.Content;

/// <summary>Podcast shows, newest first (<c>created_at</c>, then <c>_id</c>), keyset paged,
/// optionally narrowed to one language and one category.</summary>
public static class ListPodcasts
{
    private static readonly Keyset<PodcastDocument> Newest = new("podcasts", "created_at", BsonType.DateTime, p => p.CreatedAt, p => p.Id);

    public sealed record Query(string? Language, string? Category, string? Cursor, string? Limit) : IQuery<Page<PodcastResponse>>;

    public sealed class Validator : AbstractValidator<Query>
    {
        public Validator()
        {
            RuleFor(q => q.Language).OneOf(RequestLanguage.Supported).WithMessage($"language must be one of: {string.Join(", ", RequestLanguage.Supported)}.");
            RuleFor(q => q.Category).Length(1, 100).When(q => q.Category is not null)
                .WithMessage("category must be 1 to 100 characters long.");
            RuleFor(q => q.Limit).PageLimit();
            RuleFor(q => q.Cursor).PageCursor(Newest);
        }
    }

    public sealed class Handler(MongoContext db) : IQueryHandler<Query, Page<PodcastResponse>>
    {
        public async ValueTask<Page<PodcastResponse>> Handle(Query query, CancellationToken cancellationToken)
        {
            var filter = Builders<PodcastDocument>.Filter;
            var clauses = new List<FilterDefinition<PodcastDocument>> { filter.Empty };
            if (query.Language is not null)
            {
                clauses.Add(filter.Eq(p => p.Language, query.Language));
            }

            if (query.Category is not null)
            {
                clauses.Add(filter.AnyEq(p => p.Categories, query.Category));
            }

            var page = await Newest.ReadAsync(
                db.Collection<PodcastDocument>(PodcastDocument.CollectionName), filter.And(clauses), query.Cursor, query.Limit, cancellationToken);
            return page.Select(PodcastResponse.From);
        }
    }

    internal static void Map(RouteGroupBuilder group) => group
        .MapGet("/", async (string? language, string? category, string? cursor, string? limit, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(new Query(language, category, cursor, limit), ct)))
        .WithQueryRules<Query>()
        .WithName("ListPodcasts")
        .WithSummary("List podcast shows, newest first, optionally by language and category")
        .WithDescription(
            "Shows newest first (when they were added), paged: pass the answer's nextCursor as cursor for the next page; nextCursor is null on the last one. " +
            "language (he, en or es) and category (one of a show's categories, exactly as stored) narrow the list; the RSS feed address is not shown. " +
            "400 names a bad language, category, cursor or limit. Texts are the shows' own, in their language. " + OperationNotes.Cached)
        .AllowAnonymous()
        .CacheOutput(CatalogCache.Policy)
        .ProducesValidationProblem();
}
