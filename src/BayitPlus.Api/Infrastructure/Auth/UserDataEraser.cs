namespace BayitPlus.Api.Infrastructure.Auth;

/// <summary>Erases what a slice keeps about one user, when the slice that owns accounts anonymizes a
/// deleted account. Every slice holding personal data implements it; the account slice calls them all.</summary>
public interface IUserDataEraser
{
    /// <summary>Deletes the user's data; safe to run again (a second run finds nothing).</summary>
    Task EraseAsync(string userId, CancellationToken cancellationToken);
}
