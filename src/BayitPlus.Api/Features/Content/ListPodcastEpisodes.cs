using BayitPlus.Api.Infrastructure;
using BayitPlus.Api.Infrastructure.Errors;
using BayitPlus.Api.Infrastructure.Mongo;
using Mediator;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.Content;

/// <summary>A show's episodes, newest first (<c>published_date</c>, then <c>_id</c>), keyset paged
/// and served by the <c>{podcast_id, published_date}</c> index. Episodes without a publication date
/// sort last, as MongoDB orders missing values in a descending sort.</summary>
public static class ListPodcastEpisodes
{
    public sealed record Query(string PodcastId, string? Cursor, int? Limit) : IQuery<Page<PodcastEpisodeResponse>>;

    public sealed class Handler(MongoContext db) : IQueryHandler<Query, Page<PodcastEpisodeResponse>>
    {
        public async ValueTask<Page<PodcastEpisodeResponse>> Handle(Query query, CancellationToken cancellationToken)
        {
            var podcastId = Ids.Parse(query.PodcastId, "Podcast").ToString();
            var shows = db.Collection<PodcastDocument>(PodcastDocument.CollectionName);
            if (await shows.CountDocumentsAsync(p => p.Id == podcastId, new CountOptions { Limit = 1 }, cancellationToken) == 0)
            {
                throw new NotFoundException("Podcast");
            }

            var filter = Builders<PodcastEpisodeDocument>.Filter;
            var clauses = new List<FilterDefinition<PodcastEpisodeDocument>> { filter.Eq(e => e.PodcastId, podcastId) };
            if (query.Cursor is not null)
            {
                clauses.Add(After(KeysetCursor.Decode(query.Cursor, 2)));
            }

            var limit = KeysetCursor.Limit(query.Limit);
            var found = await db.Collection<PodcastEpisodeDocument>(PodcastEpisodeDocument.CollectionName)
                .Find(filter.And(clauses))
                .Sort(Builders<PodcastEpisodeDocument>.Sort.Descending(e => e.PublishedDate).Descending(e => e.Id))
                .Project<PodcastEpisodeDocument>(Builders<PodcastEpisodeDocument>.Projection.Exclude(e => e.Transcript))
                .Limit(limit + 1)
                .ToListAsync(cancellationToken);

            var page = found.Take(limit).ToList();
            var next = found.Count > limit
                ? KeysetCursor.Encode(
                    page[^1].PublishedDate is { } published ? new BsonDateTime(published) : BsonNull.Value,
                    new BsonObjectId(ObjectId.Parse(page[^1].Id)))
                : null;
            return new Page<PodcastEpisodeResponse>([.. page.Select(PodcastEpisodeResponse.From)], next);
        }

        /// <summary>The episodes after the cursor's position in (published_date desc, _id desc)
        /// order. Undated episodes come after every dated one, and a range on a date never matches
        /// them, so they are added explicitly.</summary>
        private static FilterDefinition<PodcastEpisodeDocument> After(BsonArray keys)
        {
            var filter = Builders<PodcastEpisodeDocument>.Filter;
            var id = KeysetCursor.IdKey(keys[1]).ToString();
            if (keys[0].IsBsonNull)
            {
                return filter.And(filter.Eq(e => e.PublishedDate, null), filter.Lt(e => e.Id, id));
            }

            var published = ListPodcasts.DateKey(keys[0]);
            return filter.Or(
                filter.Lt(e => e.PublishedDate, published),
                filter.And(filter.Eq(e => e.PublishedDate, published), filter.Lt(e => e.Id, id)),
                filter.Eq(e => e.PublishedDate, null));
        }
    }

    internal static void Map(RouteGroupBuilder group) => group
        .MapGet("/{id}/episodes", async (string id, string? cursor, int? limit, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(new Query(id, cursor, limit), ct)))
        .WithName("ListPodcastEpisodes")
        .WithSummary("A show's episodes, newest first (without transcripts)")
        .AllowAnonymous()
        .CacheOutput(CatalogCache.Policy)
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status404NotFound);
}
