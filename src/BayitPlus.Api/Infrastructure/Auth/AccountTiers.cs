using MongoDB.Driver;

namespace BayitPlus.Api.Infrastructure.Auth;

/// <summary>Sets an account's <c>subscription_tier</c> for the slice that sells subscriptions,
/// without it touching the accounts. Implemented by the slice that owns accounts; the write joins
/// the caller's transaction, so the tier changes with the subscription or not at all.</summary>
public interface IAccountTiers
{
    /// <summary>Sets the tier (null: back to free) of an existing account in
    /// <paramref name="session"/>'s transaction; false when no account has that id.</summary>
    Task<bool> SetTierAsync(IClientSessionHandle session, string userId, string? tier, CancellationToken cancellationToken);
}

/// <summary>The default when no slice owns accounts: a use case that must change a tier answers 503.</summary>
public sealed class NoAccountTiers : IAccountTiers
{
    public Task<bool> SetTierAsync(IClientSessionHandle session, string userId, string? tier, CancellationToken cancellationToken) =>
        throw new AccountsUnavailableException();
}
