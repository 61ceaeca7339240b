using System.Collections.Concurrent;
using BayitPlus.Testing;
using MongoDB.Bson;
using MongoDB.Bson.Serialization;
using MongoDB.Bson.Serialization.Attributes;
using MongoDB.Driver;
using MongoDB.Driver.Core.Events;
using MongoDB.Driver.Linq;

namespace BayitPlus.MongoEmulator.Tests.Conformance;

public sealed class CrudTests(MongoDatabaseFixture fixture) : ConformanceTest(fixture)
{
    private async Task<IMongoCollection<BsonDocument>> NumbersAsync(int count, string hint)
    {
        var collection = NewCollection(hint);
        await collection.InsertManyAsync(
            Enumerable.Range(0, count).Select(i => new BsonDocument { { "_id", i }, { "n", i }, { "group", i % 3 } }),
            cancellationToken: Ct);
        return collection;
    }

    [Fact]
    public async Task InsertOne_assigns_an_ObjectId_when_the_document_has_no_id()
    {
        var collection = NewCollection();
        var doc = new BsonDocument("name", "alpha");

        await collection.InsertOneAsync(doc, cancellationToken: Ct);

        var stored = await collection.Find(FilterDefinition<BsonDocument>.Empty).SingleAsync(Ct);
        Assert.Equal(BsonType.ObjectId, stored["_id"].BsonType);
        Assert.Equal(doc["_id"], stored["_id"]);
        Assert.Equal("alpha", stored["name"].AsString);
    }

    [Fact]
    public async Task Find_with_batchSize_zero_answers_an_empty_first_batch_and_an_open_cursor()
    {
        var collection = await NumbersAsync(5, "batch_zero");
        var name = collection.CollectionNamespace.CollectionName;

        var first = await Database.RunCommandAsync<BsonDocument>(Doc($"{{find: '{name}', batchSize: 0}}"), cancellationToken: Ct);
        var cursor = first["cursor"].AsBsonDocument;
        var next = await Database.RunCommandAsync<BsonDocument>(
            new BsonDocument { { "getMore", cursor["id"] }, { "collection", name } }, cancellationToken: Ct);

        Assert.Empty(cursor["firstBatch"].AsBsonArray);
        Assert.NotEqual(0L, cursor["id"].ToInt64());
        Assert.Equal(5, next["cursor"]["nextBatch"].AsBsonArray.Count);
        Assert.Equal(0L, next["cursor"]["id"].ToInt64());
    }

    [Fact]
    public async Task Ordered_InsertMany_stops_at_the_first_error()
    {
        var collection = NewCollection();

        var ex = await Assert.ThrowsAsync<MongoBulkWriteException<BsonDocument>>(() =>
            collection.InsertManyAsync(Docs("{_id: 1}", "{_id: 2}", "{_id: 2}", "{_id: 3}"), cancellationToken: Ct));

        var error = Assert.Single(ex.WriteErrors);
        Assert.Equal(2, error.Index);
        Assert.Equal(ServerErrorCategory.DuplicateKey, error.Category);
        Assert.Equal(11000, error.Code);
        Assert.Single(ex.UnprocessedRequests);
        await AssertIdsAsync(collection, FilterDefinition<BsonDocument>.Empty, 1, 2);
    }

    [Fact]
    public async Task Unordered_InsertMany_continues_past_errors()
    {
        var collection = NewCollection();

        var ex = await Assert.ThrowsAsync<MongoBulkWriteException<BsonDocument>>(() => collection.InsertManyAsync(
            Docs("{_id: 1}", "{_id: 1}", "{_id: 2}", "{_id: 2}", "{_id: 3}"),
            new InsertManyOptions { IsOrdered = false },
            Ct));

        Assert.Equal([1, 3], ex.WriteErrors.Select(e => e.Index).Order());
        Assert.All(ex.WriteErrors, e => Assert.Equal(ServerErrorCategory.DuplicateKey, e.Category));
        Assert.Equal(3, ex.Result.InsertedCount);
        await AssertIdsAsync(collection, FilterDefinition<BsonDocument>.Empty, 1, 2, 3);
    }

    [Fact]
    public async Task Find_applies_filter_sort_skip_limit_and_projection()
    {
        var collection = await NumbersAsync(10, nameof(Find_applies_filter_sort_skip_limit_and_projection));

        var found = await collection.Find("{group: {$ne: 0}}")
            .Sort("{n: -1}")
            .Skip(1)
            .Limit(3)
            .Project("{n: 1, _id: 0}")
            .ToListAsync(Ct);

        Assert.Equal([Doc("{n: 7}"), Doc("{n: 5}"), Doc("{n: 4}")], found);
    }

