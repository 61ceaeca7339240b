using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Tests.Support;

/// <summary>Stored documents in raw BSON, so assertions and seeds name the stored fields.</summary>
public static class RawCollections
{
    public static IMongoCollection<BsonDocument> Raw(this ApiFactory api, string collection) => api.Database.GetCollection<BsonDocument>(collection);
}
