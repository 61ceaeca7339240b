using BayitPlus.Api.Infrastructure;
using BayitPlus.Api.Infrastructure.Mongo;
using BayitPlus.Api.Infrastructure.Validation;
using FluentValidation;
using Mediator;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.Content;

/// <summary>The active radio stations by name, optionally by country, language and genre (exact
/// values as stored). Like the channel lineup, a small curated list answered whole, <c>{ items }</c>.</summary>
public static class ListRadioStations
{
    public sealed record Query(string? Country, string? Language, string? Genre) : IQuery<ItemsResponse<RadioStationResponse>>;

    public sealed class Validator : AbstractValidator<Query>
    {
        public Validator()
        {
            RuleFor(q => q.Country).ExactFilterValue("country");
            RuleFor(q => q.Language).ExactFilterValue("language");
            RuleFor(q => q.Genre).ExactFilterValue("genre");
        }
    }

    public sealed class Handler(MongoContext db) : IQueryHandler<Query, ItemsResponse<RadioStationResponse>>
    {
        public async ValueTask<ItemsResponse<RadioStationResponse>> Handle(Query query, CancellationToken cancellationToken)
        {
            var filter = ExactFilters.ActiveWhere<RadioStationDocument>(
                s => s.IsActive, (s => s.Country, query.Country), (s => s.Language, query.Language), (s => s.Genre, query.Genre));
            var stations = await db.Collection<RadioStationDocument>(RadioStationDocument.CollectionName)
                .Find(filter)
                .Sort(Builders<RadioStationDocument>.Sort.Ascending(s => s.StationName).Ascending(s => s.Id))
                .ToListAsync(cancellationToken);
            return new ItemsResponse<RadioStationResponse>([.. stations.Select(RadioStationResponse.From)]);
        }
    }

    internal static void Map(RouteGroupBuilder group) => group
        .MapGet("/", async (string? country, string? language, string? genre, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(new Query(country, language, genre), ct)))
        .WithQueryRules<Query>()
        .WithName("ListRadioStations")
        .WithSummary("Active radio stations by name, optionally by country, language and genre")
        .WithDescription(
            "Active stations only, ordered by stationName, each with its public stream URL. country, language and genre match the stored values exactly " +
            "(e.g. IL, he, news), at most 60 characters each, else 400. " + OperationNotes.WholeList + " " + OperationNotes.Cached)
        .AllowAnonymous()
        .CacheOutput(CatalogCache.Policy)
        .ProducesValidationProblem();
}
