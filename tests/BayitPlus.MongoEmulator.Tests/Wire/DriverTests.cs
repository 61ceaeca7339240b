using BayitPlus.MongoEmulator.Bson;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.MongoEmulator.Tests.Wire;

public sealed class DriverTests
{
    [Fact]
    public async Task Driver_pings_through_the_replica_set_connection_string()
    {
        var executor = new FakeExecutor();
        await using var server = await FakeExecutor.StartServerAsync(executor);
        using var client = Connect(server.ConnectionString);

        var reply = await Ping(client);

        Assert.Equal(1.0, reply["ok"].ToDouble());
        Assert.Contains(executor.Received, r => r.Database == "admin" && r.Command.GetElement(0).Name == "ping");
        Assert.Equal($"mongodb://127.0.0.1:{server.Port}/?replicaSet=rs0", server.ConnectionString);
    }

    [Fact]
    public async Task Driver_pings_through_a_direct_connection()
    {
        await using var server = await FakeExecutor.StartServerAsync(new FakeExecutor());
        using var client = Connect(server.DirectConnectionString);

        Assert.Equal(1.0, (await Ping(client))["ok"].ToDouble());
    }

    [Fact]
    public async Task InsertMany_reaches_the_executor_with_its_document_sequence_folded_into_the_body()
    {
        var executor = new FakeExecutor();
        await using var server = await FakeExecutor.StartServerAsync(executor);
        using var client = Connect(server.ConnectionString);
        var items = client.GetDatabase("shop").GetCollection<BsonDocument>("items");

        await items.InsertManyAsync(
            [new BsonDocument("_id", 1), new BsonDocument("_id", 2), new BsonDocument("_id", 3)],
            cancellationToken: TestContext.Current.CancellationToken);

        var (database, command, _) = Assert.Single(executor.Received, r => r.Command.GetElement(0).Name == "insert");
        Assert.Equal("shop", database);
        Assert.Equal("items", command["insert"].AsString);
        Assert.Equal(new BsonArray { 1, 2, 3 }, new BsonArray(command["documents"].AsBsonArray.Select(d => d["_id"])));
    }

    [Fact]
    public async Task An_unexpected_executor_exception_becomes_an_InternalError_reply()
    {
        await using var server = await FakeExecutor.StartServerAsync(new FakeExecutor());
        using var client = Connect(server.ConnectionString);

        var ex = await Assert.ThrowsAsync<MongoCommandException>(() => RunAsync(client, new BsonDocument("throw", 1)));

        Assert.Equal(ErrorCodes.InternalError, ex.Code);
        Assert.Equal("InternalError", ex.CodeName);
        Assert.Contains("executor exploded", ex.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal(1.0, (await Ping(client))["ok"].ToDouble());
    }

    [Fact]
    public async Task A_MongoErrorException_keeps_its_code()
    {
        await using var server = await FakeExecutor.StartServerAsync(new FakeExecutor());
        using var client = Connect(server.ConnectionString);

        var ex = await Assert.ThrowsAsync<MongoCommandException>(() => RunAsync(client, new BsonDocument("fail", 1)));

        Assert.Equal(ErrorCodes.BadValue, ex.Code);
        Assert.Equal("BadValue", ex.CodeName);
        Assert.Equal("fail was asked for", ex.ErrorMessage);
    }

    [Fact]
    public async Task An_oversized_reply_becomes_an_error_and_the_connection_carries_on()
    {
        await using var server = await FakeExecutor.StartServerAsync(new FakeExecutor());
        using var client = Connect(server.DirectConnectionString);

        var ex = await Assert.ThrowsAsync<MongoCommandException>(() => RunAsync(client, new BsonDocument("huge", 1)));

        Assert.Equal(ErrorCodes.InternalError, ex.Code);
        Assert.Equal(1.0, (await Ping(client))["ok"].ToDouble());
    }

    [Fact]
    public async Task Many_clients_work_at_once()
    {
        var executor = new FakeExecutor();
        await using var server = await FakeExecutor.StartServerAsync(executor);
        var clients = Enumerable.Range(0, 6).Select(_ => Connect(server.ConnectionString)).ToList();
        try
        {
            await Task.WhenAll(clients.SelectMany(c => Enumerable.Range(0, 20).Select(i => RunAsync(c, new BsonDocument("echo", i)))));

            Assert.Equal(120, executor.Received.Count(r => r.Command.GetElement(0).Name == "echo"));
            Assert.True(executor.Received.Select(r => r.ConnectionId).Distinct().Count() > 1);
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }
    }

    [Fact]
    public async Task Driver_unacknowledged_writes_run_without_a_reply()
    {
        var executor = new FakeExecutor();
        await using var server = await FakeExecutor.StartServerAsync(executor);
        var settings = MongoClientSettings.FromConnectionString(server.DirectConnectionString);
        settings.MaxConnectionPoolSize = 1;
        using var client = new MongoClient(settings);
        var items = client.GetDatabase("shop").GetCollection<BsonDocument>("items").WithWriteConcern(WriteConcern.Unacknowledged);

        await items.InsertOneAsync(new BsonDocument("_id", 7), cancellationToken: TestContext.Current.CancellationToken);
        await Ping(client);

        Assert.Contains(executor.Received, r => r.Command.GetElement(0).Name == "insert");
    }

    [Fact]
    public async Task The_public_server_answers_the_driver_through_the_real_engine()
    {
        await using var server = await MongoEmulatorServer.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        using var client = Connect(server.ConnectionString);

        Assert.Equal(1.0, (await Ping(client))["ok"].ToDouble());
    }

    private static MongoClient Connect(string connectionString)
    {
        var settings = MongoClientSettings.FromConnectionString(connectionString);
        settings.ServerSelectionTimeout = TimeSpan.FromSeconds(5);
        settings.ConnectTimeout = TimeSpan.FromSeconds(5);
        settings.SocketTimeout = TimeSpan.FromSeconds(5);
        return new MongoClient(settings);
    }

    private static Task<BsonDocument> Ping(MongoClient client) => RunAsync(client, new BsonDocument("ping", 1));

    private static Task<BsonDocument> RunAsync(MongoClient client, BsonDocument command) =>
        client.GetDatabase("admin").RunCommandAsync<BsonDocument>(command, cancellationToken: TestContext.Current.CancellationToken);
}
