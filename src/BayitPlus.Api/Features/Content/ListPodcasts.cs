using BayitPlus.Api.Infrastructure;
using BayitPlus.Api.Infrastructure.Http;
using BayitPlus.Api.Infrastructure.Mongo;
using FluentValidation;
using FluentValidation.Results;
using Mediator;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.Content;

/// <summary>Podcast shows, newest first (<c>created_at</c>, then <c>_id</c>), keyset paged,
/// optionally narrowed to one language and one category.</summary>
public static class ListPodcasts
{
    public sealed record Query(string? Language, string? Category, string? Cursor, int? Limit) : IQuery<Page<PodcastResponse>>;

    public sealed class Validator : AbstractValidator<Query>
    {
        public Validator()
        {
            RuleFor(q => q.Language).Must(RequestLanguage.Supported.Contains).When(q => q.Language is not null)
                .WithMessage($"language must be one of: {string.Join(", ", RequestLanguage.Supported)}.");
            RuleFor(q => q.Category).Length(1, 100).When(q => q.Category is not null)
                .WithMessage("category must be 1 to 100 characters long.");
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

            if (query.Cursor is not null)
            {
                var keys = KeysetCursor.Decode(query.Cursor, 2);
                var createdAt = DateKey(keys[0]);
                var id = KeysetCursor.IdKey(keys[1]).ToString();
                clauses.Add(filter.Or(
                    filter.Lt(p => p.CreatedAt, createdAt),
                    filter.And(filter.Eq(p => p.CreatedAt, createdAt), filter.Lt(p => p.Id, id))));
            }

            var limit = KeysetCursor.Limit(query.Limit);
            var found = await db.Collection<PodcastDocument>(PodcastDocument.CollectionName)
                .Find(filter.And(clauses))
                .Sort(Builders<PodcastDocument>.Sort.Descending(p => p.CreatedAt).Descending(p => p.Id))
                .Limit(limit + 1)
                .ToListAsync(cancellationToken);

            var page = found.Take(limit).ToList();
            var next = found.Count > limit
                ? KeysetCursor.Encode(new BsonDateTime(page[^1].CreatedAt), new BsonObjectId(ObjectId.Parse(page[^1].Id)))
                : null;
            return new Page<PodcastResponse>([.. page.Select(PodcastResponse.From)], next);
        }
    }

    /// <summary>A date sort key of one of our cursors; anything else is the client's mistake.</summary>
    internal static DateTime DateKey(BsonValue value) => value is BsonDateTime date
        ? date.ToUniversalTime()
        : throw new ValidationException([new ValidationFailure("cursor", "The cursor is not valid; use the nextCursor of a previous page.")]);

    internal static void Map(RouteGroupBuilder group) => group
        .MapGet("/", async (string? language, string? category, string? cursor, int? limit, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(new Query(language, category, cursor, limit), ct)))
        .WithName("ListPodcasts")
        .WithSummary("List podcast shows, newest first, optionally by language and category")
        .AllowAnonymous()
        .CacheOutput(CatalogCache.Policy)
        .ProducesValidationProblem();
}
