using System.Security.Claims;
using BayitPlus.Api.Infrastructure;
using BayitPlus.Api.Infrastructure.Auth;
using BayitPlus.Api.Infrastructure.Http;
using BayitPlus.Api.Infrastructure.Mongo;
using Mediator;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.Activity;

/// <summary>The signed-in user's unfinished items with progress above <c>Activity:MinProgress</c>,
/// most recently watched first, at most <see cref="MaxItems"/>, as localized catalog cards.</summary>
public static class ListContinueWatching
{
    public const int MaxItems = 20;

    /// <summary>Entries read to fill the rail: items removed from the catalog or above the parental
    /// limit are skipped, so more than <see cref="MaxItems"/> are read, from the user_id+watched_at index.</summary>
    private const int Scanned = 100;

    public sealed record Query(string UserId, string Language) : IQuery<ItemsResponse<WatchedItemResponse>>;

    public sealed class Handler(MongoContext db, WatchedItems items, ActivitySettings settings) : IQueryHandler<Query, ItemsResponse<WatchedItemResponse>>
    {
        public async ValueTask<ItemsResponse<WatchedItemResponse>> Handle(Query query, CancellationToken cancellationToken)
        {
            var where = Builders<WatchHistoryDocument>.Filter;
            var entries = await db.WatchHistory()
                .Find(where.Eq(h => h.UserId, query.UserId) & where.Gt(h => h.Progress, settings.MinProgress) & where.Lt(h => h.Progress, settings.FinishedAt))
                .SortByDescending(h => h.WatchedAt).ThenByDescending(h => h.Id)
                .Limit(Scanned)
                .ToListAsync(cancellationToken);
            var cards = await items.CardsAsync(query.UserId, entries, query.Language, cancellationToken);
            return new ItemsResponse<WatchedItemResponse>([.. cards.Take(MaxItems)]);
        }
    }

    internal static void Map(RouteGroupBuilder group) => group
        .MapGet("/me/continue-watching", async (ClaimsPrincipal user, HttpContext http, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(new Query(user.Id(), RequestLanguage.Resolve(http)), ct)))
        .WithLanguage()
        .WithName("ListContinueWatching")
        .WithSummary("What the signed-in user can resume: unfinished items, most recently watched first")
        .WithDescription("At most 20 items the user started (progress above Activity:MinProgress, 0.05) and has not finished " +
            "(Activity:FinishedAt, 0.9), each as the catalog's card in the language of lang or Accept-Language with the position to resume at. " +
            "Items removed from the catalog, and items above the profile's maxAudience, are left out.")
        .ProducesProblem(StatusCodes.Status401Unauthorized);
}
