namespace BayitPlus.Api.Infrastructure.Entitlements;

/// <summary>What a user's subscription lets them do, for slices that gate on it (premium content,
/// live TV, AI features, streams at once).</summary>
/// <param name="Tier">The plan id (basic, premium, family…), or <see cref="FreeTier"/>.</param>
/// <param name="Streams">Streams at once.</param>
/// <param name="Quality">The best video quality: SD, HD or 4K.</param>
/// <param name="LiveTv">Live TV included.</param>
/// <param name="AiFeatures">AI features included.</param>
/// <param name="Downloads">Downloads included.</param>
/// <param name="ValidUntil">When the paid access ends (with grace), null on the free tier.</param>
public sealed record Entitlements(string Tier, int Streams, string Quality, bool LiveTv, bool AiFeatures, bool Downloads, DateTime? ValidUntil)
{
    public const string FreeTier = "free";

    public static readonly Entitlements Free = new(FreeTier, 1, "SD", false, false, false, null);
}

/// <summary>Reads entitlements; implemented by the slice that sells subscriptions.</summary>
public interface IEntitlements
{
    Task<Entitlements> ForUserAsync(string userId, CancellationToken cancellationToken);
}

/// <summary>The default when nothing sells subscriptions: everyone is on the free tier, so nothing
/// paid is given away.</summary>
public sealed class FreeEntitlements : IEntitlements
{
    public Task<Entitlements> ForUserAsync(string userId, CancellationToken cancellationToken) => Task.FromResult(Entitlements.Free);
}
