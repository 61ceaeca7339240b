using BayitPlus.Api.Infrastructure.Catalog;

namespace BayitPlus.Api.Features.Content;

/// <summary>Builds the catalog's item card (<see cref="ContentResponse"/>, shared in Infrastructure so
/// other slices can show it) from a stored item.</summary>
public static class ContentCardMapping
{
    public static ContentResponse From(ContentDocument content, string language) => new(
        content.Id,
        ContentResponse.Localized(content.Title, content.TitleEn, content.TitleEs, language)!,
        ContentResponse.Localized(content.Description, content.DescriptionEn, content.DescriptionEs, language),
        content.Thumbnail,
        content.Backdrop,
        content.PosterUrl,
        content.SectionIds,
        content.PrimarySectionId,
        content.ContentFormat,
        content.AudienceId,
        content.GenreIds,
        content.TopicTags,
        content.SubcategoryIds,
        content.Duration,
        Durations.Seconds(content.Duration),
        content.Year,
        content.Rating,
        content.Cast,
        content.Director,
        content.TmdbId,
        content.IsFeatured,
        content.ViewCount,
        content.CreatedAt);
}
