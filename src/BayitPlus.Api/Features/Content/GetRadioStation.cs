using BayitPlus.Api.Infrastructure.Errors;
using BayitPlus.Api.Infrastructure.Mongo;
using Mediator;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.Content;

/// <summary>One radio station; an inactive station is hidden like an unknown one.</summary>
public static class GetRadioStation
{
    public sealed record Query(string Id) : IQuery<RadioStationResponse>;

    public sealed class Handler(MongoContext db) : IQueryHandler<Query, RadioStationResponse>
    {
        public async ValueTask<RadioStationResponse> Handle(Query query, CancellationToken cancellationToken)
        {
            var id = Ids.Parse(query.Id, "Station").ToString();
            var station = await db.Collection<RadioStationDocument>(RadioStationDocument.CollectionName)
                .Find(s => s.Id == id && s.IsActive)
                .FirstOrDefaultAsync(cancellationToken)
                ?? throw new NotFoundException("Station");
            return RadioStationResponse.From(station);
        }
    }

    internal static void Map(RouteGroupBuilder group) => group
        .MapGet("/{id}", async (string id, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(new Query(id), ct)))
        .WithName("GetRadioStation")
        .WithSummary("One active radio station")
        .WithDescription(
            "The station with its public stream URL. An inactive station answers 404 like an unknown one. " + OperationNotes.NotFoundById + " " + OperationNotes.Cached)
        .AllowAnonymous()
        .CacheOutput(CatalogCache.Policy)
        .ProducesProblem(StatusCodes.Status404NotFound);
}
