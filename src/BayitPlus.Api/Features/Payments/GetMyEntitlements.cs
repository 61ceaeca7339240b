using BayitPlus.Api.Infrastructure.Auth;
using BayitPlus.Api.Infrastructure.Entitlements;
using Mediator;

namespace BayitPlus.Api.Features.Payments;

/// <summary>What the signed-in user's subscription lets them do.</summary>
/// <param name="Tier">The plan id (basic, premium, family…), or free.</param>
/// <param name="Streams">Streams at once.</param>
/// <param name="Quality">The best video quality: SD, HD or 4K.</param>
/// <param name="LiveTv">Live TV included.</param>
/// <param name="AiFeatures">AI features included.</param>
/// <param name="Downloads">Downloads included.</param>
/// <param name="ValidUntil">When the paid access ends, grace included; null on the free tier.</param>
public sealed record EntitlementsResponse(string Tier, int Streams, string Quality, bool LiveTv, bool AiFeatures, bool Downloads, DateTime? ValidUntil)
{
    public static EntitlementsResponse Of(Entitlements entitlements) => new(
        entitlements.Tier, entitlements.Streams, entitlements.Quality, entitlements.LiveTv, entitlements.AiFeatures, entitlements.Downloads, entitlements.ValidUntil);
}

/// <summary>The signed-in user's entitlements, as every other slice reads them through <see cref="IEntitlements"/>.</summary>
public static class GetMyEntitlements
{
    public sealed record Query(string UserId) : IQuery<EntitlementsResponse>;

    public sealed class Handler(IEntitlements entitlements) : IQueryHandler<Query, EntitlementsResponse>
    {
        public async ValueTask<EntitlementsResponse> Handle(Query query, CancellationToken cancellationToken) =>
            EntitlementsResponse.Of(await entitlements.ForUserAsync(query.UserId, cancellationToken));
    }

    internal static void Map(RouteGroupBuilder group) => group
        .MapGet("/me/entitlements", async (HttpContext http, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(new Query(http.User.Id()), ct)))
        .WithName("GetMyEntitlements")
        .WithSummary("Get what the signed-in user's subscription includes")
        .WithDescription("The tier and limits other features gate on: the plan's streams, quality, live TV, AI features and downloads while " +
            "the subscription lasts (an active one until endDate plus the grace days, a past_due one until graceUntil, a canceled one " +
            "until endDate); the free tier otherwise.")
        .ProducesProblem(StatusCodes.Status401Unauthorized);
}
