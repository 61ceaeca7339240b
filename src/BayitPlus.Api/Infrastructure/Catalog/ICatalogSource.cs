using System.Runtime.CompilerServices;

namespace BayitPlus.Api.Infrastructure.Catalog;

/// <summary>The catalog's items as text, for a slice that indexes them (AI search's embeddings):
/// everything, a set of ids, and a feed of the ids that change. Implemented by the slice that owns
/// the catalog.</summary>
public interface ICatalogSource
{
    /// <summary>Every item, in id order.</summary>
    IAsyncEnumerable<CatalogItemText> ReadAllAsync(CancellationToken cancellationToken);

    /// <summary>The items among <paramref name="contentIds"/> still in the catalog.</summary>
    Task<IReadOnlyList<CatalogItemText>> ReadAsync(IReadOnlyCollection<string> contentIds, CancellationToken cancellationToken);

    /// <summary>How many items the catalog holds.</summary>
    Task<long> CountAsync(CancellationToken cancellationToken);

    /// <summary>Opens a change stream: once the task completes, the ids of items inserted, changed
    /// or deleted from then on, as they happen. It ends with an exception when the stream breaks; the
    /// caller reads everything again after a break, since changes made meanwhile are not replayed.</summary>
    Task<IAsyncEnumerable<string>> WatchChangesAsync(CancellationToken cancellationToken);
}

/// <summary>An item's texts in the three languages (null where missing), its people and its
/// taxonomy, as stored.</summary>
public sealed record CatalogItemText(
    string Id,
    LocalizedText Title,
    LocalizedText Description,
    IReadOnlyList<string> Cast,
    string? Director,
    IReadOnlyList<string> Genres,
    IReadOnlyList<string> Topics,
    IReadOnlyList<string> Sections,
    string? Format,
    string? Audience,
    int? Year);

/// <summary>A text in Hebrew, English and Spanish; any may be missing.</summary>
public sealed record LocalizedText(string? He, string? En, string? Es);

/// <summary>The ranked text search of the catalog (its weighted text index), for a slice that
/// combines it with another ranking. Implemented by the slice that owns the catalog.</summary>
public interface ICatalogTextSearch
{
    /// <summary>The best <paramref name="limit"/> matches of <paramref name="text"/> that pass
    /// <paramref name="filter"/>, most relevant first.</summary>
    Task<IReadOnlyList<CatalogTextMatch>> RankAsync(string text, CatalogFilter filter, int limit, CancellationToken cancellationToken);
}

/// <summary>A text match: the item, and whether the text is one of its titles (in any language,
/// ignoring case, accents, vowel points and punctuation).</summary>
public sealed record CatalogTextMatch(string Id, bool IsTitle);

/// <summary>The taxonomy filters of catalog search: within an axis any of the values, across axes
/// all; empty lists and null years do not filter.</summary>
public sealed record CatalogFilter(
    IReadOnlyList<string> Sections,
    IReadOnlyList<string> Formats,
    IReadOnlyList<string> Audiences,
    IReadOnlyList<string> Genres,
    IReadOnlyList<string> Topics,
    int? YearFrom,
    int? YearTo)
{
    public static CatalogFilter None { get; } = new([], [], [], [], [], null, null);
}

/// <summary>The default when no slice owns the catalog: an indexer finds nothing to index and its
/// watch ends at once; a search answers 503.</summary>
public sealed class NoCatalogSource : ICatalogSource, ICatalogTextSearch
{
    public async IAsyncEnumerable<CatalogItemText> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.CompletedTask;
        yield break;
    }

    public Task<IReadOnlyList<CatalogItemText>> ReadAsync(IReadOnlyCollection<string> contentIds, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<CatalogItemText>>([]);

    public Task<long> CountAsync(CancellationToken cancellationToken) => Task.FromResult(0L);

    public Task<IAsyncEnumerable<string>> WatchChangesAsync(CancellationToken cancellationToken) => Task.FromResult(Never(cancellationToken));

    private static async IAsyncEnumerable<string> Never([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.Delay(Timeout.Infinite, cancellationToken);
        yield break;
    }

    public Task<IReadOnlyList<CatalogTextMatch>> RankAsync(string text, CatalogFilter filter, int limit, CancellationToken cancellationToken) =>
        throw new CatalogUnavailableException();
}
