using BayitPlus.Testing;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.MongoEmulator.Tests.Conformance;

public sealed class ChangeStreamTests(MongoDatabaseFixture fixture) : ConformanceTest(fixture)
{
    private static readonly TimeSpan EventTimeout = TimeSpan.FromSeconds(15);

    private static ChangeStreamOptions Options(BsonDocument? resumeAfter = null) => new()
    {
        FullDocument = ChangeStreamFullDocumentOption.UpdateLookup,
        MaxAwaitTime = TimeSpan.FromMilliseconds(300),
        ResumeAfter = resumeAfter,
    };

    private async Task<IMongoCollection<BsonDocument>> CreatedCollectionAsync(string hint)
    {
        var name = Fixture.NewCollectionName(hint);
        await Database.CreateCollectionAsync(name, cancellationToken: Ct);
        return Database.GetCollection<BsonDocument>(name);
    }

    /// <summary>Reads the next event, waiting (bounded) through empty getMore batches.</summary>
    private static async Task<ChangeStreamDocument<BsonDocument>> NextAsync(IChangeStreamCursor<ChangeStreamDocument<BsonDocument>> cursor, Queue<ChangeStreamDocument<BsonDocument>> buffered)
    {
        var until = DateTime.UtcNow + EventTimeout;
        while (buffered.Count == 0)
        {
            Assert.True(DateTime.UtcNow < until, $"no change event within {EventTimeout}");
            Assert.True(await cursor.MoveNextAsync(Ct), "the change stream ended");
            foreach (var change in cursor.Current)
            {
                buffered.Enqueue(change);
            }
        }

        return buffered.Dequeue();
    }

    [Fact]
    public async Task Watch_sees_insert_update_replace_and_delete_in_order()
    {
        var collection = await CreatedCollectionAsync("watch");
        using var cursor = await collection.WatchAsync(Options(), Ct);
        var buffered = new Queue<ChangeStreamDocument<BsonDocument>>();

        await collection.InsertOneAsync(Doc("{_id: 1, name: 'a', n: 1}"), cancellationToken: Ct);
        var insert = await NextAsync(cursor, buffered);
        await collection.UpdateOneAsync("{_id: 1}", "{$set: {name: 'b'}, $unset: {n: ''}}", cancellationToken: Ct);
        var update = await NextAsync(cursor, buffered);
        await collection.ReplaceOneAsync("{_id: 1}", Doc("{name: 'c'}"), cancellationToken: Ct);
        var replace = await NextAsync(cursor, buffered);
        await collection.DeleteOneAsync("{_id: 1}", Ct);
        var delete = await NextAsync(cursor, buffered);

        var events = new[] { insert, update, replace, delete };
        Assert.Equal(
            [ChangeStreamOperationType.Insert, ChangeStreamOperationType.Update, ChangeStreamOperationType.Replace, ChangeStreamOperationType.Delete],
            events.Select(e => e.OperationType));
        Assert.All(events, e =>
        {
            Assert.Equal(Doc("{_id: 1}"), e.DocumentKey);
            Assert.Equal(collection.CollectionNamespace, e.CollectionNamespace);
            Assert.NotNull(e.ResumeToken);
        });
        Assert.Equal(Doc("{_id: 1, name: 'a', n: 1}"), insert.FullDocument);
        Assert.Equal(Doc("{name: 'b'}"), update.UpdateDescription.UpdatedFields);
        Assert.Equal(["n"], update.UpdateDescription.RemovedFields);
        Assert.Equal(Doc("{_id: 1, name: 'b'}"), update.FullDocument);
        Assert.Equal(Doc("{_id: 1, name: 'c'}"), replace.FullDocument);
        Assert.Null(delete.FullDocument);
    }

    [Fact]
    public async Task A_stream_whose_session_is_killed_resumes_without_losing_an_event()
    {
        var collection = await CreatedCollectionAsync("killed");
        using var session = await Backend.Client.StartSessionAsync(cancellationToken: Ct);
        using var cursor = await collection.WatchAsync(session, Options(), Ct);
        var buffered = new Queue<ChangeStreamDocument<BsonDocument>>();
        await collection.InsertOneAsync(Doc("{_id: 1}"), cancellationToken: Ct);
        Assert.Equal(Doc("{_id: 1}"), (await NextAsync(cursor, buffered)).DocumentKey);

        // The server kills the stream's cursor; the driver's next getMore meets a resumable error
        // and reopens the stream after the last event it saw.
        await Backend.Client.GetDatabase("admin").RunCommandAsync<BsonDocument>(
            new BsonDocument("killSessions", new BsonArray { session.ServerSession.Id }), cancellationToken: Ct);
        await collection.InsertManyAsync(Docs("{_id: 2}", "{_id: 3}"), cancellationToken: Ct);

        Assert.Equal(Doc("{_id: 2}"), (await NextAsync(cursor, buffered)).DocumentKey);
        Assert.Equal(Doc("{_id: 3}"), (await NextAsync(cursor, buffered)).DocumentKey);
    }

