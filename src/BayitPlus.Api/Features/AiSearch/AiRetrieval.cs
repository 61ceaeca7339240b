using BayitPlus.Api.Infrastructure.Catalog;
using BayitPlus.Api.Infrastructure.Mongo;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.AiSearch;

/// <summary>How <see cref="AiRetrieval"/> ranks the catalog for a query.</summary>
public enum RetrievalMode
{
    /// <summary>The catalog's weighted text index only.</summary>
    Keyword,

    /// <summary>Nearest neighbours of the query's embedding only (<c>$vectorSearch</c>).</summary>
    Vector,

    /// <summary>Both, fused by <see cref="RankFusion"/>.</summary>
    Hybrid,
}

/// <summary>
/// Ranks catalog items for a query, as AI search serves it and as the evaluation measures it.
/// Vectors are compared only with vectors of the active model (<see cref="SearchModel"/>), through
/// <c>$vectorSearch</c> on that model's index, with the taxonomy filter applied inside the stage
/// (the index's filter fields), so the nearest neighbours asked for are all eligible ones.
/// When no model is active or this instance cannot run it, the vector ranking is empty and
/// <see cref="RetrievalMode.Hybrid"/> is the text ranking alone: a search degrades, it does not fail.
/// So is a hybrid search the model cannot read (<see cref="EmbeddingModel.Reads"/>: Hebrew for the local model);
/// <see cref="RetrievalMode.Vector"/> still answers the raw neighbours, for the evaluation to show.
/// </summary>
public sealed class AiRetrieval(ICatalogTextSearch catalog, SearchModel models, MongoContext db, AiSearchSettings settings)
{
    /// <summary>The most nearest neighbours <c>$vectorSearch</c> examines (Atlas's limit).</summary>
    public const int MaxCandidates = 10_000;

    private const string VectorPath = "embedding_vector";

    private IMongoCollection<BsonDocument> Embeddings => db.Collection<BsonDocument>(ContentEmbeddingDocument.CollectionName);

    /// <summary>The ids of the best <paramref name="limit"/> items for <paramref name="query"/>
    /// that pass <paramref name="filter"/>, best first.</summary>
    public async Task<IReadOnlyList<string>> RankAsync(string query, CatalogFilter filter, RetrievalMode mode, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, MaxCandidates);
        if (mode == RetrievalMode.Keyword)
        {
            return Ids(await catalog.RankAsync(query, filter, limit, cancellationToken));
        }

        var vectors = await models.CurrentAsync(cancellationToken);
        if (mode == RetrievalMode.Vector)
        {
            return vectors is null ? [] : await NearestToQueryAsync(vectors, query, filter, limit, cancellationToken);
        }

        if (vectors is null || !vectors.Model.Reads(query))
        {
            return Ids(await catalog.RankAsync(query, filter, limit, cancellationToken));
        }

        // Each ranking contributes a page's worth: deeper, on a catalog of a few hundred items every
        // item is somewhere in the vector ranking, and every weak text match gains from it.
        var keyword = catalog.RankAsync(query, filter, limit, cancellationToken);
        var nearest = NearestToQueryAsync(vectors, query, filter, limit, cancellationToken);
        await Task.WhenAll(keyword, nearest);

