using BayitPlus.Api.Infrastructure.Errors;
using BayitPlus.Api.Infrastructure.Mongo;
using Mediator;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.Content;

/// <summary>One live channel; an inactive channel is hidden like an unknown one.</summary>
public static class GetLiveChannel
{
    public sealed record Query(string Id) : IQuery<LiveChannelResponse>;

    public sealed class Handler(MongoContext db) : IQueryHandler<Query, LiveChannelResponse>
    {
        public async ValueTask<LiveChannelResponse> Handle(Query query, CancellationToken cancellationToken)
        {
            var id = Ids.Parse(query.Id, "Channel").ToString();
            var channel = await db.Collection<LiveChannelDocument>(LiveChannelDocument.CollectionName)
                .Find(c => c.Id == id && c.IsActive)
                .FirstOrDefaultAsync(cancellationToken)
                ?? throw new NotFoundException("Channel");
            return LiveChannelResponse.From(channel);
        }
    }

    internal static void Map(RouteGroupBuilder group) => group
        .MapGet("/{id}", async (string id, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(new Query(id), ct)))
        .WithName("GetLiveChannel")
        .WithSummary("One active live channel")
        .WithDescription(
            "The channel with its public stream URL. An inactive channel answers 404 like an unknown one. " + OperationNotes.NotFoundById + " " + OperationNotes.Cached)
        .AllowAnonymous()
        .CacheOutput(CatalogCache.Policy)
        .ProducesProblem(StatusCodes.Status404NotFound);
}
