using BayitPlus.Api.Infrastructure.Mongo;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.AiSearch;

/// <summary>The vector search index of one model on <c>contentembedding</c>: cosine similarity over
/// <c>embedding_vector</c>, filterable by model and taxonomy. The indexer creates it (Atlas, or
/// MongoDB 8.2+ with a search node; the emulator in development) and waits until it answers queries;
/// a deployment whose user may not create search indexes creates it with the definition in the README.</summary>
public sealed class VectorIndex(MongoContext db)
{
    public static BsonDocument Definition(EmbeddingModel model) => new(
        "fields",
        new BsonArray(
            new[]
            {
                new BsonDocument { ["type"] = "vector", ["path"] = "embedding_vector", ["numDimensions"] = model.Dimensions, ["similarity"] = "cosine" },
                new BsonDocument { ["type"] = "filter", ["path"] = "embedding_model" },
            }.Concat(EmbeddingMetadata.FilterPaths.Select(path => new BsonDocument { ["type"] = "filter", ["path"] = path }))));

    private IMongoCollection<BsonDocument> Embeddings => db.Collection<BsonDocument>(ContentEmbeddingDocument.CollectionName);

    /// <summary>The index's state as <c>$listSearchIndexes</c> reports it ("READY", "BUILDING", ...),
    /// or null when it does not exist.</summary>
    public async Task<(string Status, bool Queryable)?> StatusAsync(EmbeddingModel model, CancellationToken cancellationToken)
    {
        var found = await (await Embeddings.SearchIndexes.ListAsync(model.IndexName, cancellationToken: cancellationToken)).FirstOrDefaultAsync(cancellationToken);
        return found is null ? null
            : (found.GetValue("status", "UNKNOWN").AsString, found.GetValue("queryable", false).ToBoolean());
    }

    /// <summary>Creates the index unless it exists; true once it answers queries.</summary>
    public async Task<bool> EnsureAsync(EmbeddingModel model, CancellationToken cancellationToken)
    {
        if (await StatusAsync(model, cancellationToken) is { } status)
        {
            return status.Queryable;
        }

        try
        {
            await Embeddings.SearchIndexes.CreateOneAsync(
                new CreateSearchIndexModel(model.IndexName, SearchIndexType.VectorSearch, Definition(model)), cancellationToken);
        }
        catch (MongoCommandException error) when (error.CodeName == "IndexAlreadyExists")
        {
            // Another instance created it first.
        }

        return (await StatusAsync(model, cancellationToken))?.Queryable ?? false;
    }
}
