namespace BayitPlus.Api.Infrastructure.Catalog;

/// <summary>The catalog's output cache, by name: anonymous reads of the catalog (and of what another
/// slice derives from it, such as similar items) use this policy, and every admin change to the
/// catalog evicts this tag. The slice that owns the catalog defines the policy.</summary>
public static class CatalogCaching
{
    public const string Policy = "catalog";
    public const string Tag = "catalog";
}