    [Fact]
    public async Task KillSessions_closes_the_sessions_cursors()
    {
        var collection = await CreatedCollectionAsync("killcursor");
        await collection.InsertManyAsync(Docs("{_id: 1}", "{_id: 2}", "{_id: 3}"), cancellationToken: Ct);
        using var session = await Backend.Client.StartSessionAsync(cancellationToken: Ct);
        using var cursor = await collection.FindAsync(session, FilterDefinition<BsonDocument>.Empty, new FindOptions<BsonDocument> { BatchSize = 1 }, Ct);
        Assert.True(await cursor.MoveNextAsync(Ct));

        await Backend.Client.GetDatabase("admin").RunCommandAsync<BsonDocument>(
            new BsonDocument("killSessions", new BsonArray { session.ServerSession.Id }), cancellationToken: Ct);

        await Assert.ThrowsAsync<MongoCursorNotFoundException>(() => cursor.MoveNextAsync(Ct));
    }

    [Fact]
    public async Task KillSessions_aborts_the_sessions_open_transaction()
    {
        var collection = await CreatedCollectionAsync("killtxn");
        using var session = await Backend.Client.StartSessionAsync(cancellationToken: Ct);
        session.StartTransaction();
        await collection.InsertOneAsync(session, Doc("{_id: 1}"), cancellationToken: Ct);

        await Backend.Client.GetDatabase("admin").RunCommandAsync<BsonDocument>(
            new BsonDocument("killSessions", new BsonArray { session.ServerSession.Id }), cancellationToken: Ct);

        var commit = await Assert.ThrowsAnyAsync<MongoException>(() => session.CommitTransactionAsync(Ct));
        Assert.Contains("TransientTransactionError", (commit as MongoCommandException)?.ErrorLabels ?? []);
        Assert.Equal(0, await collection.CountDocumentsAsync(FilterDefinition<BsonDocument>.Empty, cancellationToken: Ct));
    }

    [Fact]
    public async Task ResumeAfter_continues_with_the_events_after_the_token()
    {
        var collection = await CreatedCollectionAsync("resume");
        BsonDocument token;
        using (var cursor = await collection.WatchAsync(Options(), Ct))
        {
            var buffered = new Queue<ChangeStreamDocument<BsonDocument>>();
            await collection.InsertManyAsync(Docs("{_id: 1}", "{_id: 2}"), cancellationToken: Ct);
            await collection.UpdateOneAsync("{_id: 1}", "{$set: {x: 1}}", cancellationToken: Ct);
            await collection.DeleteOneAsync("{_id: 2}", Ct);
            await NextAsync(cursor, buffered);
            token = (await NextAsync(cursor, buffered)).ResumeToken;
        }

        using var resumed = await collection.WatchAsync(Options(resumeAfter: token), Ct);
        var resumedBuffer = new Queue<ChangeStreamDocument<BsonDocument>>();
        var third = await NextAsync(resumed, resumedBuffer);
        var fourth = await NextAsync(resumed, resumedBuffer);

        Assert.Equal((ChangeStreamOperationType.Update, Doc("{_id: 1}")), (third.OperationType, third.DocumentKey));
        Assert.Equal(Doc("{_id: 1, x: 1}"), third.FullDocument);
        Assert.Equal((ChangeStreamOperationType.Delete, Doc("{_id: 2}")), (fourth.OperationType, fourth.DocumentKey));
    }

    [Fact]
    public async Task Watch_with_a_match_stage_filters_events()
    {
        var collection = await CreatedCollectionAsync("watch_match");
        var pipeline = new EmptyPipelineDefinition<ChangeStreamDocument<BsonDocument>>()
            .Match(Doc("{operationType: 'insert', 'fullDocument.kind': 'keep'}"));
        using var cursor = await collection.WatchAsync(pipeline, Options(), Ct);
        var buffered = new Queue<ChangeStreamDocument<BsonDocument>>();

        await collection.InsertManyAsync(Docs("{_id: 1, kind: 'skip'}", "{_id: 2, kind: 'keep'}"), cancellationToken: Ct);
        await collection.DeleteOneAsync("{_id: 2}", Ct);
        await collection.InsertOneAsync(Doc("{_id: 3, kind: 'keep'}"), cancellationToken: Ct);

        Assert.Equal(Doc("{_id: 2}"), (await NextAsync(cursor, buffered)).DocumentKey);
        Assert.Equal(Doc("{_id: 3}"), (await NextAsync(cursor, buffered)).DocumentKey);
    }
}
