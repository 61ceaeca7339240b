using BayitPlus.Testing;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.MongoEmulator.Tests.Conformance;

public sealed class ConcurrencyTests(MongoDatabaseFixture fixture) : ConformanceTest(fixture)
{
    private const int ClientCount = 4;

    /// <summary>Runs <paramref name="attempts"/> operations spread over several independent clients,
    /// each with its own connection pool, all released at once.</summary>
    private async Task<T[]> RaceAsync<T>(int attempts, string collectionName, Func<IMongoCollection<BsonDocument>, int, Task<T>> operation)
    {
        var clients = Enumerable.Range(0, ClientCount).Select(i => Backend.CreateClient($"BayitPlus.Tests.race{i}")).ToArray();
        try
        {
            var collections = clients
                .Select(c => c.GetDatabase(Database.DatabaseNamespace.DatabaseName).GetCollection<BsonDocument>(collectionName))
                .ToArray();
            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var tasks = Enumerable.Range(0, attempts).Select(async i =>
            {
                await start.Task;
                return await operation(collections[i % ClientCount], i);
            }).ToArray();
            start.SetResult();
            return await Task.WhenAll(tasks);
        }
        finally
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }
        }
    }

    [Fact]
    public async Task Guarded_decrements_never_overdraw_and_exactly_enough_succeed()
    {
        var collection = NewCollection();
        await collection.InsertOneAsync(Doc("{_id: 'wallet', balance: 100}"), cancellationToken: Ct);

        var results = await RaceAsync(200, collection.CollectionNamespace.CollectionName, (c, _) =>
            c.FindOneAndUpdateAsync<BsonDocument>(
                "{_id: 'wallet', balance: {$gte: 5}}",
                "{$inc: {balance: -5}}",
                new FindOneAndUpdateOptions<BsonDocument> { ReturnDocument = ReturnDocument.After },
                Ct));

        var successes = results.Where(r => r is not null).ToList();
        Assert.Equal(20, successes.Count);
        Assert.All(successes, r => Assert.True(r["balance"].AsInt32 >= 0));
        Assert.Equal(Enumerable.Range(0, 20).Select(i => i * 5), successes.Select(r => r["balance"].AsInt32).Order());
        Assert.Equal(0, (await collection.Find("{}").SingleAsync(Ct))["balance"].AsInt32);
    }

    [Fact]
    public async Task Parallel_increments_are_all_applied()
    {
        var collection = NewCollection();
        await collection.InsertOneAsync(Doc("{_id: 'counter', n: 0}"), cancellationToken: Ct);

        await RaceAsync(200, collection.CollectionNamespace.CollectionName, (c, _) =>
            c.UpdateOneAsync("{_id: 'counter'}", "{$inc: {n: 1}}", cancellationToken: Ct));

        Assert.Equal(200, (await collection.Find("{}").SingleAsync(Ct))["n"].AsInt32);
    }

    [Fact]
    public async Task Parallel_inserts_of_the_same_unique_email_let_exactly_one_through()
    {
        var collection = NewCollection();
        await collection.Indexes.CreateOneAsync(
            new CreateIndexModel<BsonDocument>(Doc("{email: 1}"), new CreateIndexOptions { Unique = true }), cancellationToken: Ct);

        var outcomes = await RaceAsync(40, collection.CollectionNamespace.CollectionName, async (c, i) =>
        {
            try
            {
                await c.InsertOneAsync(new BsonDocument { { "attempt", i }, { "email", "same@x.io" } }, cancellationToken: Ct);
                return "inserted";
            }
            catch (MongoWriteException ex) when (ex.WriteError.Category == ServerErrorCategory.DuplicateKey)
            {
                return "duplicate";
            }
        });

        Assert.Single(outcomes, o => o == "inserted");
        Assert.Equal(39, outcomes.Count(o => o == "duplicate"));
        Assert.Equal(1, await collection.CountDocumentsAsync("{email: 'same@x.io'}", cancellationToken: Ct));
    }

    [Fact]
    public async Task Parallel_upserts_on_the_same_unique_key_create_one_document()
    {
        var collection = NewCollection();
        await collection.Indexes.CreateOneAsync(
            new CreateIndexModel<BsonDocument>(Doc("{slug: 1}"), new CreateIndexOptions { Unique = true }), cancellationToken: Ct);

        await RaceAsync(40, collection.CollectionNamespace.CollectionName, async (c, _) =>
        {
            // Two concurrent upserts may both miss and one then hits the unique index; MongoDB
            // documents that the caller retries, after which the retry matches and updates.
            for (var attempt = 0; ; attempt++)
            {
                try
                {
                    return await c.UpdateOneAsync("{slug: 'home'}", "{$inc: {hits: 1}}", new UpdateOptions { IsUpsert = true }, Ct);
                }
                catch (MongoWriteException ex) when (ex.WriteError.Category == ServerErrorCategory.DuplicateKey && attempt < 3)
                {
                }
            }
        });

        var stored = await collection.Find("{}").SingleAsync(Ct);
        Assert.Equal(40, stored["hits"].AsInt32);
    }
}
