using BayitPlus.Api.Infrastructure.Errors;
using BayitPlus.Api.Infrastructure.Mongo;
using Mediator;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.Content;

/// <summary>One episode of a show, with its transcript; an episode of another show is a 404.</summary>
public static class GetPodcastEpisode
{
    public sealed record Query(string PodcastId, string EpisodeId) : IQuery<PodcastEpisodeDetailResponse>;

    public sealed class Handler(MongoContext db) : IQueryHandler<Query, PodcastEpisodeDetailResponse>
    {
        public async ValueTask<PodcastEpisodeDetailResponse> Handle(Query query, CancellationToken cancellationToken)
        {
            var podcastId = Ids.Parse(query.PodcastId, "Episode").ToString();
            var episodeId = Ids.Parse(query.EpisodeId, "Episode").ToString();
            var episode = await db.Collection<PodcastEpisodeDocument>(PodcastEpisodeDocument.CollectionName)
                .Find(e => e.Id == episodeId && e.PodcastId == podcastId)
                .FirstOrDefaultAsync(cancellationToken)
                ?? throw new NotFoundException("Episode");
            return PodcastEpisodeDetailResponse.From(episode);
        }
    }

    internal static void Map(RouteGroupBuilder group) => group
        .MapGet("/{id}/episodes/{episodeId}", async (string id, string episodeId, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(new Query(id, episodeId), ct)))
        .WithName("GetPodcastEpisode")
        .WithSummary("One episode of a show, with its transcript")
        .WithDescription(
            "The episode with its transcript (null when none is stored). durationSeconds is its length in whole seconds, null when unknown. " +
            "404 when either id is unknown or malformed, or the episode belongs to another show. " + OperationNotes.Cached)
        .AllowAnonymous()
        .CacheOutput(CatalogCache.Policy)
        .ProducesProblem(StatusCodes.Status404NotFound);
}
