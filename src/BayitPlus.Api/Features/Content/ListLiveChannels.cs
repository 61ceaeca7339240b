using BayitPlus.Api.Infrastructure;
using BayitPlus.Api.Infrastructure.Mongo;
using BayitPlus.Api.Infrastructure.Validation;
using FluentValidation;
using Mediator;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.Content;

/// <summary>The active live channels in <c>channel_number</c> order, optionally by country and
/// language (exact values as stored). A lineup is a few dozen channels, so it is one page:
/// <c>nextCursor</c> is always null, kept for the shape every list shares.</summary>
public static class ListLiveChannels
{
    public sealed record Query(string? Country, string? Language) : IQuery<Page<LiveChannelResponse>>;

    public sealed class Validator : AbstractValidator<Query>
    {
        public Validator()
        {
            RuleFor(q => q.Country).ExactFilterValue("country");
            RuleFor(q => q.Language).ExactFilterValue("language");
        }
    }

    public sealed class Handler(MongoContext db) : IQueryHandler<Query, Page<LiveChannelResponse>>
    {
        public async ValueTask<Page<LiveChannelResponse>> Handle(Query query, CancellationToken cancellationToken)
        {
            var filter = ExactFilters.ActiveWhere<LiveChannelDocument>(c => c.IsActive, (c => c.Country, query.Country), (c => c.Language, query.Language));
            var channels = await db.Collection<LiveChannelDocument>(LiveChannelDocument.CollectionName)
                .Find(filter)
                .SortBy(c => c.ChannelNumber)
                .ToListAsync(cancellationToken);
            return new Page<LiveChannelResponse>([.. channels.Select(LiveChannelResponse.From)], null);
        }
    }

    internal static void Map(RouteGroupBuilder group) => group
        .MapGet("/", async (string? country, string? language, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(new Query(country, language), ct)))
        .WithQueryRules<Query>()
        .WithName("ListLiveChannels")
        .WithSummary("Active live channels by channel number, optionally by country and language")
        .AllowAnonymous()
        .CacheOutput(CatalogCache.Policy)
        .ProducesValidationProblem();
}
