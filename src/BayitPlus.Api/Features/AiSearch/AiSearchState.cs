using MongoDB.Bson.Serialization.Attributes;
using MongoDB.Driver;
using BayitPlus.Api.Infrastructure.Mongo;

namespace BayitPlus.Api.Features.AiSearch;

/// <summary>The indexer's one record in <c>aisearchstate</c> (a collection of this API, features.md):
/// which model the stored vectors belong to, which instance runs the indexer, and its last pass.</summary>
public sealed class AiSearchStateDocument
{
    public const string CollectionName = "aisearchstate";
    public const string IndexerId = "indexer";

    [BsonRepresentation(MongoDB.Bson.BsonType.String)]
    public string Id { get; set; } = IndexerId;

    /// <summary>The model of every <c>embedding_vector</c>, the one searches use; during a model
    /// change the next model's vectors wait in <c>pending</c> until all are made.</summary>
    public string? ActiveModel { get; set; }

    public string? LeaseHolder { get; set; }

    public DateTime? LeaseUntil { get; set; }

    /// <summary>An admin's reindex: embeddings made before it are made again.</summary>
    public DateTime? ReindexRequestedAt { get; set; }

    public IndexerRun? LastRun { get; set; }
}

/// <summary>What the indexer's last completed pass did.</summary>
public sealed class IndexerRun
{
    public required string Kind { get; set; }

    public DateTime StartedAt { get; set; }

    public DateTime FinishedAt { get; set; }

    public int Embedded { get; set; }

    public int Updated { get; set; }

    public int Deleted { get; set; }

    /// <summary>Items the model could not embed; tried again at the next full pass.</summary>
    public int Failed { get; set; }

    public int Backlog { get; set; }

    public string? Error { get; set; }
}

/// <summary>The model searches compare with, and this instance's generator for it.</summary>
public sealed record SearchVectors(EmbeddingModel Model, Microsoft.Extensions.AI.IEmbeddingGenerator<string, Microsoft.Extensions.AI.Embedding<float>> Generator);

/// <summary>Which stored vectors a search can use: those of the active model, when this instance can
/// embed a query with it.</summary>
public sealed class SearchModel(MongoContext db, Embedders embedders)
{
    /// <summary>Null when nothing is indexed yet, or the vectors belong to a model this instance
    /// cannot run (an OpenAI key removed before the local model re-embedded the catalog).</summary>
    public async Task<SearchVectors?> CurrentAsync(CancellationToken cancellationToken)
    {
        var state = await db.Collection<AiSearchStateDocument>(AiSearchStateDocument.CollectionName)
            .Find(s => s.Id == AiSearchStateDocument.IndexerId).FirstOrDefaultAsync(cancellationToken);
        return EmbeddingModel.Parse(state?.ActiveModel) is { } model && embedders.Find(model) is { } generator ? new SearchVectors(model, generator) : null;
    }
}
