using BayitPlus.Api.Infrastructure;
using BayitPlus.Api.Infrastructure.Mongo;
using BayitPlus.Api.Infrastructure.Validation;
using FluentValidation;
using Mediator;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.Content;

/// <summary>The active live channels in <c>channel_number</c> order, optionally by country and
/// language (exact values as stored). A lineup is a few dozen channels curated by admins, so the
/// whole list is one answer, <c>{ items }</c>, with no paging.</summary>
public static class ListLiveChannels
{
    public sealed record Query(string? Country, string? Language) : IQuery<ItemsResponse<LiveChannelResponse>>;

    public sealed class Validator : AbstractValidator<Query>
    {
        public Validator()
        {
            RuleFor(q => q.Country).ExactFilterValue("country");
            RuleFor(q => q.Language).ExactFilterValue("language");
        }
    }

    public sealed class Handler(MongoContext db) : IQueryHandler<Query, ItemsResponse<LiveChannelResponse>>
    {
        public async ValueTask<ItemsResponse<LiveChannelResponse>> Handle(Query query, CancellationToken cancellationToken)
        {
            var filter = ExactFilters.ActiveWhere<LiveChannelDocument>(c => c.IsActive, (c => c.Country, query.Country), (c => c.Language, query.Language));
            var channels = await db.Collection<LiveChannelDocument>(LiveChannelDocument.CollectionName)
                .Find(filter)
                .SortBy(c => c.ChannelNumber)
                .ToListAsync(cancellationToken);
            return new ItemsResponse<LiveChannelResponse>([.. channels.Select(LiveChannelResponse.From)]);
        }
    }

    internal static void Map(RouteGroupBuilder group) => group
        .MapGet("/", async (string? country, string? language, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(new Query(country, language), ct)))
        .WithQueryRules<Query>()
        .WithName("ListLiveChannels")
        .WithSummary("Active live channels by channel number, optionally by country and language")
        .WithDescription(
            "Active channels only, ordered by channelNumber, each with its public stream URL. country and language match the stored values exactly " +
            "(e.g. IL, he), at most 60 characters each, else 400. " + OperationNotes.WholeList + " " + OperationNotes.Cached)
        .AllowAnonymous()
        .CacheOutput(CatalogCache.Policy)
        .ProducesValidationProblem();
}
