using MongoDB.Bson;

namespace BayitPlus.MongoEmulator.Bson;

/// <summary>A document travelling through find or an aggregation pipeline, with the metadata
/// that <c>{$meta: ...}</c> can read (today only the text score).</summary>
public readonly record struct MetaDoc(BsonDocument Document, double? TextScore = null);
