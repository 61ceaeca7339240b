using BayitPlus.Testing;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.MongoEmulator.Tests.Conformance;

public sealed class ConnectionTests(MongoDatabaseFixture fixture) : ConformanceTest(fixture)
{
    [Fact]
    public async Task Direct_connection_string_reaches_the_same_data()
    {
        Assert.SkipWhen(Backend.DirectConnectionString is null, "the backend offers no separate direct connection string");
        var collection = NewCollection();
        await collection.InsertOneAsync(Doc("{_id: 1, via: 'replica set'}"), cancellationToken: Ct);

        using var direct = new MongoClient(Backend.DirectConnectionString);
        var viaDirect = direct.GetDatabase(Database.DatabaseNamespace.DatabaseName).GetCollection<BsonDocument>(collection.CollectionNamespace.CollectionName);
        await viaDirect.InsertOneAsync(Doc("{_id: 2, via: 'direct'}"), cancellationToken: Ct);

        await AssertIdsAsync(viaDirect, "{}", 1, 2);
        await AssertIdsAsync(collection, "{}", 1, 2);
    }

    [Fact]
    public async Task Many_clients_work_at_the_same_time()
    {
        var collection = NewCollection();
        var clients = Enumerable.Range(0, 5).Select(i => Backend.CreateClient($"BayitPlus.Tests.many{i}")).ToArray();
        try
        {
            await Task.WhenAll(clients.Select((client, i) => client
                .GetDatabase(Database.DatabaseNamespace.DatabaseName)
                .GetCollection<BsonDocument>(collection.CollectionNamespace.CollectionName)
                .InsertManyAsync(Enumerable.Range(0, 20).Select(j => new BsonDocument("_id", i * 100 + j)), cancellationToken: Ct)));
        }
        finally
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }
        }

        Assert.Equal(100, await collection.CountDocumentsAsync("{}", cancellationToken: Ct));
    }
}
