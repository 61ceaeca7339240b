using MongoDB.Bson;

namespace BayitPlus.MongoEmulator.Query;

/// <summary>Dotted-path access with MongoDB's array semantics.</summary>
public static class FieldPath
{
    /// <summary>The value at a dotted path without traversing arrays except by numeric segment;
    /// null when missing.</summary>
    public static BsonValue? Get(BsonDocument document, string path) => throw new NotImplementedException();

    /// <summary>The keys an index on <paramref name="path"/> stores for a document: every value a
    /// query predicate on that path compares against (array elements one level down at each array,
    /// and the array itself when the path ends on one), or a single BsonNull when nothing is there.
    /// Contract: a document matched by an equality or range predicate on the path always has a key
    /// that the same predicate accepts, so an index lookup never misses a match.</summary>
    public static IReadOnlyList<BsonValue> IndexKeys(BsonDocument document, string path) => throw new NotImplementedException();
}
