using System.Security.Claims;
using BayitPlus.Api.Infrastructure;
using BayitPlus.Api.Infrastructure.Auth;
using BayitPlus.Api.Infrastructure.Mongo;
using Mediator;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.Recaps;

/// <summary>A recap the user holds, as <c>GET /api/users/me/recaps</c> lists it.</summary>
/// <param name="RecapId">The recap.</param>
/// <param name="ChannelId">The channel summarized.</param>
/// <param name="Summary">Two or three sentences.</param>
/// <param name="KeyPoints">Up to 5 points, in the order they were said.</param>
/// <param name="WindowStart">The start of the window summarized.</param>
/// <param name="WindowEnd">Its end, a whole minute.</param>
/// <param name="Language">The language of the summary.</param>
/// <param name="CreditsCharged">What it cost when received.</param>
/// <param name="CreatedAt">When it was received.</param>
/// <param name="ExpiresAt">When it goes (asking for the same recap before then costs nothing).</param>
public sealed record RecapItemResponse(
    string RecapId,
    string ChannelId,
    string Summary,
    IReadOnlyList<string> KeyPoints,
    DateTime WindowStart,
    DateTime WindowEnd,
    string Language,
    int CreditsCharged,
    DateTime CreatedAt,
    DateTime ExpiresAt);

/// <summary>The signed-in user's recaps that are still alive, newest first.</summary>
public static class ListRecaps
{
    /// <summary>A recap lives minutes, so a user holds few; this bounds the answer all the same.</summary>
    public const int MaxItems = 100;

    public sealed record Query(string UserId) : IQuery<ItemsResponse<RecapItemResponse>>;

    public sealed class Handler(MongoContext db, TimeProvider time) : IQueryHandler<Query, ItemsResponse<RecapItemResponse>>
    {
        public async ValueTask<ItemsResponse<RecapItemResponse>> Handle(Query query, CancellationToken cancellationToken)
        {
            // The TTL monitor deletes expired recaps only once a minute: the filter hides them at once.
            var now = time.GetUtcNow().UtcDateTime;
            var recaps = await db.Collection<RecapSessionDocument>(RecapSessionDocument.CollectionName)
                .Find(r => r.UserId == query.UserId && r.ExpiresAt > now)
                .SortByDescending(r => r.CreatedAt).ThenByDescending(r => r.Id)
                .Limit(MaxItems)
                .ToListAsync(cancellationToken);
            return new ItemsResponse<RecapItemResponse>([.. recaps.Select(r => new RecapItemResponse(
                r.Id, r.ChannelId, r.Summary, r.KeyPoints, r.StartTime, r.EndTime, r.Language, r.CreditsUsed, r.CreatedAt, r.ExpiresAt))]);
        }
    }

    internal static void Map(RouteGroupBuilder group) => group
        .MapGet("/me/recaps", async (ClaimsPrincipal user, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(new Query(user.Id()), ct)))
        .WithName("ListMyRecaps")
        .WithSummary("The signed-in user's live recaps, newest first")
        .WithDescription("Recaps received from POST /api/live/channels/{channelId}/recaps that have not expired yet (expiresAt, " +
            "Recaps:RecapLifetime after they were received), at most 100. Each is listed in the language it was written in.")
        .ProducesProblem(StatusCodes.Status401Unauthorized);
}
