using BayitPlus.Api.Infrastructure.Catalog;

namespace BayitPlus.Api.Features.Content;

/// <summary>The closed value sets of the five-axis taxonomy (sections, genres and topics are open:
/// editors add them with content).</summary>
public static class Taxonomy
{
    public static readonly IReadOnlyList<string> Formats = CatalogTaxonomy.Formats;

    public static readonly IReadOnlyList<string> Audiences = CatalogTaxonomy.Audiences;

    /// <summary>Section, genre and topic identifiers: lowercase slugs.</summary>
    public const string SlugPattern = CatalogTaxonomy.SlugPattern;
}
