using BayitPlus.Api.Infrastructure.Errors;
using MongoDB.Driver;

namespace BayitPlus.Api.Infrastructure.Auth;

/// <summary>What another slice may know of an active account: enough to judge an application
/// (age, email, whether a sign-in provider vouched for the email) without reading the accounts.</summary>
/// <param name="UserId">The account's id (24 hex digits, lowercase).</param>
/// <param name="Email">Normalized (trimmed, lowercase).</param>
/// <param name="Role">user, beta or admin.</param>
/// <param name="CreatedAt">When the account was created.</param>
/// <param name="EmailVerified">The email was verified by a sign-in provider (Firebase); an account
/// made with email and password never is.</param>
public sealed record AccountFacts(string UserId, string Email, string Role, DateTime CreatedAt, bool EmailVerified);

/// <summary>Reads accounts and moves them between roles for slices that grant a role (the Beta 500
/// program's <c>beta</c>). Implemented by the slice that owns accounts. A role change is written in
/// the caller's transaction, so it commits or aborts with the caller's own writes.</summary>
public interface IAccountRoles
{
    /// <summary>The account's facts, or null when it does not exist or is inactive.</summary>
    Task<AccountFacts?> FindActiveAsync(string userId, CancellationToken cancellationToken);

    /// <summary>Sets the role to <paramref name="to"/> only while it is <paramref name="from"/>, in
    /// <paramref name="session"/>'s transaction; false when the account holds another role (an admin
    /// keeps <c>admin</c>) or does not exist.</summary>
    Task<bool> ChangeRoleAsync(IClientSessionHandle session, string userId, string from, string to, CancellationToken cancellationToken);

    /// <summary>Called once a transaction that changed the account's role has committed, so the
    /// authorization policies read the new role at once.</summary>
    void Forget(string userId);
}

/// <summary>The default when no slice owns accounts: nothing can be read or granted, and a use case
/// that needs an account answers 503 saying so, never acting on an account it cannot see.</summary>
public sealed class NoAccountRoles : IAccountRoles
{
    public Task<AccountFacts?> FindActiveAsync(string userId, CancellationToken cancellationToken) => throw new AccountsUnavailableException();

    public Task<bool> ChangeRoleAsync(IClientSessionHandle session, string userId, string from, string to, CancellationToken cancellationToken) =>
        throw new AccountsUnavailableException();

    public void Forget(string userId)
    {
    }
}

public sealed class AccountsUnavailableException() : ApiException(
    StatusCodes.Status503ServiceUnavailable, "Service unavailable", "Accounts are not available in this deployment, so this request cannot be served.");
