using BayitPlus.Api.Infrastructure.Mongo;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.AiSearch;

/// <summary>The spec's <c>contentembedding</c> collection: one item's vector, the model that made it
/// and the text it was made from. <see cref="Metadata"/> carries the item's taxonomy (the vector
/// index's filter fields) and a hash of the text; <see cref="Pending"/>, an addition of this API,
/// holds the next model's vector while a model change re-embeds the catalog.</summary>
public sealed class ContentEmbeddingDocument
{
    public const string CollectionName = "contentembedding";

    public string Id { get; set; } = "";

    public required string ContentId { get; set; }

    public required float[] EmbeddingVector { get; set; }

    /// <summary><see cref="EmbeddingModel.Id"/>: name and dimension.</summary>
    public required string EmbeddingModel { get; set; }

    public required string TextContent { get; set; }

    public required EmbeddingMetadata Metadata { get; set; }

    /// <summary>When this vector was made.</summary>
    public DateTime CreatedAt { get; set; }

    public PendingEmbedding? Pending { get; set; }
}

/// <summary>The item's taxonomy as of its last indexing (what a search filters on), and the hash of
/// <c>text_content</c> that tells the indexer whether the text changed.</summary>
public sealed class EmbeddingMetadata
{
    public required string TextHash { get; set; }

    public List<string> SectionIds { get; set; } = [];

    public string? ContentFormat { get; set; }

    public string? AudienceId { get; set; }

    public List<string> GenreIds { get; set; } = [];

    public List<string> TopicTags { get; set; } = [];

    public int? Year { get; set; }

    /// <summary>The element names the vector index declares as filter fields.</summary>
    public static IReadOnlyList<string> FilterPaths { get; } =
    [
        "metadata.section_ids", "metadata.content_format", "metadata.audience_id", "metadata.genre_ids", "metadata.topic_tags", "metadata.year",
    ];
}

/// <summary>A vector of the next model, made before the switch to it.</summary>
public sealed class PendingEmbedding
{
    public required float[] EmbeddingVector { get; set; }

    public required string EmbeddingModel { get; set; }

    public required string TextContent { get; set; }

    public required string TextHash { get; set; }

    public DateTime CreatedAt { get; set; }
}

/// <summary>The spec's indexes: one embedding per item, and the newest first.</summary>
public sealed class ContentEmbeddingIndexes : ICollectionIndexes
{
    public string CollectionName => ContentEmbeddingDocument.CollectionName;

    public IEnumerable<CreateIndexModel<BsonDocument>> Indexes => [IndexModels.Unique("content_id"), IndexModels.Descending("created_at")];
}
