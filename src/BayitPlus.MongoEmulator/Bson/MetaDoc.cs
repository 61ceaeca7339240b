using MongoDB.Bson;

namespace BayitPlus.MongoEmulator.Bson;

/// <summary>A document travelling through find or an aggregation pipeline, with the metadata
/// that <c>{$meta: ...}</c> can read (the text score and the vector search score).</summary>
public readonly record struct MetaDoc(BsonDocument Document, double? TextScore = null, double? VectorSearchScore = null);