    [Fact]
    public async Task Find_sorts_on_several_keys()
    {
        var collection = await NumbersAsync(9, nameof(Find_sorts_on_several_keys));

        var found = await collection.Find(FilterDefinition<BsonDocument>.Empty).Sort("{group: 1, n: -1}").ToListAsync(Ct);

        Assert.Equal([6, 3, 0, 7, 4, 1, 8, 5, 2], found.Select(d => d["n"].AsInt32));
    }

    [Fact]
    public async Task Cursor_is_continued_by_getMore_in_batches_of_batchSize()
    {
        var collection = await NumbersAsync(25, nameof(Cursor_is_continued_by_getMore_in_batches_of_batchSize));

        using var cursor = await collection.FindAsync(FilterDefinition<BsonDocument>.Empty,
            new FindOptions<BsonDocument> { BatchSize = 4, Sort = Doc("{_id: 1}") }, Ct);
        var batches = new List<int>();
        var seen = new List<int>();
        while (await cursor.MoveNextAsync(Ct))
        {
            batches.Add(cursor.Current.Count());
            seen.AddRange(cursor.Current.Select(d => d["_id"].AsInt32));
        }

        Assert.Equal(Enumerable.Range(0, 25), seen);
        Assert.Equal(7, batches.Count);
        Assert.All(batches, size => Assert.InRange(size, 1, 4));
    }

    [Fact]
    public async Task Limit_is_honoured_across_getMore_batches()
    {
        var collection = await NumbersAsync(25, nameof(Limit_is_honoured_across_getMore_batches));

        var found = await collection.Find(FilterDefinition<BsonDocument>.Empty, new FindOptions { BatchSize = 3 })
            .Sort("{_id: 1}")
            .Limit(10)
            .ToListAsync(Ct);

        Assert.Equal(Enumerable.Range(0, 10), found.Select(d => d["_id"].AsInt32));
    }

    [Fact]
    public async Task Disposing_an_unfinished_cursor_kills_it_on_the_server()
    {
        var collection = await NumbersAsync(20, nameof(Disposing_an_unfinished_cursor_kills_it_on_the_server));
        // The event's reply is only valid during the callback, so it is copied out.
        var replies = new ConcurrentQueue<(string Command, BsonDocument Reply)>();
        using var client = Backend.CreateClient("BayitPlus.Tests.killCursors", s => s.ClusterConfigurator = cluster =>
            cluster.Subscribe<CommandSucceededEvent>(e =>
            {
                if (e.CommandName is "find" or "killCursors")
                {
                    replies.Enqueue((e.CommandName, BsonSerializer.Deserialize<BsonDocument>(e.Reply.ToBson())));
                }
            }));
        var watched = client.GetDatabase(Database.DatabaseNamespace.DatabaseName).GetCollection<BsonDocument>(collection.CollectionNamespace.CollectionName);

        using (var cursor = await watched.FindAsync(FilterDefinition<BsonDocument>.Empty, new FindOptions<BsonDocument> { BatchSize = 2 }, Ct))
        {
            Assert.True(await cursor.MoveNextAsync(Ct));
            Assert.Equal(2, cursor.Current.Count());
        }

        var cursorId = replies.Single(e => e.Command == "find").Reply["cursor"]["id"].AsInt64;
        Assert.True(await EventuallyAsync(() => Task.FromResult(replies.Any(e => e.Command == "killCursors")), TimeSpan.FromSeconds(10)),
            "disposing the cursor sent no killCursors");
        var killed = replies.Single(e => e.Command == "killCursors").Reply["cursorsKilled"].AsBsonArray;
        Assert.Equal(new BsonArray { cursorId }, killed);
        Assert.Equal(20, await watched.CountDocumentsAsync(FilterDefinition<BsonDocument>.Empty, cancellationToken: Ct));
    }

    [Fact]
    public async Task KillCursors_closes_a_cursor_so_getMore_fails_with_CursorNotFound()
    {
        var collection = await NumbersAsync(10, nameof(KillCursors_closes_a_cursor_so_getMore_fails_with_CursorNotFound));
        var name = collection.CollectionNamespace.CollectionName;
        using var session = await Backend.Client.StartSessionAsync(cancellationToken: Ct);

        var first = await Database.RunCommandAsync<BsonDocument>(session, Doc($"{{find: '{name}', batchSize: 2}}"), cancellationToken: Ct);
        var cursorId = first["cursor"]["id"].AsInt64;
        Assert.NotEqual(0, cursorId);
        Assert.Equal(2, first["cursor"]["firstBatch"].AsBsonArray.Count);

        var more = await Database.RunCommandAsync<BsonDocument>(session,
            new BsonDocument { { "getMore", cursorId }, { "collection", name }, { "batchSize", 3 } }, cancellationToken: Ct);
        Assert.Equal(3, more["cursor"]["nextBatch"].AsBsonArray.Count);

        var killed = await Database.RunCommandAsync<BsonDocument>(session,
            new BsonDocument { { "killCursors", name }, { "cursors", new BsonArray { cursorId } } }, cancellationToken: Ct);
        Assert.Equal(new BsonArray { cursorId }, killed["cursorsKilled"].AsBsonArray);

        var ex = await Assert.ThrowsAsync<MongoCommandException>(() => Database.RunCommandAsync<BsonDocument>(session,
            new BsonDocument { { "getMore", cursorId }, { "collection", name } }, cancellationToken: Ct));
        Assert.Equal(43, ex.Code);
    }

