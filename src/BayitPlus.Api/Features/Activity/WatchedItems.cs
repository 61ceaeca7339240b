using BayitPlus.Api.Infrastructure.Auth;
using BayitPlus.Api.Infrastructure.Catalog;

namespace BayitPlus.Api.Features.Activity;

/// <summary>Turns history entries into cards: the catalog's cards of the items still visible and
/// within the profile's parental limit, in the request's language; the others are left out.</summary>
public sealed class WatchedItems(IContentCards catalog, IViewingLimits limits, ActivitySettings settings)
{
    public async Task<IReadOnlyList<WatchedItemResponse>> CardsAsync(
        string userId, IReadOnlyList<WatchHistoryDocument> entries, string language, CancellationToken cancellationToken)
    {
        if (entries.Count == 0)
        {
            return [];
        }

        var maxAudience = await limits.MaxAudienceAsync(userId, cancellationToken);
        var cards = await catalog.FindAsync([.. entries.Select(e => e.ContentId)], language, maxAudience, cancellationToken);
        return [.. entries.Where(e => cards.ContainsKey(e.ContentId)).Select(e => WatchedItemResponse.From(e, cards[e.ContentId], settings))];
    }
}