        // A query that is an item's title names that item: it leads, whatever its neighbours (on a
        // small catalog every item is someone's neighbour, and fused noise could pass it).
        var text = await keyword;
        var titled = text.Where(m => m.IsTitle).Select(m => m.Id).ToList();
        var fused = RankFusion.Fuse([Ids(text), await nearest], settings.FusionK, [settings.KeywordWeight, settings.VectorWeight]);
        return [.. titled.Concat(fused.Except(titled, StringComparer.Ordinal)).Take(limit)];
    }

    private static IReadOnlyList<string> Ids(IReadOnlyList<CatalogTextMatch> matches) => [.. matches.Select(m => m.Id)];

    /// <summary>The ids of the <paramref name="limit"/> items nearest to <paramref name="contentId"/>'s
    /// own vector, the item itself left out; null when the item has no vector of the active model
    /// (never indexed, deleted, or no model active).</summary>
    public async Task<IReadOnlyList<string>?> SimilarAsync(string contentId, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, MaxCandidates - 1);
        if (await models.CurrentAsync(cancellationToken) is not { } vectors)
        {
            return null;
        }

        var own = await Embeddings
            .Find(new BsonDocument { ["content_id"] = contentId, ["embedding_model"] = vectors.Model.Id })
            .Project(new BsonDocument { ["_id"] = 0, [VectorPath] = 1 })
            .FirstOrDefaultAsync(cancellationToken);
        if (own?.GetValue(VectorPath, null) is not BsonArray vector || vector.Count != vectors.Model.Dimensions)
        {
            return null;
        }

        // One more than asked: the item is its own nearest neighbour, unless ties put it lower.
        var nearest = await NearestAsync(vectors.Model, vector, CatalogFilter.None, limit + 1, cancellationToken);
        return [.. nearest.Where(id => id != contentId).Take(limit)];
    }

    /// <summary>The <c>$vectorSearch</c> filter: the model's vectors only, and the taxonomy filter on
    /// the <c>metadata</c> copies of the item's axes, with only the operators Atlas's vector filters
    /// accept (<c>$eq</c>, <c>$in</c>, <c>$gte</c>, <c>$lte</c>, <c>$and</c>).</summary>
    public static BsonDocument VectorFilter(EmbeddingModel model, CatalogFilter filter)
    {
        var clauses = new BsonArray { new BsonDocument("embedding_model", new BsonDocument("$eq", model.Id)) };
        AnyOf(clauses, "metadata.section_ids", filter.Sections);
        AnyOf(clauses, "metadata.content_format", filter.Formats);
        AnyOf(clauses, "metadata.audience_id", filter.Audiences);
        AnyOf(clauses, "metadata.genre_ids", filter.Genres);
        AnyOf(clauses, "metadata.topic_tags", filter.Topics);
        if (filter.YearFrom is { } from)
        {
            clauses.Add(new BsonDocument("metadata.year", new BsonDocument("$gte", from)));
        }

        if (filter.YearTo is { } to)
        {
            clauses.Add(new BsonDocument("metadata.year", new BsonDocument("$lte", to)));
        }

        return clauses.Count == 1 ? clauses[0].AsBsonDocument : new BsonDocument("$and", clauses);
    }

    private static void AnyOf(BsonArray clauses, string path, IReadOnlyList<string> values)
    {
        if (values.Count > 0)
        {
            clauses.Add(new BsonDocument(path, new BsonDocument("$in", new BsonArray(values))));
        }
    }

    private async Task<IReadOnlyList<string>> NearestToQueryAsync(SearchVectors vectors, string query, CatalogFilter filter, int limit, CancellationToken cancellationToken)
    {
        var embedded = await vectors.Generator.GenerateAsync([query], cancellationToken: cancellationToken);
        var vector = embedded.Count == 1 ? embedded[0].Vector : throw new InvalidOperationException($"The {vectors.Model.Id} model answered {embedded.Count} embeddings for one query.");
        if (vector.Length != vectors.Model.Dimensions)
        {
            throw new InvalidOperationException($"The {vectors.Model.Id} model answered a vector of {vector.Length} dimensions.");
        }

        return await NearestAsync(vectors.Model, new BsonArray(vector.ToArray().Select(v => (double)v)), filter, limit, cancellationToken);
    }

    /// <summary>Best first; equal scores in content id order, so the ranking does not depend on the
    /// order the index happens to return ties in.</summary>
    private async Task<IReadOnlyList<string>> NearestAsync(EmbeddingModel model, BsonArray vector, CatalogFilter filter, int limit, CancellationToken cancellationToken)
    {
        BsonDocument[] pipeline =
        [
            new("$vectorSearch", new BsonDocument
            {
                ["index"] = model.IndexName,
                ["path"] = VectorPath,
                ["queryVector"] = vector,
                ["numCandidates"] = Math.Min(MaxCandidates, Math.Max(limit, limit * settings.CandidatesPerResult)),
                ["limit"] = limit,
                ["filter"] = VectorFilter(model, filter),
            }),
            new("$project", new BsonDocument { ["_id"] = 0, ["content_id"] = 1, ["score"] = new BsonDocument("$meta", "vectorSearchScore") }),
        ];
        var found = await Embeddings.Aggregate<BsonDocument>(pipeline, cancellationToken: cancellationToken).ToListAsync(cancellationToken);
        return [.. found
            .Select(hit => (Id: hit["content_id"].AsString, Score: hit["score"].ToDouble()))
            .OrderByDescending(hit => hit.Score)
            .ThenBy(hit => hit.Id, StringComparer.Ordinal)
            .Select(hit => hit.Id)];
    }
}