    [Fact]
    public async Task Dropping_the_collection_kills_its_open_cursors_with_QueryPlanKilled()
    {
        var collection = await NumbersAsync(10, nameof(Dropping_the_collection_kills_its_open_cursors_with_QueryPlanKilled));
        using var cursor = await collection.FindAsync(FilterDefinition<BsonDocument>.Empty, new FindOptions<BsonDocument> { BatchSize = 2 }, Ct);
        Assert.True(await cursor.MoveNextAsync(Ct));

        await Database.DropCollectionAsync(collection.CollectionNamespace.CollectionName, Ct);
        var ex = await Assert.ThrowsAnyAsync<MongoCommandException>(() => cursor.MoveNextAsync(Ct));

        Assert.Equal(175, ex.Code);
        Assert.Contains("collection dropped", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Find_projection_supports_inclusion_exclusion_and_nested_paths()
    {
        var collection = NewCollection();
        await collection.InsertOneAsync(Doc("{_id: 1, name: 'a', size: {h: 10, w: 15}, tags: ['x', 'y']}"), cancellationToken: Ct);

        Assert.Equal(Doc("{_id: 1, name: 'a'}"), await collection.Find("{}").Project("{name: 1}").SingleAsync(Ct));
        Assert.Equal(Doc("{name: 'a', size: {h: 10, w: 15}}"), await collection.Find("{}").Project("{tags: 0, _id: 0}").SingleAsync(Ct));
        Assert.Equal(Doc("{_id: 1, size: {h: 10}}"), await collection.Find("{}").Project("{'size.h': 1}").SingleAsync(Ct));
    }

    [Fact]
    public async Task Find_projection_supports_slice_and_elemMatch()
    {
        var collection = NewCollection();
        await collection.InsertOneAsync(
            Doc("{_id: 1, name: 'a', tags: ['t0', 't1', 't2', 't3'], items: [{k: 'x', v: 1}, {k: 'y', v: 5}, {k: 'z', v: 9}]}"),
            cancellationToken: Ct);

        var first2 = await collection.Find("{}").Project("{tags: {$slice: 2}}").SingleAsync(Ct);
        Assert.Equal(new BsonArray { "t0", "t1" }, first2["tags"]);
        Assert.Equal("a", first2["name"].AsString);
        Assert.Equal(3, first2["items"].AsBsonArray.Count);

        var last1 = await collection.Find("{}").Project("{tags: {$slice: -1}, _id: 0, name: 0, items: 0}").SingleAsync(Ct);
        Assert.Equal(Doc("{tags: ['t3']}"), last1);

        var skipTake = await collection.Find("{}").Project("{tags: {$slice: [1, 2]}}").SingleAsync(Ct);
        Assert.Equal(new BsonArray { "t1", "t2" }, skipTake["tags"]);

        var matched = await collection.Find("{}").Project("{items: {$elemMatch: {v: {$gt: 3}}}}").SingleAsync(Ct);
        Assert.Equal(Doc("{_id: 1, items: [{k: 'y', v: 5}]}"), matched);
    }

    [Fact]
    public async Task ReplaceOne_keeps_the_id_and_replaces_every_other_field()
    {
        var collection = NewCollection();
        await collection.InsertOneAsync(Doc("{_id: 1, a: 1, b: 2}"), cancellationToken: Ct);

        var result = await collection.ReplaceOneAsync("{a: 1}", Doc("{c: 3}"), cancellationToken: Ct);

        Assert.Equal(1, result.MatchedCount);
        Assert.Equal(1, result.ModifiedCount);
        Assert.Equal(Doc("{_id: 1, c: 3}"), await collection.Find("{}").SingleAsync(Ct));
    }

    [Fact]
    public async Task ReplaceOne_with_upsert_inserts_when_nothing_matches()
    {
        var collection = NewCollection();

        var result = await collection.ReplaceOneAsync("{_id: 7}", Doc("{c: 3}"), new ReplaceOptions { IsUpsert = true }, Ct);

        Assert.Equal(0, result.MatchedCount);
        Assert.Equal(new BsonInt32(7), result.UpsertedId);
        Assert.Equal(Doc("{_id: 7, c: 3}"), await collection.Find("{}").SingleAsync(Ct));
    }

    [Fact]
    public async Task DeleteOne_and_DeleteMany_remove_matching_documents()
    {
        var collection = await NumbersAsync(9, nameof(DeleteOne_and_DeleteMany_remove_matching_documents));

        var one = await collection.DeleteOneAsync("{group: 1}", Ct);
        var many = await collection.DeleteManyAsync("{group: 2}", Ct);
        var none = await collection.DeleteOneAsync("{group: 5}", Ct);

        Assert.Equal(1, one.DeletedCount);
        Assert.Equal(3, many.DeletedCount);
        Assert.Equal(0, none.DeletedCount);
        Assert.Equal(5, await collection.CountDocumentsAsync("{}", cancellationToken: Ct));
    }

    [Fact]
    public async Task Counts_honour_filter_skip_and_limit()
    {
        var collection = await NumbersAsync(10, nameof(Counts_honour_filter_skip_and_limit));

        Assert.Equal(4, await collection.CountDocumentsAsync("{group: 0}", cancellationToken: Ct));
        Assert.Equal(3, await collection.CountDocumentsAsync("{n: {$gte: 2}}", new CountOptions { Skip = 2, Limit = 3 }, Ct));
        Assert.Equal(10, await collection.EstimatedDocumentCountAsync(cancellationToken: Ct));

        var count = await Database.RunCommandAsync<BsonDocument>(
            Doc($"{{count: '{collection.CollectionNamespace.CollectionName}', query: {{group: 1}}}}"), cancellationToken: Ct);
        Assert.Equal(3, count["n"].ToInt32());
    }

    [Fact]
    public async Task Distinct_unwinds_arrays_and_honours_the_filter()
    {
        var collection = NewCollection();
        await collection.InsertManyAsync(Docs(
            "{_id: 1, tags: ['a', 'b'], kind: 'x'}",
            "{_id: 2, tags: ['b', 'c'], kind: 'x'}",
            "{_id: 3, tags: 'd', kind: 'y'}",
            "{_id: 4, kind: 'y'}"), cancellationToken: Ct);

        var all = await (await collection.DistinctAsync<string>("tags", "{}", cancellationToken: Ct)).ToListAsync(Ct);
        var ofX = await (await collection.DistinctAsync<string>("tags", "{kind: 'x'}", cancellationToken: Ct)).ToListAsync(Ct);

        Assert.Equal(["a", "b", "c", "d"], all.Order());
        Assert.Equal(["a", "b", "c"], ofX.Order());
    }

    [Fact]
    public async Task Typed_collections_round_trip_pocos_and_translate_linq()
    {
        var collection = Fixture.NewCollection<Listing>();
        var created = new DateTime(2024, 5, 1, 12, 0, 0, DateTimeKind.Utc);
        await collection.InsertManyAsync(
        [
            new Listing { Title = "Flat", Price = 120, Tags = ["garden", "sunny"], CreatedAt = created, Address = new Address { City = "Haifa" } },
            new Listing { Title = "Loft", Price = 300, Tags = ["garden"], CreatedAt = created, Address = new Address { City = "Tel Aviv" } },
            new Listing { Title = "Room", Price = 80, Tags = ["garden"], CreatedAt = created },
        ], cancellationToken: Ct);

        var viaFind = await collection.Find(l => l.Price > 100 && l.Tags.Contains("garden")).SortBy(l => l.Price).ToListAsync(Ct);
        var viaLinq = await collection.AsQueryable().Where(l => l.Address != null && l.Address.City == "Tel Aviv").ToListAsync(Ct);

        Assert.Equal(["Flat", "Loft"], viaFind.Select(l => l.Title));
        Assert.Equal(created, viaFind[0].CreatedAt);
        Assert.Equal(["garden", "sunny"], viaFind[0].Tags);
        Assert.NotEqual(ObjectId.Empty, viaFind[0].Id);
        Assert.Equal("Loft", Assert.Single(viaLinq).Title);
    }

    private sealed class Listing
    {
        public ObjectId Id { get; set; }

        [BsonElement("title")]
        public string Title { get; set; } = "";

        [BsonElement("price")]
        public int Price { get; set; }

        [BsonElement("tags")]
        public List<string> Tags { get; set; } = [];

        [BsonElement("created_at")]
        [BsonDateTimeOptions(Kind = DateTimeKind.Utc)]
        public DateTime CreatedAt { get; set; }

        [BsonElement("address")]
        [BsonIgnoreIfNull]
        public Address? Address { get; set; }
    }

    private sealed class Address
    {
        [BsonElement("city")]
        public string City { get; set; } = "";
    }
}
