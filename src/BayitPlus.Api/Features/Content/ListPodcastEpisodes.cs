using BayitPlus.Api.Infrastructure;
using BayitPlus.Api.Infrastructure.Errors;
using BayitPlus.Api.Infrastructure.Mongo;
using BayitPlus.Api.Infrastructure.Validation;
using FluentValidation;
using Mediator;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.Content;

/// <summary>A show's episodes, newest first (<c>published_date</c>, then <c>_id</c>), keyset paged
/// and served by the <c>{podcast_id, published_date}</c> index. Episodes without a publication date
/// sort last, as MongoDB orders missing values in a descending sort.</summary>
public static class ListPodcastEpisodes
{
    private static readonly Keyset<PodcastEpisodeDocument> Newest =
        new("podcast-episodes", "published_date", BsonType.DateTime, e => e.PublishedDate, e => e.Id, keyMayBeNull: true);

    public sealed record Query(string PodcastId, string? Cursor, string? Limit) : IQuery<Page<PodcastEpisodeResponse>>;

    public sealed class Validator : AbstractValidator<Query>
    {
        public Validator()
        {
            RuleFor(q => q.Limit).PageLimit();
            RuleFor(q => q.Cursor).PageCursor(Newest);
        }
    }

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

            var page = await Newest.ReadAsync(
                db.Collection<PodcastEpisodeDocument>(PodcastEpisodeDocument.CollectionName),
                Builders<PodcastEpisodeDocument>.Filter.Eq(e => e.PodcastId, podcastId),
                query.Cursor,
                query.Limit,
                Builders<PodcastEpisodeDocument>.Projection.Exclude(e => e.Transcript),
                cancellationToken);
            return page.Select(PodcastEpisodeResponse.From);
        }
    }

    internal static void Map(RouteGroupBuilder group) => group
        .MapGet("/{id}/episodes", async (string id, string? cursor, string? limit, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(new Query(id, cursor, limit), ct)))
        .WithQueryRules<Query>()
        .WithName("ListPodcastEpisodes")
        .WithSummary("A show's episodes, newest first (without transcripts)")
        .WithDescription(
            "Episodes by publication date, newest first (undated episodes last), paged: pass nextCursor as cursor for the next page; nextCursor is null on the last one. " +
            "Transcripts are left out (they can be long): read one episode for it. durationSeconds is the episode's length in whole seconds, null when unknown. " +
            "404 when the show is unknown; 400 names a bad cursor or limit. " + OperationNotes.Cached)
        .AllowAnonymous()
        .CacheOutput(CatalogCache.Policy)
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status404NotFound);
}
