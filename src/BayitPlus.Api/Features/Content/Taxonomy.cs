namespace BayitPlus.Api.Features.Content;

/// <summary>The closed value sets of the five-axis taxonomy (sections, genres and topics are open:
/// editors add them with content).</summary>
public static class Taxonomy
{
    public static readonly IReadOnlyList<string> Formats = ["movie", "series", "documentary", "short", "clip"];

    public static readonly IReadOnlyList<string> Audiences = ["general", "kids", "family", "mature"];

    /// <summary>Section, genre and topic identifiers: lowercase slugs.</summary>
    public const string SlugPattern = "^[a-z0-9]+(-[a-z0-9]+)*$";
}
