using BayitPlus.Api.Infrastructure.Catalog;
using BayitPlus.Api.Infrastructure.Mongo;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.AiSearch;

/// <summary>The embedding indexer as an admin sees it (<see cref="GetIndexerStatus"/>,
/// <see cref="RequestReindex"/>): the models, how many items wait, the index and the last pass.</summary>
public sealed class IndexerStatus(MongoContext db, ICatalogSource catalog, Embedders embedders, VectorIndex vectorIndex, EmbeddingIndexer indexer, TimeProvider time)
{
    public async Task<IndexerStatusResponse> ReadAsync(CancellationToken cancellationToken)
    {
        var state = await indexer.StateAsync(cancellationToken);
        var target = embedders.Configured;
        var embeddings = db.Collection<BsonDocument>(ContentEmbeddingDocument.CollectionName);
        var stored = await CountsAsync(embeddings, "$embedding_model", cancellationToken);
        var pending = await CountsAsync(embeddings, "$pending.embedding_model", cancellationToken);
        var catalogItems = await catalog.CountAsync(cancellationToken);
        var ofTarget = stored.Where(c => c.Model == target.Id).Sum(c => c.Embeddings) + pending.Where(c => c.Model == target.Id).Sum(c => c.Embeddings);
        var index = await IndexStatusAsync(target, cancellationToken);
        var run = state?.LastRun;
        return new IndexerStatusResponse(
            target.Id,
            state?.ActiveModel,
            state?.ActiveModel is { } active && active != target.Id,
            catalogItems,
            Math.Max(0, catalogItems - ofTarget),
            stored,
            pending,
            new VectorIndexStatus(target.IndexName, index.Status, index.Queryable),
            state?.LeaseUntil > time.GetUtcNow().UtcDateTime,
            state?.ReindexRequestedAt,
            run is null ? null : new IndexerRunResponse(run.Kind, run.StartedAt, run.FinishedAt, run.Embedded, run.Updated, run.Deleted, run.Failed, run.Error));
    }

    /// <summary>UNAVAILABLE when the server cannot list search indexes (no search node).</summary>
    private async Task<(string Status, bool Queryable)> IndexStatusAsync(EmbeddingModel model, CancellationToken cancellationToken)
    {
        try
        {
            return await vectorIndex.StatusAsync(model, cancellationToken) ?? ("MISSING", false);
        }
        catch (MongoCommandException)
        {
            return ("UNAVAILABLE", false);
        }
    }

    private static async Task<IReadOnlyList<ModelCount>> CountsAsync(IMongoCollection<BsonDocument> embeddings, string field, CancellationToken cancellationToken)
    {
        var groups = await embeddings.Aggregate()
            .Group(new BsonDocument { ["_id"] = field, ["n"] = new BsonDocument("$sum", 1) })
            .Match(new BsonDocument("_id", new BsonDocument("$ne", BsonNull.Value)))
            .Sort(new BsonDocument("_id", 1))
            .ToListAsync(cancellationToken);
        return [.. groups.Select(g => new ModelCount(g["_id"].ToString()!, g["n"].ToInt64()))];
    }
}

/// <summary>The indexer's state. <c>configuredModel</c> makes new vectors; <c>activeModel</c>'s
/// vectors are what searches compare (null before the first pass); <c>switching</c> while the
/// catalog is re-embedded with the configured model. <c>backlog</c>: catalog items without a vector
/// of the configured model (changed texts waiting a second or two are not counted).</summary>
public sealed record IndexerStatusResponse(
    string ConfiguredModel,
    string? ActiveModel,
    bool Switching,
    long CatalogItems,
    long Backlog,
    IReadOnlyList<ModelCount> Embeddings,
    IReadOnlyList<ModelCount> Pending,
    VectorIndexStatus VectorIndex,
    bool Running,
    DateTime? ReindexRequestedAt,
    IndexerRunResponse? LastRun);

public sealed record ModelCount(string Model, long Embeddings);

/// <summary>The configured model's vector search index: <c>status</c> as the server reports it
/// (READY, BUILDING, ...), MISSING, or UNAVAILABLE when the server has no search, and whether it
/// answers queries.</summary>
public sealed record VectorIndexStatus(string Name, string Status, bool Queryable);

/// <summary>The last pass: <c>kind</c> catch-up, changes, reindex or failed (then <c>error</c> names
/// the failure's type; the log has the rest); <c>failed</c> items the model could not embed, tried
/// again at the next full pass.</summary>
public sealed record IndexerRunResponse(string Kind, DateTime StartedAt, DateTime FinishedAt, int Embedded, int Updated, int Deleted, int Failed, string? Error);
