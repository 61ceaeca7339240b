using MongoDB.Bson;

namespace BayitPlus.MongoEmulator.Engine;

/// <summary>A stored document. Documents are never mutated once stored: an update swaps in a new
/// instance, so readers outside the lock (cursors, replies being serialized) always see a whole version.</summary>
internal sealed class Record(BsonValue id, BsonDocument document, long version, long order)
{
    public BsonValue Id { get; } = id;

    public BsonDocument Document { get; set; } = document;

    /// <summary>The server-wide write sequence number of the last committed change.</summary>
    public long Version { get; set; } = version;

    /// <summary>Insertion order, the collection's natural order.</summary>
    public long Order { get; } = order;
}
