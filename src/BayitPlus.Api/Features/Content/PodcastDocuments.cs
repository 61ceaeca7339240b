using BayitPlus.Api.Infrastructure.Mongo;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.Content;

/// <summary>The spec's <c>podcast</c> collection: shows and their RSS feed.</summary>
public sealed class PodcastDocument
{
    public const string CollectionName = "podcast";

    public string Id { get; set; } = "";

    public required string Title { get; set; }

    public string? Description { get; set; }

    public string? Thumbnail { get; set; }

    public required string RssFeedUrl { get; set; }

    public string? Author { get; set; }

    /// <summary>he, en or es.</summary>
    public string? Language { get; set; }

    public List<string> Categories { get; set; } = [];

    public int EpisodeCount { get; set; }

    /// <summary>When the feed was last read.</summary>
    public DateTime? LastUpdated { get; set; }

    public DateTime CreatedAt { get; set; }

    /// <summary>Set on every admin change (not in the spec's field list, like content's).</summary>
    public DateTime? UpdatedAt { get; set; }
}

/// <summary>The spec's <c>podcastepisode</c> collection.</summary>
public sealed class PodcastEpisodeDocument
{
    public const string CollectionName = "podcastepisode";

    public string Id { get; set; } = "";

    public required string PodcastId { get; set; }

    public required string Title { get; set; }

    public string? Description { get; set; }

    public required string AudioUrl { get; set; }

    /// <summary>Seconds.</summary>
    public int? Duration { get; set; }

    public DateTime? PublishedDate { get; set; }

    public int? EpisodeNumber { get; set; }

    public int? SeasonNumber { get; set; }

    public string? Transcript { get; set; }

    /// <summary>The feed item's guid (or its audio URL), which makes re-syncing a feed idempotent.
    /// Not in the spec; an addition of this API.</summary>
    public string? Guid { get; set; }
}

public sealed class PodcastIndexes : ICollectionIndexes
{
    public string CollectionName => PodcastDocument.CollectionName;

    public IEnumerable<CreateIndexModel<BsonDocument>> Indexes =>
    [
        IndexModels.Unique("rss_feed_url"),
        // Podcasts store their language ("he", "en", "es") in "language", which MongoDB would read
        // as the text language and reject for Hebrew; the override points it elsewhere.
        new(Builders<BsonDocument>.IndexKeys.Text("title"), new CreateIndexOptions { LanguageOverride = "text_language" }),
        IndexModels.Descending("created_at"),
    ];
}

public sealed class PodcastEpisodeIndexes : ICollectionIndexes
{
    public string CollectionName => PodcastEpisodeDocument.CollectionName;

    public IEnumerable<CreateIndexModel<BsonDocument>> Indexes =>
    [
        IndexModels.Compound(("podcast_id", 1), ("published_date", -1)),
        IndexModels.Compound(("podcast_id", 1), ("episode_number", 1)),
        // Not in the spec: makes the feed sync's upserts race-free (two syncs of one show cannot
        // both insert an episode). Partial, so episodes other services stored without a guid are
        // not indexed.
        new(
            Builders<BsonDocument>.IndexKeys.Ascending("podcast_id").Ascending("guid"),
            new CreateIndexOptions<BsonDocument> { Unique = true, PartialFilterExpression = new BsonDocument("guid", new BsonDocument("$type", "string")) }),
    ];
}
