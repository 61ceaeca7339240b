using System.Runtime.CompilerServices;
using BayitPlus.Testing;
using MongoDB.Bson;
using MongoDB.Driver;

[assembly: AssemblyFixture(typeof(MongoBackendFixture))]

namespace BayitPlus.MongoEmulator.Tests.Conformance;

/// <summary>
/// Base of the conformance suite: tests speak only through the official driver, so they pass
/// unchanged against a real MongoDB 7/8 replica set (see <see cref="MongoBackend"/>). Each test
/// class gets its own database, each test its own collections.
/// </summary>
public abstract class ConformanceTest(MongoDatabaseFixture fixture) : IClassFixture<MongoDatabaseFixture>
{
    protected MongoDatabaseFixture Fixture => fixture;

    protected MongoBackend Backend => fixture.Backend;

    protected IMongoDatabase Database => fixture.Database;

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected IMongoCollection<BsonDocument> NewCollection([CallerMemberName] string hint = "") =>
        fixture.NewCollection<BsonDocument>(hint);

    protected static BsonDocument Doc(string json) => BsonDocument.Parse(json);

    protected static IEnumerable<BsonDocument> Docs(params string[] json) => json.Select(BsonDocument.Parse);

    /// <summary>The <c>_id</c>s (Int32) of the matching documents in ascending order.</summary>
    protected static async Task<int[]> IdsAsync(IMongoCollection<BsonDocument> collection, FilterDefinition<BsonDocument> filter)
    {
        var found = await collection.Find(filter).Sort("{_id: 1}").Project("{_id: 1}").ToListAsync(Ct);
        return [.. found.Select(d => d["_id"].AsInt32)];
    }

    protected static async Task AssertIdsAsync(IMongoCollection<BsonDocument> collection, FilterDefinition<BsonDocument> filter, params int[] expected) =>
        Assert.Equal(expected, await IdsAsync(collection, filter));

    protected static async Task<List<BsonDocument>> AggregateAsync(IMongoCollection<BsonDocument> collection, AggregateOptions? options, params BsonDocument[] stages)
    {
        using var cursor = await collection.AggregateAsync<BsonDocument>(stages, options, Ct);
        return await cursor.ToListAsync(Ct);
    }

    /// <summary>Inserts <paramref name="local"/> (one document) and <paramref name="foreign"/> into
    /// fresh collections and returns the <c>_id</c>s (Int32) a <c>$lookup</c> on their <c>k</c>
    /// fields joins to the local document.</summary>
    protected async Task<int[]> LookedUpIdsAsync(string hint, string local, string[] foreign, AggregateOptions? options)
    {
        var localCollection = NewCollection(hint + "_local");
        var foreignCollection = NewCollection(hint + "_foreign");
        await localCollection.InsertOneAsync(Doc(local), cancellationToken: Ct);
        await foreignCollection.InsertManyAsync(Docs(foreign), cancellationToken: Ct);
        var joined = await AggregateAsync(localCollection, options, new BsonDocument("$lookup", new BsonDocument
        {
            { "from", foreignCollection.CollectionNamespace.CollectionName }, { "localField", "k" }, { "foreignField", "k" }, { "as", "found" },
        }));
        return [.. Assert.Single(joined)["found"].AsBsonArray.Select(d => d["_id"].AsInt32)];
    }

    /// <summary>Compares two documents field by field, ignoring the order of top-level fields (which
    /// MongoDB documents only loosely for computed and renamed fields).</summary>
    protected static void AssertSameFields(BsonDocument expected, BsonDocument actual)
    {
        Assert.Equal(expected.Names.Order(StringComparer.Ordinal), actual.Names.Order(StringComparer.Ordinal));
        foreach (var element in expected)
        {
            Assert.True(element.Value.Equals(actual[element.Name]),
                $"Field '{element.Name}': expected {element.Value.ToJson()}, got {actual[element.Name].ToJson()} in {actual.ToJson()}");
        }
    }

    /// <summary>Polls <paramref name="condition"/> until it holds or <paramref name="deadline"/> passes.</summary>
    protected static async Task<bool> EventuallyAsync(Func<Task<bool>> condition, TimeSpan deadline)
    {
        var until = DateTime.UtcNow + deadline;
        while (true)
        {
            if (await condition())
            {
                return true;
            }

            if (DateTime.UtcNow > until)
            {
                return false;
            }

            await Task.Delay(100, Ct);
        }
    }
}
