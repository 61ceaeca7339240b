using BayitPlus.MongoEmulator.Bson;
using BayitPlus.MongoEmulator.Query;
using MongoDB.Bson;

namespace BayitPlus.MongoEmulator.Aggregation;

/// <summary>What a pipeline may read outside its input: other collections of the same database.</summary>
public interface IAggregationHost
{
    /// <summary>All documents of a collection of the same database (empty when it does not exist),
    /// as the calling operation sees them (transaction included).</summary>
    IEnumerable<BsonDocument> ReadCollection(string collectionName);
}

public sealed class AggregationContext
{
    public IAggregationHost? Host { get; init; }

    public QueryContext Query { get; init; } = QueryContext.Default;
}

/// <summary>An aggregation pipeline parsed and validated once. <c>$changeStream</c>, <c>$out</c> and
/// <c>$merge</c> are not part of it: the command layer handles or rejects those.</summary>
public sealed class Pipeline
{
    private Pipeline()
    {
    }

    /// <summary>Throws <see cref="MongoErrorException"/> naming an unknown or unsupported stage
    /// or operator.</summary>
    public static Pipeline Parse(BsonArray stages, AggregationContext context) => throw new NotImplementedException();

    public IEnumerable<MetaDoc> Execute(IEnumerable<MetaDoc> input) => throw new NotImplementedException();
}
