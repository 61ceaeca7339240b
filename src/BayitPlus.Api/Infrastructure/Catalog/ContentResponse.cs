using BayitPlus.Api.Infrastructure.Http;

namespace BayitPlus.Api.Infrastructure.Catalog;

/// <summary>A catalog item as the public catalog shows it, in one language: <c>title</c> and
/// <c>description</c> in the chosen language, falling back to Hebrew where a translation is
/// missing. The stream URL is only given by the play endpoint. <c>duration</c> is the spec's text
/// (<c>"1:45:00"</c>) as stored; <c>durationSeconds</c> the same in seconds, null when unknown.</summary>
public sealed record ContentResponse(
    string Id,
    string Title,
    string? Description,
    string? Thumbnail,
    string? Backdrop,
    string? PosterUrl,
    IReadOnlyList<string> SectionIds,
    string? PrimarySectionId,
    string? ContentFormat,
    string? AudienceId,
    IReadOnlyList<string> GenreIds,
    IReadOnlyList<string> TopicTags,
    IReadOnlyList<string> SubcategoryIds,
    string? Duration,
    int? DurationSeconds,
    int? Year,
    double? Rating,
    IReadOnlyList<string> Cast,
    string? Director,
    int? TmdbId,
    bool IsFeatured,
    long ViewCount,
    DateTime CreatedAt)
{
    /// <summary>The text in <paramref name="language"/>, or the Hebrew original when that
    /// translation is missing or blank.</summary>
    public static string? Localized(string? hebrew, string? english, string? spanish, string language)
    {
        var translated = language switch
        {
            RequestLanguage.English => english,
            RequestLanguage.Spanish => spanish,
            _ => null,
        };
        return string.IsNullOrWhiteSpace(translated) ? hebrew : translated;
    }
}
