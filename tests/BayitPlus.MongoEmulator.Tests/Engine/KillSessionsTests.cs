using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.MongoEmulator.Tests.Engine;

/// <summary><c>killSessions</c> on an emulator of its own: on a shared server, killing every session
/// would kill other tests' work.</summary>
public sealed class KillSessionsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>An empty list names the caller's own sessions, which without users are all of them.</summary>
    [Fact]
    public async Task An_empty_killSessions_aborts_every_sessions_transaction()
    {
        await using var server = await MongoEmulatorServer.StartAsync(cancellationToken: Ct);
        using var client = new MongoClient(server.ConnectionString);
        var collection = client.GetDatabase("db").GetCollection<BsonDocument>("coll");
        await collection.InsertOneAsync(new BsonDocument("_id", 0), cancellationToken: Ct);
        using var session = await client.StartSessionAsync(cancellationToken: Ct);
        session.StartTransaction();
        await collection.InsertOneAsync(session, new BsonDocument("_id", 1), cancellationToken: Ct);

        await client.GetDatabase("admin").RunCommandAsync<BsonDocument>(BsonDocument.Parse("{killSessions: []}"), cancellationToken: Ct);

        var aborted = await Assert.ThrowsAsync<MongoCommandException>(() => session.CommitTransactionAsync(Ct));
        Assert.Equal(251, aborted.Code);
        Assert.Equal(1, await collection.CountDocumentsAsync("{}", cancellationToken: Ct));
    }
}
