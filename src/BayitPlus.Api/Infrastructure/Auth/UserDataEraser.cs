namespace BayitPlus.Api.Infrastructure.Auth;

/// <summary>Erases what a slice keeps about one user, when the slice that owns accounts anonymizes a
/// deleted account; the account slice calls every implementation. A slice holding personal data
/// implements it: the watch history does; the Content slice's search analytics (<c>searchquery</c>)
/// do not yet (open in features.md).</summary>
public interface IUserDataEraser
{
    /// <summary>Deletes the user's data; safe to run again (a second run finds nothing).</summary>
    Task EraseAsync(string userId, CancellationToken cancellationToken);
}
