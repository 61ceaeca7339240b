using BayitPlus.Api.Infrastructure;
using BayitPlus.Api.Infrastructure.Mongo;
using FluentValidation;
using Mediator;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.Content;

/// <summary>The active live channels in <c>channel_number</c> order, optionally by country and
/// language (exact values as stored). A lineup is a few dozen channels, so it is one page:
/// <c>nextCursor</c> is always null, kept for the shape every list shares.</summary>
public static class ListLiveChannels
{
    public const int MaxFilterLength = 60;

    public sealed record Query(string? Country, string? Language) : IQuery<Page<LiveChannelResponse>>;

    public sealed class Validator : AbstractValidator<Query>
    {
        public Validator()
        {
            RuleFor(q => q.Country).MaximumLength(MaxFilterLength).WithMessage($"country must be at most {MaxFilterLength} characters long.");
            RuleFor(q => q.Language).MaximumLength(MaxFilterLength).WithMessage($"language must be at most {MaxFilterLength} characters long.");
        }
    }

    public sealed class Handler(MongoContext db) : IQueryHandler<Query, Page<LiveChannelResponse>>
    {
        public async ValueTask<Page<LiveChannelResponse>> Handle(Query query, CancellationToken cancellationToken)
        {
            var filter = Builders<LiveChannelDocument>.Filter;
            var clauses = new List<FilterDefinition<LiveChannelDocument>> { filter.Eq(c => c.IsActive, true) };
            if (!string.IsNullOrEmpty(query.Country))
            {
                clauses.Add(filter.Eq(c => c.Country, query.Country));
            }

            if (!string.IsNullOrEmpty(query.Language))
            {
                clauses.Add(filter.Eq(c => c.Language, query.Language));
            }

            var channels = await db.Collection<LiveChannelDocument>(LiveChannelDocument.CollectionName)
                .Find(filter.And(clauses))
                .SortBy(c => c.ChannelNumber)
                .ToListAsync(cancellationToken);
            return new Page<LiveChannelResponse>([.. channels.Select(LiveChannelResponse.From)], null);
        }
    }

    internal static void Map(RouteGroupBuilder group) => group
        .MapGet("/", async (string? country, string? language, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(new Query(country, language), ct)))
        .WithName("ListLiveChannels")
        .WithSummary("Active live channels by channel number, optionally by country and language")
        .AllowAnonymous()
        .CacheOutput(CatalogCache.Policy)
        .ProducesValidationProblem();
}
