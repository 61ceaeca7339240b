using BayitPlus.Api.Infrastructure.Audit;
using FluentValidation;

namespace BayitPlus.Api.Features.Content.Admin;

/// <summary>The fields of a podcast show an admin edits. <c>episodeCount</c> and
/// <c>lastUpdated</c> come from the feed sync; <c>id</c>, <c>createdAt</c> and <c>updatedAt</c>
/// from the server.</summary>
public sealed class PodcastFields
{
    public static readonly AdminResource<PodcastDocument, PodcastFields> Resource =
        new(PodcastDocument.CollectionName, "Podcast", ["id", "episodeCount", "lastUpdated", "createdAt", "updatedAt"]);

    public string? Title { get; set; }

    public string? Description { get; set; }

    public string? Thumbnail { get; set; }

    public string? RssFeedUrl { get; set; }

    public string? Author { get; set; }

    public string? Language { get; set; }

    public List<string> Categories { get; set; } = [];

    public sealed class Validator : AbstractValidator<PodcastFields>
    {
        public Validator()
        {
            RuleFor(p => p.Title).Required("title", CatalogRules.MaxTitleLength);
            RuleFor(p => p.Description).Optional("description", CatalogRules.MaxDescriptionLength);
            RuleFor(p => p.Thumbnail).HttpUrl("thumbnail");
            RuleFor(p => p.RssFeedUrl).Cascade(CascadeMode.Stop).NotEmpty().WithMessage("rssFeedUrl is required.").HttpUrl("rssFeedUrl");
            RuleFor(p => p.Author).Optional("author", CatalogRules.MaxNameLength);
            RuleFor(p => p.Language).Language("language");
            RuleFor(p => p.Categories).Names("categories", 10, 100);
        }
    }
}

/// <summary>A podcast show as admins see it.</summary>
public sealed record PodcastAdminView(
    string Id,
    string Title,
    string? Description,
    string? Thumbnail,
    string RssFeedUrl,
    string? Author,
    string? Language,
    IReadOnlyList<string> Categories,
    int EpisodeCount,
    DateTime? LastUpdated,
    DateTime CreatedAt,
    DateTime? UpdatedAt) : IHasId;
