using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Infrastructure.Mongo;

/// <summary>A slice declares its collections' indexes by implementing this; the initializer finds
/// every implementation in the assembly and creates the indexes at start-up.</summary>
public interface ICollectionIndexes
{
    string CollectionName { get; }

    IEnumerable<CreateIndexModel<BsonDocument>> Indexes { get; }
}

/// <summary>Shorthands that keep index declarations as close to the spec's IndexModel lines as C# allows.</summary>
public static class IndexModels
{
    private static IndexKeysDefinitionBuilder<BsonDocument> Keys => Builders<BsonDocument>.IndexKeys;

    public static CreateIndexModel<BsonDocument> Ascending(string field, CreateIndexOptions? options = null) =>
        new(Keys.Ascending(field), options);

    public static CreateIndexModel<BsonDocument> Descending(string field, CreateIndexOptions? options = null) =>
        new(Keys.Descending(field), options);

    public static CreateIndexModel<BsonDocument> Compound(params (string Field, int Direction)[] fields) =>
        new(Keys.Combine(fields.Select(f => f.Direction > 0 ? Keys.Ascending(f.Field) : Keys.Descending(f.Field))));

    public static CreateIndexModel<BsonDocument> Unique(string field, bool sparse = false) =>
        new(Keys.Ascending(field), new CreateIndexOptions { Unique = true, Sparse = sparse });

    /// <summary>A TTL index: documents go once the date in <paramref name="field"/> is older than <paramref name="expireAfter"/>.</summary>
    public static CreateIndexModel<BsonDocument> Ttl(string field, TimeSpan expireAfter) =>
        new(Keys.Ascending(field), new CreateIndexOptions { ExpireAfter = expireAfter });
}
