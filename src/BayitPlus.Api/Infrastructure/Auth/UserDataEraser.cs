namespace BayitPlus.Api.Infrastructure.Auth;

/// <summary>Erases what a slice keeps about one user, when the slice that owns accounts anonymizes a
/// deleted account; the account slice calls every implementation. A slice holding personal data
/// implements it: the watch history is deleted, the search analytics (<c>searchquery</c>) are
/// unlinked from the user.</summary>
public interface IUserDataEraser
{
    /// <summary>Deletes the user's data; safe to run again (a second run finds nothing).</summary>
    Task EraseAsync(string userId, CancellationToken cancellationToken);
}
