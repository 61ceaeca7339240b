using System.Security.Claims;

namespace BayitPlus.Api.Infrastructure.Auth;

/// <summary>What an account is now, as opposed to what its access token said when it was issued:
/// whether it is active, its role, and its display name (what others see of it, e.g. in a chat).</summary>
public sealed record AccountState(bool IsActive, string Role, string Name);

/// <summary>Looks up an account's current state for the authorization policies. Implemented by the
/// slice that owns accounts, which may cache answers for a few seconds and forgets an account as
/// soon as it changes it. Without that slice, <see cref="TokenAccountStatus"/> trusts the token.</summary>
public interface IAccountStatus
{
    /// <summary>The account's state, or null when no such account exists.</summary>
    ValueTask<AccountState?> FindAsync(ClaimsPrincipal user, CancellationToken cancellationToken);
}

/// <summary>The default when no slice owns accounts: the token is all there is to go on, and it
/// carries no display name.</summary>
public sealed class TokenAccountStatus : IAccountStatus
{
    public ValueTask<AccountState?> FindAsync(ClaimsPrincipal user, CancellationToken cancellationToken) =>
        ValueTask.FromResult<AccountState?>(new AccountState(true, user.FindFirstValue(Roles.Claim) ?? Roles.User, ""));
}
