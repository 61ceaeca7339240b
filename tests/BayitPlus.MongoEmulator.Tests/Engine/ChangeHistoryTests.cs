using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.MongoEmulator.Tests.Engine;

/// <summary>The change history's size (<see cref="MongoEmulatorOptions.ChangeHistoryEntries"/>, the
/// emulator's oplog): a stream that falls behind it fails as on MongoDB, never skips events. Not a
/// conformance test: a real server's oplog is far too large to outrun in a test.</summary>
public sealed class ChangeHistoryTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_live_stream_that_falls_behind_the_history_fails_with_ChangeStreamHistoryLost()
    {
        await using var server = await MongoEmulatorServer.StartAsync(new MongoEmulatorOptions { ChangeHistoryEntries = 10 }, Ct);
        using var client = new MongoClient(server.ConnectionString);
        var collection = client.GetDatabase("history").GetCollection<BsonDocument>("events");
        using var stream = await collection.WatchAsync(new ChangeStreamOptions { MaxAwaitTime = TimeSpan.FromMilliseconds(100) }, Ct);
        await collection.InsertOneAsync(new BsonDocument("n", 0), cancellationToken: Ct);
        while (!(await stream.MoveNextAsync(Ct) && stream.Current.Any()))
        {
        }

        await collection.InsertManyAsync(Enumerable.Range(1, 20).Select(n => new BsonDocument("n", n)), cancellationToken: Ct);

        var lost = await Assert.ThrowsAsync<MongoCommandException>(async () =>
        {
            while (true)
            {
                await stream.MoveNextAsync(Ct);
            }
        });
        Assert.Equal(286, lost.Code);
    }

    [Fact]
    public async Task Resuming_from_before_the_history_fails_with_ChangeStreamHistoryLost()
    {
        await using var server = await MongoEmulatorServer.StartAsync(new MongoEmulatorOptions { ChangeHistoryEntries = 10 }, Ct);
        using var client = new MongoClient(server.ConnectionString);
        var collection = client.GetDatabase("history").GetCollection<BsonDocument>("events");
        BsonDocument token;
        using (var stream = await collection.WatchAsync(new ChangeStreamOptions { MaxAwaitTime = TimeSpan.FromMilliseconds(100) }, Ct))
        {
            await collection.InsertOneAsync(new BsonDocument("n", 0), cancellationToken: Ct);
            while (!(await stream.MoveNextAsync(Ct) && stream.Current.Any()))
            {
            }

            token = stream.Current.Last().ResumeToken;
        }

        await collection.InsertManyAsync(Enumerable.Range(1, 20).Select(n => new BsonDocument("n", n)), cancellationToken: Ct);

        var lost = await Assert.ThrowsAsync<MongoCommandException>(() => collection.WatchAsync(new ChangeStreamOptions { ResumeAfter = token }, Ct));
        Assert.Equal(286, lost.Code);
    }
}
