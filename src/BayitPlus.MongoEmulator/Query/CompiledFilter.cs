using MongoDB.Bson;

namespace BayitPlus.MongoEmulator.Query;

/// <summary>A query filter compiled once and evaluated against many documents.</summary>
public sealed class CompiledFilter
{
    private CompiledFilter(BsonDocument filter) => Filter = filter;

    public BsonDocument Filter { get; }

    /// <summary>True when the filter contains <c>$text</c>.</summary>
    public bool HasText => false;

    /// <summary>Throws <see cref="Bson.MongoErrorException"/> (BadValue or the server's own code)
    /// naming any unknown or unsupported operator.</summary>
    public static CompiledFilter Compile(BsonDocument filter, QueryContext context) => throw new NotImplementedException();

    public bool Matches(BsonDocument document) => throw new NotImplementedException();

    /// <summary>The text score of a matching document when <see cref="HasText"/>.</summary>
    public double? TextScore(BsonDocument document) => throw new NotImplementedException();

    /// <summary>The index of the array element that satisfied the query, for the positional
    /// <c>$</c> operator of updates and projections; null when no array was traversed.</summary>
    public int? PositionalIndex(BsonDocument document) => throw new NotImplementedException();
}
