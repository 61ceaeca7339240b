using BayitPlus.Api.Infrastructure.Mongo;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.Content;

/// <summary>The spec's <c>content</c> collection: every VOD item, with Hebrew texts and their
/// English and Spanish variants, classified on the five taxonomy axes.</summary>
public sealed class ContentDocument
{
    public const string CollectionName = "content";

    public string Id { get; set; } = "";

    /// <summary>Hebrew title (the default language).</summary>
    public required string Title { get; set; }

    public string? TitleEn { get; set; }

    public string? TitleEs { get; set; }

    public string? Description { get; set; }

    public string? DescriptionEn { get; set; }

    public string? DescriptionEs { get; set; }

    public string? Thumbnail { get; set; }

    public string? Backdrop { get; set; }

    public string? PosterUrl { get; set; }

    /// <summary>Axis 1, section: where the item lives in navigation; one item can be cross-listed.</summary>
    public List<string> SectionIds { get; set; } = [];

    public string? PrimarySectionId { get; set; }

    /// <summary>Axis 2, format: movie, series, documentary, short or clip.</summary>
    public string? ContentFormat { get; set; }

    /// <summary>Axis 3, audience: general, kids, family or mature.</summary>
    public string? AudienceId { get; set; }

    /// <summary>Axis 4, genres (several).</summary>
    public List<string> GenreIds { get; set; } = [];

    /// <summary>Axis 5, topic tags (several).</summary>
    public List<string> TopicTags { get; set; } = [];

    public List<string> SubcategoryIds { get; set; } = [];

    public string? StreamUrl { get; set; }

    /// <summary>"H:MM:SS", e.g. "1:45:00".</summary>
    public string? Duration { get; set; }

    public int? Year { get; set; }

    /// <summary>TMDB rating, 0–10.</summary>
    public double? Rating { get; set; }

    public List<string> Cast { get; set; } = [];

    public string? Director { get; set; }

    public int? TmdbId { get; set; }

    public bool IsFeatured { get; set; }

    public long ViewCount { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime? UpdatedAt { get; set; }
}

/// <summary>The spec's indexes for <c>content</c>. The text index also covers the English and
/// Spanish descriptions, cast and director (the issue asks that they count in search), with the
/// spec's weights for titles (10) and descriptions (5).</summary>
public sealed class ContentIndexes : ICollectionIndexes
{
    public string CollectionName => ContentDocument.CollectionName;

    public IEnumerable<CreateIndexModel<BsonDocument>> Indexes =>
    [
        new(
            Builders<BsonDocument>.IndexKeys.Combine(
                Builders<BsonDocument>.IndexKeys.Text("title"),
                Builders<BsonDocument>.IndexKeys.Text("title_en"),
                Builders<BsonDocument>.IndexKeys.Text("title_es"),
                Builders<BsonDocument>.IndexKeys.Text("description"),
                Builders<BsonDocument>.IndexKeys.Text("description_en"),
                Builders<BsonDocument>.IndexKeys.Text("description_es"),
                Builders<BsonDocument>.IndexKeys.Text("cast"),
                Builders<BsonDocument>.IndexKeys.Text("director")),
            new CreateIndexOptions
            {
                Weights = new BsonDocument
                {
                    { "title", 10 }, { "title_en", 10 }, { "title_es", 10 },
                    { "description", 5 }, { "description_en", 5 }, { "description_es", 5 },
                    { "cast", 3 }, { "director", 3 },
                },
                // A document's own "language" field must not pick the stemmer: Hebrew has none.
                LanguageOverride = "text_language",
            }),
        IndexModels.Ascending("section_ids"),
        IndexModels.Ascending("primary_section_id"),
        IndexModels.Ascending("content_format"),
        IndexModels.Ascending("audience_id"),
        IndexModels.Ascending("genre_ids"),
        IndexModels.Ascending("topic_tags"),
        IndexModels.Compound(("is_featured", 1), ("created_at", -1)),
        IndexModels.Descending("view_count"),
        new(Builders<BsonDocument>.IndexKeys.Ascending("tmdb_id"), new CreateIndexOptions { Unique = true, Sparse = true }),
        IndexModels.Descending("year"),
        IndexModels.Descending("created_at"),
    ];
}
