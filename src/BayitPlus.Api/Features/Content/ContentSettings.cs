namespace BayitPlus.Api.Features.Content;

/// <summary>The Content slice's settings (<c>Content:*</c>), each listed in the README.</summary>
public sealed class ContentSettings
{
    public const string Section = "Content";

    /// <summary>How long an anonymous catalog read may be served from the output cache; admin
    /// changes evict it at once.</summary>
    public TimeSpan CatalogCacheDuration { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How many items the home screen's featured rail and each section rail hold.</summary>
    public int HomeRailSize { get; init; } = 10;

    /// <summary>How many section rails the home screen shows at most (the sections with the most items).</summary>
    public int HomeSections { get; init; } = 8;
}
