using BayitPlus.Api.Infrastructure.Errors;

namespace BayitPlus.Api.Infrastructure.Catalog;

/// <summary>The catalog as another slice may read it: whether an item can be watched, and the
/// catalog's own localized item cards (<see cref="ContentResponse"/>) for a set of ids. Implemented
/// by the slice that owns the catalog. An item is visible while it is in the catalog: the catalog
/// has no draft or hidden state, so a deleted item is the only one left out.</summary>
public interface IContentCards
{
    /// <summary>Whether the item with this id (24 hex digits) is in the catalog.</summary>
    Task<bool> IsVisibleAsync(string contentId, CancellationToken cancellationToken);

    /// <summary>The cards of the visible items among <paramref name="contentIds"/> in
    /// <paramref name="language"/> (the catalog's language rules), keyed by id; items above
    /// <paramref name="maxAudience"/> (see <see cref="Audiences"/>) and unknown or malformed ids are
    /// missing from the answer.</summary>
    Task<IReadOnlyDictionary<string, ContentResponse>> FindAsync(
        IReadOnlyCollection<string> contentIds, string language, string? maxAudience, CancellationToken cancellationToken);
}

/// <summary>The default when no slice owns the catalog: a use case that needs to know an item
/// answers 503 saying so, rather than recording or showing items it cannot check.</summary>
public sealed class NoContentCards : IContentCards
{
    public Task<bool> IsVisibleAsync(string contentId, CancellationToken cancellationToken) => throw new CatalogUnavailableException();

    public Task<IReadOnlyDictionary<string, ContentResponse>> FindAsync(
        IReadOnlyCollection<string> contentIds, string language, string? maxAudience, CancellationToken cancellationToken) =>
        throw new CatalogUnavailableException();
}

public sealed class CatalogUnavailableException() : ApiException(
    StatusCodes.Status503ServiceUnavailable, "Service unavailable", "The catalog is not available in this deployment, so this request cannot be served.");
