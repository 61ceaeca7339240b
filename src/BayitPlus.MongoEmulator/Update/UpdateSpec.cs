using BayitPlus.MongoEmulator.Query;
using MongoDB.Bson;

namespace BayitPlus.MongoEmulator.Update;

public enum UpdateKind
{
    Operators,
    Replacement,
    Pipeline,
}

public readonly record struct UpdateOutcome(BsonDocument Document, bool Modified);

/// <summary>An update of the update and findAndModify commands: operator document, replacement
/// document or aggregation pipeline, with array filters.</summary>
public sealed class UpdateSpec
{
    private UpdateSpec()
    {
    }

    public UpdateKind Kind => UpdateKind.Operators;

    /// <summary>Validates the whole update up front (unknown operator, conflicting paths, bad
    /// array filters) and throws <see cref="Bson.MongoErrorException"/> naming the problem.</summary>
    public static UpdateSpec Parse(BsonValue update, BsonArray? arrayFilters, QueryContext context) => throw new NotImplementedException();

    /// <summary>Applies the update to a copy of <paramref name="original"/>, never mutating it.
    /// Changing <c>_id</c> throws ImmutableField (66).</summary>
    public UpdateOutcome Apply(BsonDocument original, CompiledFilter filter) => throw new NotImplementedException();

    /// <summary>The document an upsert inserts when nothing matched: the filter's equality parts
    /// (MongoDB's rules), then the update applied with <c>$setOnInsert</c> honoured, or the
    /// replacement keeping the filter's <c>_id</c>. Does not generate an <c>_id</c>.</summary>
    public BsonDocument BuildUpsert(BsonDocument filter) => throw new NotImplementedException();
}
