namespace BayitPlus.Api.Infrastructure.Catalog;

/// <summary>The taxonomy filter's value rules, shared by every search of the catalog so that
/// catalog search and a slice's own search accept and refuse the same values.</summary>
public static class CatalogTaxonomy
{
    /// <summary>The closed set of <c>content_format</c> values.</summary>
    public static readonly IReadOnlyList<string> Formats = ["movie", "series", "documentary", "short", "clip"];

    /// <summary>The closed set of <c>audience_id</c> values, in the order messages list them.</summary>
    public static readonly IReadOnlyList<string> Audiences = [Catalog.Audiences.General, Catalog.Audiences.Kids, Catalog.Audiences.Family, Catalog.Audiences.Mature];

    /// <summary>Section, genre and topic identifiers: lowercase slugs.</summary>
    public const string SlugPattern = "^[a-z0-9]+(-[a-z0-9]+)*$";

    public const int MaxSlugLength = 100;

    /// <summary>Values of one axis a filter may combine.</summary>
    public const int MaxValuesPerAxis = 20;

    public const int MinYear = 1800;
    public const int MaxYear = 2200;
}
