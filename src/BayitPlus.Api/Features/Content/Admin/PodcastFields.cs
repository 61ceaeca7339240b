using BayitPlus.Api.Infrastructure.Audit;
using FluentValidation;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.Content.Admin;

/// <summary>The fields of a podcast show an admin edits. <c>episodeCount</c> and
/// <c>lastUpdated</c> come from the feed sync; <c>id</c>, <c>createdAt</c> and <c>updatedAt</c>
/// from the server.</summary>
public sealed class PodcastFields
{
    public static readonly CatalogResource<PodcastDocument, PodcastFields, PodcastAdminResponse> Resource = new()
    {
        Prefix = "/api/admin/podcasts",
        Tag = "Admin: Podcasts",
        OperationName = "Podcast",
        Noun = "podcast show",
        CreateSummary = "Add a podcast show (its episodes come from the RSS sync)",
        DeleteSummary = "Remove a podcast show and all its episodes",
        Collection = PodcastDocument.CollectionName,
        Name = "Podcast",
        AuditType = "podcast",
        ServerFields = ["episodeCount", "lastUpdated"],
        // Episodes hold the show's id in its canonical (lowercase hex) form.
        DeleteDependents = async (db, podcastId, ct) =>
            await db.Collection<PodcastEpisodeDocument>(PodcastEpisodeDocument.CollectionName).DeleteManyAsync(e => e.PodcastId == podcastId, ct),
    };

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
public sealed record PodcastAdminResponse(
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
