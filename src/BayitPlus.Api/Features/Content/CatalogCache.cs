using BayitPlus.Api.Infrastructure.Catalog;
using Microsoft.AspNetCore.OutputCaching;

namespace BayitPlus.Api.Features.Content;

/// <summary>Anonymous catalog reads are served from the output cache for a short while (per URL,
/// query and language); every admin change to the catalog evicts them by tag.</summary>
public static class CatalogCache
{
    public const string Policy = CatalogCaching.Policy;
    public const string Tag = CatalogCaching.Tag;

    public static void AddPolicy(OutputCacheOptions options, ContentSettings settings) =>
        options.AddPolicy(Policy, policy => policy
            .Expire(settings.CatalogCacheDuration)
            .SetVaryByQuery("*")
            .SetVaryByHeader("Accept-Language")
            .Tag(Tag));

    /// <summary>Called after every admin write to the catalog.</summary>
    public static ValueTask EvictAsync(IOutputCacheStore store, CancellationToken ct) => store.EvictByTagAsync(Tag, ct);
}
