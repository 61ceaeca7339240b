using BayitPlus.Api.Infrastructure.Errors;
using BayitPlus.Api.Infrastructure.Mongo;
using Mediator;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.Content;

public static class GetPodcast
{
    public sealed record Query(string Id) : IQuery<PodcastResponse>;

    public sealed class Handler(MongoContext db) : IQueryHandler<Query, PodcastResponse>
    {
        public async ValueTask<PodcastResponse> Handle(Query query, CancellationToken cancellationToken)
        {
            var id = Ids.Parse(query.Id, "Podcast").ToString();
            var podcast = await db.Collection<PodcastDocument>(PodcastDocument.CollectionName)
                .Find(p => p.Id == id)
                .FirstOrDefaultAsync(cancellationToken)
                ?? throw new NotFoundException("Podcast");
            return PodcastResponse.From(podcast);
        }
    }

    internal static void Map(RouteGroupBuilder group) => group
        .MapGet("/{id}", async (string id, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(new Query(id), ct)))
        .WithName("GetPodcast")
        .WithSummary("One podcast show")
        .WithDescription(
            "The show with its episode count and when its feed was last read (lastUpdated); its episodes are at /api/podcasts/{id}/episodes. " +
            OperationNotes.NotFoundById + " " + OperationNotes.Cached)
        .AllowAnonymous()
        .CacheOutput(CatalogCache.Policy)
        .ProducesProblem(StatusCodes.Status404NotFound);
}
