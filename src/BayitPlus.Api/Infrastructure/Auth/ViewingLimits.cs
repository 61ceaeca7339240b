namespace BayitPlus.Api.Infrastructure.Auth;

/// <summary>A user's parental limit, kept in their profile: the highest catalog audience (see
/// <see cref="Catalog.Audiences"/>) lists of what they watched may show. Implemented by the slice
/// that owns profiles.</summary>
public interface IViewingLimits
{
    /// <summary>The profile's <c>max_audience</c>, or null when it sets none.</summary>
    Task<string?> MaxAudienceAsync(string userId, CancellationToken cancellationToken);
}

/// <summary>The default when no slice owns profiles: no profile can set a limit, so there is none.</summary>
public sealed class NoViewingLimits : IViewingLimits
{
    public Task<string?> MaxAudienceAsync(string userId, CancellationToken cancellationToken) => Task.FromResult<string?>(null);
}
