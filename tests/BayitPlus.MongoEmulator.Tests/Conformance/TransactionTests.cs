using BayitPlus.Testing;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.MongoEmulator.Tests.Conformance;

public sealed class TransactionTests(MongoDatabaseFixture fixture) : ConformanceTest(fixture)
{
    private static readonly TimeSpan SignalTimeout = TimeSpan.FromSeconds(20);

    /// <summary>A collection that exists before any transaction touches it (creating collections
    /// inside a transaction is a separate feature).</summary>
    private async Task<IMongoCollection<BsonDocument>> CreatedCollectionAsync(string hint)
    {
        var name = Fixture.NewCollectionName(hint);
        await Database.CreateCollectionAsync(name, cancellationToken: Ct);
        return Database.GetCollection<BsonDocument>(name);
    }

    [Fact]
    public async Task WithTransaction_commits_every_write_together()
    {
        var collection = await CreatedCollectionAsync("txn_commit");
        await collection.InsertOneAsync(Doc("{_id: 'a', balance: 50}"), cancellationToken: Ct);
        using var session = await Backend.Client.StartSessionAsync(cancellationToken: Ct);

        await session.WithTransactionAsync(async (s, ct) =>
        {
            await collection.UpdateOneAsync(s, "{_id: 'a'}", "{$inc: {balance: -20}}", cancellationToken: ct);
            await collection.InsertOneAsync(s, Doc("{_id: 'b', balance: 20}"), cancellationToken: ct);
            return true;
        }, cancellationToken: Ct);

        var stored = await collection.Find("{}").Sort("{_id: 1}").ToListAsync(Ct);
        Assert.Equal([Doc("{_id: 'a', balance: 30}"), Doc("{_id: 'b', balance: 20}")], stored);
    }

    [Fact]
    public async Task Uncommitted_writes_are_visible_inside_the_transaction_only()
    {
        var collection = await CreatedCollectionAsync("txn_isolation");
        using var session = await Backend.Client.StartSessionAsync(cancellationToken: Ct);

        session.StartTransaction();
        await collection.InsertOneAsync(session, Doc("{_id: 1}"), cancellationToken: Ct);
        var inside = await collection.CountDocumentsAsync(session, "{}", cancellationToken: Ct);
        var outside = await collection.CountDocumentsAsync("{}", cancellationToken: Ct);
        await session.CommitTransactionAsync(Ct);
        var afterCommit = await collection.CountDocumentsAsync("{}", cancellationToken: Ct);

        Assert.Equal((1L, 0L, 1L), (inside, outside, afterCommit));
    }

    [Fact]
    public async Task Aborted_writes_vanish()
    {
        var collection = await CreatedCollectionAsync("txn_abort");
        await collection.InsertOneAsync(Doc("{_id: 'kept', n: 1}"), cancellationToken: Ct);
        using var session = await Backend.Client.StartSessionAsync(cancellationToken: Ct);

        session.StartTransaction();
        await collection.InsertOneAsync(session, Doc("{_id: 'new'}"), cancellationToken: Ct);
        await collection.UpdateOneAsync(session, "{_id: 'kept'}", "{$set: {n: 99}}", cancellationToken: Ct);
        await collection.DeleteOneAsync(session, "{_id: 'kept'}", cancellationToken: Ct);
        await session.AbortTransactionAsync(Ct);

        Assert.Equal([Doc("{_id: 'kept', n: 1}")], await collection.Find("{}").ToListAsync(Ct));
    }

    [Fact]
    public async Task Second_writer_of_a_document_gets_a_transient_WriteConflict()
    {
        var collection = await CreatedCollectionAsync("txn_conflict");
        await collection.InsertOneAsync(Doc("{_id: 'doc', n: 0}"), cancellationToken: Ct);
        using var first = await Backend.Client.StartSessionAsync(cancellationToken: Ct);
        using var second = await Backend.Client.StartSessionAsync(cancellationToken: Ct);

        first.StartTransaction();
        second.StartTransaction();
        await collection.UpdateOneAsync(first, "{_id: 'doc'}", "{$inc: {n: 1}}", cancellationToken: Ct);
        var ex = await Assert.ThrowsAsync<MongoCommandException>(() =>
            collection.UpdateOneAsync(second, "{_id: 'doc'}", "{$inc: {n: 10}}", cancellationToken: Ct));
        await second.AbortTransactionAsync(Ct);
        await first.CommitTransactionAsync(Ct);

        Assert.Equal(112, ex.Code);
        Assert.True(ex.HasErrorLabel("TransientTransactionError"), "WriteConflict carries the TransientTransactionError label");
        Assert.Equal(1, (await collection.Find("{}").SingleAsync(Ct))["n"].AsInt32);
    }

    [Fact]
    public async Task WithTransaction_retries_a_conflicting_transaction_so_both_increments_land_once()
    {
        var collection = await CreatedCollectionAsync("txn_retry");
        await collection.InsertOneAsync(Doc("{_id: 'doc', n: 0, log: []}"), cancellationToken: Ct);
        using var sessionA = await Backend.Client.StartSessionAsync(cancellationToken: Ct);
        using var sessionB = await Backend.Client.StartSessionAsync(cancellationToken: Ct);
        var aWrote = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var bRetried = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var attemptsA = 0;
        var attemptsB = 0;

        var taskA = sessionA.WithTransactionAsync(async (s, ct) =>
        {
            var attempt = Interlocked.Increment(ref attemptsA);
            await collection.UpdateOneAsync(s, "{_id: 'doc'}", "{$inc: {n: 1}, $push: {log: 'A'}}", cancellationToken: ct);
            if (attempt == 1)
            {
                // Hold A open until B has failed once and been retried by the driver.
                aWrote.TrySetResult();
                await bRetried.Task.WaitAsync(SignalTimeout, ct);
            }

            return true;
        }, cancellationToken: Ct);
        await aWrote.Task.WaitAsync(SignalTimeout, Ct);
        var taskB = sessionB.WithTransactionAsync(async (s, ct) =>
        {
            if (Interlocked.Increment(ref attemptsB) == 2)
            {
                bRetried.TrySetResult();
            }

            await collection.UpdateOneAsync(s, "{_id: 'doc'}", "{$inc: {n: 1}, $push: {log: 'B'}}", cancellationToken: ct);
            return true;
        }, cancellationToken: Ct);
        await Task.WhenAll(taskA, taskB);

        var stored = await collection.Find("{}").SingleAsync(Ct);
        Assert.Equal(2, stored["n"].AsInt32);
        Assert.Equal(new BsonArray { "A", "B" }, stored["log"]);
        Assert.Equal(1, attemptsA);
        Assert.True(attemptsB >= 2, $"B should have been retried after its WriteConflict, attempts: {attemptsB}");
    }

    [Fact]
    public async Task Unique_violation_inside_a_transaction_aborts_it()
    {
        var collection = await CreatedCollectionAsync("txn_dup");
        await collection.InsertOneAsync(Doc("{_id: 1}"), cancellationToken: Ct);
        using var session = await Backend.Client.StartSessionAsync(cancellationToken: Ct);

        session.StartTransaction();
        await collection.InsertOneAsync(session, Doc("{_id: 2}"), cancellationToken: Ct);
        var ex = await Assert.ThrowsAsync<MongoWriteException>(() => collection.InsertOneAsync(session, Doc("{_id: 1}"), cancellationToken: Ct));
        await session.AbortTransactionAsync(Ct);

        Assert.Equal(ServerErrorCategory.DuplicateKey, ex.WriteError.Category);
        await AssertIdsAsync(collection, "{}", 1);
    }
}
