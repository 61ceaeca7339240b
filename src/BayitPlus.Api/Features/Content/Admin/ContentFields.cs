using BayitPlus.Api.Infrastructure.Audit;
using BayitPlus.Api.Infrastructure.Validation;
using FluentValidation;
using Mapster;

namespace BayitPlus.Api.Features.Content.Admin;

/// <summary>The fields of a content item an admin edits (the spec's <c>content</c> fields, in the
/// API's camelCase). <c>id</c>, <c>viewCount</c>, <c>createdAt</c> and <c>updatedAt</c> belong to
/// the server.</summary>
public sealed class ContentFields
{
    public static readonly CatalogResource<ContentDocument, ContentFields, ContentAdminResponse> Resource = new()
    {
        Prefix = "/api/admin/content",
        Tag = "Admin: Content",
        OperationName = "Content",
        Noun = "content item",
        CreateSummary = "Add a content item to the catalog",
        DeleteSummary = "Remove a content item from the catalog",
        Collection = ContentDocument.CollectionName,
        Name = "Content",
        AuditType = "content",
        ServerFields = ["viewCount"],
    };

    public string? Title { get; set; }

    public string? TitleEn { get; set; }

    public string? TitleEs { get; set; }

    public string? Description { get; set; }

    public string? DescriptionEn { get; set; }

    public string? DescriptionEs { get; set; }

    public string? Thumbnail { get; set; }

    public string? Backdrop { get; set; }

    public string? PosterUrl { get; set; }

    public List<string> SectionIds { get; set; } = [];

    public string? PrimarySectionId { get; set; }

    public string? ContentFormat { get; set; }

    public string? AudienceId { get; set; }

    public List<string> GenreIds { get; set; } = [];

    public List<string> TopicTags { get; set; } = [];

    public List<string> SubcategoryIds { get; set; } = [];

    public string? StreamUrl { get; set; }

    public string? Duration { get; set; }

    public int? Year { get; set; }

    public double? Rating { get; set; }

    public List<string> Cast { get; set; } = [];

    public string? Director { get; set; }

    public int? TmdbId { get; set; }

    public bool IsFeatured { get; set; }

    public sealed class Validator : AbstractValidator<ContentFields>
    {
        /// <summary>The first film (Roundhay Garden Scene) is from 1888; announced titles may be dated a few years ahead.</summary>
        public const int FirstYear = 1888;
        public const int YearsAhead = 5;

        /// <summary>"999:59:59", the longest duration the pattern allows.</summary>
        public const int MaxDurationLength = 9;

        public Validator(TimeProvider time)
        {
            RuleFor(c => c.Title).Required("title", CatalogRules.MaxTitleLength);
            RuleFor(c => c.TitleEn).Optional("titleEn", CatalogRules.MaxTitleLength);
            RuleFor(c => c.TitleEs).Optional("titleEs", CatalogRules.MaxTitleLength);
            RuleFor(c => c.Description).Optional("description", CatalogRules.MaxDescriptionLength);
            RuleFor(c => c.DescriptionEn).Optional("descriptionEn", CatalogRules.MaxDescriptionLength);
            RuleFor(c => c.DescriptionEs).Optional("descriptionEs", CatalogRules.MaxDescriptionLength);
            RuleFor(c => c.Thumbnail).HttpUrl("thumbnail");
            RuleFor(c => c.Backdrop).HttpUrl("backdrop");
            RuleFor(c => c.PosterUrl).HttpUrl("posterUrl");
            RuleFor(c => c.StreamUrl).Cascade(CascadeMode.Stop).NotEmpty().WithMessage("streamUrl is required.").HttpUrl("streamUrl");
            RuleFor(c => c.SectionIds).Cascade(CascadeMode.Stop)
                .MinItems(1).WithMessage("sectionIds must name at least one section.")
                .Slugs("sectionIds", 20);
            RuleFor(c => c.PrimarySectionId).Cascade(CascadeMode.Stop)
                .NotEmpty().WithMessage("primarySectionId is required.")
                .MaximumLength(CatalogRules.MaxSlugLength).WithMessage($"primarySectionId must be at most {CatalogRules.MaxSlugLength} characters long.")
                .Must((c, primary) => c.SectionIds.Contains(primary!)).WithMessage("primarySectionId must be one of sectionIds.");
            RuleFor(c => c.ContentFormat).Cascade(CascadeMode.Stop)
                .NotEmpty().WithMessage("contentFormat is required.")
                .OneOf(Taxonomy.Formats).WithMessage($"contentFormat must be one of: {string.Join(", ", Taxonomy.Formats)}.");
            RuleFor(c => c.AudienceId).Cascade(CascadeMode.Stop)
                .NotEmpty().WithMessage("audienceId is required.")
                .OneOf(Taxonomy.Audiences).WithMessage($"audienceId must be one of: {string.Join(", ", Taxonomy.Audiences)}.");
            RuleFor(c => c.GenreIds).Slugs("genreIds", 10);
            RuleFor(c => c.TopicTags).Slugs("topicTags", 20);
            RuleFor(c => c.SubcategoryIds).Slugs("subcategoryIds", 20);
            RuleFor(c => c.Duration)
                .Pattern(@"^\d{1,3}:[0-5]\d:[0-5]\d$", MaxDurationLength)
                .WithMessage("duration must be H:MM:SS (e.g. \"1:45:00\"), with minutes and seconds 00-59.");
            RuleFor(c => c.Year)
                .Within(FirstYear, () => time.GetUtcNow().Year + YearsAhead)
                .WithMessage(_ => $"year must be between {FirstYear} and {time.GetUtcNow().Year + YearsAhead}.");
            RuleFor(c => c.Rating)
                .InclusiveBetween(0.0, 10.0).WithMessage("rating must be between 0 and 10.");
            RuleFor(c => c.Cast).Names("cast", 50, CatalogRules.MaxNameLength);
            RuleFor(c => c.Director).Optional("director", CatalogRules.MaxNameLength);
            RuleFor(c => c.TmdbId)
                .GreaterThan(0).WithMessage("tmdbId must be a positive integer.");
        }
    }
}

/// <summary>A content item as admins see it: every stored field, including the stream URL, the
/// view count and the timestamps, and <c>durationSeconds</c> (the stored <c>duration</c> in
/// seconds, null when unknown) as in every response.</summary>
public sealed record ContentAdminResponse(
    string Id,
    string Title,
    string? TitleEn,
    string? TitleEs,
    string? Description,
    string? DescriptionEn,
    string? DescriptionEs,
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
    string? StreamUrl,
    string? Duration,
    int? DurationSeconds,
    int? Year,
    double? Rating,
    IReadOnlyList<string> Cast,
    string? Director,
    int? TmdbId,
    bool IsFeatured,
    long ViewCount,
    DateTime CreatedAt,
    DateTime? UpdatedAt) : IHasId;

public sealed class ContentAdminMappings : IRegister
{
    public void Register(TypeAdapterConfig config) => config.NewConfig<ContentDocument, ContentAdminResponse>()
        .Map(response => response.DurationSeconds, content => Durations.Seconds(content.Duration));
}
