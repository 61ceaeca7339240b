using BayitPlus.Testing;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.MongoEmulator.Tests.Conformance;

public sealed class IndexTests(MongoDatabaseFixture fixture) : ConformanceTest(fixture)
{
    private static CreateIndexModel<BsonDocument> Index(string keys, CreateIndexOptions<BsonDocument>? options = null) => new(Doc(keys), options);

    private static async Task<Dictionary<string, BsonDocument>> ListIndexesAsync(IMongoCollection<BsonDocument> collection)
    {
        using var cursor = await collection.Indexes.ListAsync(Ct);
        return (await cursor.ToListAsync(Ct)).ToDictionary(i => i["name"].AsString);
    }

    private static async Task<MongoWriteException> AssertDuplicateKeyAsync(Func<Task> write)
    {
        var ex = await Assert.ThrowsAsync<MongoWriteException>(write);
        Assert.Equal(ServerErrorCategory.DuplicateKey, ex.WriteError.Category);
        Assert.Equal(11000, ex.WriteError.Code);
        Assert.Contains("E11000", ex.WriteError.Message, StringComparison.Ordinal);
        return ex;
    }

    [Fact]
    public async Task CreateIndexes_and_ListIndexes_report_names_keys_and_options()
    {
        var collection = NewCollection();

        var names = await collection.Indexes.CreateManyAsync(
        [
            Index("{a: 1, b: -1}"),
            Index("{email: 1}", new CreateIndexOptions<BsonDocument> { Unique = true, Name = "email_unique" }),
            Index("{nick: 1}", new CreateIndexOptions<BsonDocument> { Sparse = true }),
            Index("{score: -1}", new CreateIndexOptions<BsonDocument> { PartialFilterExpression = "{score: {$gt: 5}}" }),
            Index("{expires_at: 1}", new CreateIndexOptions<BsonDocument> { ExpireAfter = TimeSpan.FromHours(1) }),
        ], Ct);

        Assert.Equal(["a_1_b_-1", "email_unique", "nick_1", "score_-1", "expires_at_1"], names);
        var indexes = await ListIndexesAsync(collection);
        Assert.Equal(["_id_", "a_1_b_-1", "email_unique", "expires_at_1", "nick_1", "score_-1"], indexes.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(Doc("{_id: 1}"), indexes["_id_"]["key"]);
        Assert.Equal(Doc("{a: 1, b: -1}"), indexes["a_1_b_-1"]["key"]);
        Assert.True(indexes["email_unique"]["unique"].ToBoolean());
        Assert.False(indexes["a_1_b_-1"].Contains("unique"));
        Assert.True(indexes["nick_1"]["sparse"].ToBoolean());
        Assert.Equal(Doc("{score: {$gt: 5}}"), indexes["score_-1"]["partialFilterExpression"]);
        Assert.Equal(3600, indexes["expires_at_1"]["expireAfterSeconds"].ToInt64());
    }

    [Fact]
    public async Task Creating_the_same_index_twice_is_a_no_op_but_conflicting_specs_fail()
    {
        var collection = NewCollection();
        await collection.Indexes.CreateOneAsync(Index("{a: 1}"), cancellationToken: Ct);

        Assert.Equal("a_1", await collection.Indexes.CreateOneAsync(Index("{a: 1}"), cancellationToken: Ct));
        var sameKeysOtherName = await Assert.ThrowsAsync<MongoCommandException>(() =>
            collection.Indexes.CreateOneAsync(Index("{a: 1}", new CreateIndexOptions<BsonDocument> { Name = "other" }), cancellationToken: Ct));
        var sameNameOtherKeys = await Assert.ThrowsAsync<MongoCommandException>(() =>
            collection.Indexes.CreateOneAsync(Index("{b: 1}", new CreateIndexOptions<BsonDocument> { Name = "a_1" }), cancellationToken: Ct));

        Assert.Equal(85, sameKeysOtherName.Code);
        Assert.Equal(86, sameNameOtherKeys.Code);
    }

    /// <summary>The server tells indexes on one key apart by their signature: collation,
    /// partialFilterExpression, unique and sparse; a TTL or another name is not enough.</summary>
    [Fact]
    public async Task Indexes_on_one_key_differ_by_signature_and_are_then_dropped_by_name()
    {
        var collection = NewCollection();
        await collection.Indexes.CreateOneAsync(Index("{a: 1}"), cancellationToken: Ct);
        var signatures = new (string Name, CreateIndexOptions<BsonDocument> Options)[]
        {
            ("a_en", new() { Name = "a_en", Collation = new Collation("en", strength: CollationStrength.Secondary) }),
            ("a_partial", new() { Name = "a_partial", PartialFilterExpression = Doc("{a: {$gt: 5}}") }),
            ("a_unique", new() { Name = "a_unique", Unique = true }),
            ("a_sparse", new() { Name = "a_sparse", Sparse = true }),
        };
        foreach (var (name, options) in signatures)
        {
            Assert.Equal(name, await collection.Indexes.CreateOneAsync(Index("{a: 1}", options), cancellationToken: Ct));
        }

        var ttlOnly = await Assert.ThrowsAsync<MongoCommandException>(() => collection.Indexes.CreateOneAsync(
            Index("{a: 1}", new CreateIndexOptions<BsonDocument> { Name = "a_ttl", ExpireAfter = TimeSpan.FromHours(1) }), cancellationToken: Ct));
        var sameCollation = await Assert.ThrowsAsync<MongoCommandException>(() => collection.Indexes.CreateOneAsync(
            Index("{a: 1}", new CreateIndexOptions<BsonDocument> { Name = "a_en_again", Collation = new Collation("en", strength: CollationStrength.Secondary) }), cancellationToken: Ct));
        var ambiguous = await Assert.ThrowsAsync<MongoCommandException>(() => Database.RunCommandAsync<BsonDocument>(
            new BsonDocument { { "dropIndexes", collection.CollectionNamespace.CollectionName }, { "index", Doc("{a: 1}") } }, cancellationToken: Ct));

        Assert.Equal(85, ttlOnly.Code);
        Assert.Equal(85, sameCollation.Code);
        Assert.Equal(181, ambiguous.Code);
        Assert.Equal(["_id_", "a_1", "a_en", "a_partial", "a_sparse", "a_unique"], (await ListIndexesAsync(collection)).Keys.Order(StringComparer.Ordinal));

        foreach (var (name, _) in signatures)
        {
            await collection.Indexes.DropOneAsync(name, Ct);
        }

        await Database.RunCommandAsync<BsonDocument>(
            new BsonDocument { { "dropIndexes", collection.CollectionNamespace.CollectionName }, { "index", Doc("{a: 1}") } }, cancellationToken: Ct);
        Assert.Equal(["_id_"], (await ListIndexesAsync(collection)).Keys);
    }

    [Fact]
    public async Task A_name_taken_by_another_signature_conflicts_and_a_hint_by_a_shared_key_is_ambiguous()
    {
        var collection = NewCollection();
        await collection.InsertOneAsync(Doc("{_id: 1, a: 1}"), cancellationToken: Ct);
        await collection.Indexes.CreateManyAsync(
            [Index("{a: 1}", new CreateIndexOptions<BsonDocument> { Name = "plain" }), Index("{a: 1}", new CreateIndexOptions<BsonDocument> { Name = "sparse", Sparse = true })], Ct);

        var otherSignature = await Assert.ThrowsAsync<MongoCommandException>(() => collection.Indexes.CreateOneAsync(
            Index("{a: 1}", new CreateIndexOptions<BsonDocument> { Name = "plain", Unique = true }), cancellationToken: Ct));
        var otherOptions = await Assert.ThrowsAsync<MongoCommandException>(() => collection.Indexes.CreateOneAsync(
            Index("{a: 1}", new CreateIndexOptions<BsonDocument> { Name = "plain", ExpireAfter = TimeSpan.FromHours(1) }), cancellationToken: Ct));
        var ambiguousFind = await Assert.ThrowsAsync<MongoCommandException>(() =>
            collection.Find("{a: 1}", new FindOptions { Hint = Doc("{a: 1}") }).ToListAsync(Ct));
        var ambiguousUpdate = await Assert.ThrowsAsync<MongoWriteException>(() =>
            collection.UpdateOneAsync("{a: 1}", "{$set: {b: 1}}", new UpdateOptions { Hint = Doc("{a: 1}") }, Ct));

        Assert.Equal(86, otherSignature.Code);
        Assert.Equal(85, otherOptions.Code);
        Assert.Equal(27, ambiguousFind.Code);
        Assert.Equal(27, ambiguousUpdate.WriteError.Code);
        Assert.Single(await collection.Find("{a: 1}", new FindOptions { Hint = "sparse" }).ToListAsync(Ct));
        AssertSameFields(Doc("{_id: 1, a: 1}"), await collection.Find("{}").SingleAsync(Ct));
    }

    [Fact]
    public async Task A_request_with_one_refused_index_creates_none()
    {
        var collection = NewCollection();
        await collection.InsertManyAsync(Docs("{_id: 1, a: 1, b: 1}", "{_id: 2, a: 2, b: 1}"), cancellationToken: Ct);
        await collection.Indexes.CreateOneAsync(Index("{c: 1}"), cancellationToken: Ct);

        var conflict = await Assert.ThrowsAsync<MongoCommandException>(() => collection.Indexes.CreateManyAsync(
            [Index("{a: 1}"), Index("{d: 1}", new CreateIndexOptions<BsonDocument> { Name = "c_1" })], Ct));
        var duplicates = await Assert.ThrowsAsync<MongoCommandException>(() => collection.Indexes.CreateManyAsync(
            [Index("{a: 1}"), Index("{b: 1}", new CreateIndexOptions<BsonDocument> { Unique = true })], Ct));

        Assert.Equal(86, conflict.Code);
        Assert.Equal(11000, duplicates.Code);
        Assert.Equal(["_id_", "c_1"], (await ListIndexesAsync(collection)).Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task DropIndexes_by_name_and_all()
    {
        var collection = NewCollection();
        await collection.Indexes.CreateManyAsync([Index("{a: 1}"), Index("{b: 1}"), Index("{c: 1}")], Ct);

        await collection.Indexes.DropOneAsync("a_1", Ct);
        Assert.Equal(["_id_", "b_1", "c_1"], (await ListIndexesAsync(collection)).Keys.Order(StringComparer.Ordinal));

        var missing = await Assert.ThrowsAsync<MongoCommandException>(() => collection.Indexes.DropOneAsync("nope_1", Ct));
        Assert.Equal(27, missing.Code);

        await collection.Indexes.DropAllAsync(Ct);
        Assert.Equal(["_id_"], (await ListIndexesAsync(collection)).Keys);
    }

    [Fact]
    public async Task Unique_index_violations_are_duplicate_key_write_errors()
    {
        var collection = NewCollection();
        await collection.Indexes.CreateOneAsync(Index("{email: 1}", new CreateIndexOptions<BsonDocument> { Unique = true }), cancellationToken: Ct);
        await collection.InsertOneAsync(Doc("{_id: 1, email: 'a@x.io'}"), cancellationToken: Ct);
        await collection.InsertOneAsync(Doc("{_id: 2, email: 'b@x.io'}"), cancellationToken: Ct);

        await AssertDuplicateKeyAsync(() => collection.InsertOneAsync(Doc("{_id: 3, email: 'a@x.io'}"), cancellationToken: Ct));
        await AssertDuplicateKeyAsync(() => collection.UpdateOneAsync("{_id: 2}", "{$set: {email: 'a@x.io'}}", cancellationToken: Ct));
        await AssertDuplicateKeyAsync(() => collection.ReplaceOneAsync("{_id: 2}", Doc("{email: 'a@x.io'}"), cancellationToken: Ct));
        await AssertDuplicateKeyAsync(() => collection.InsertOneAsync(Doc("{_id: 1, email: 'c@x.io'}"), cancellationToken: Ct));

        var bulk = await Assert.ThrowsAsync<MongoBulkWriteException<BsonDocument>>(() =>
            collection.InsertManyAsync(Docs("{_id: 4, email: 'd@x.io'}", "{_id: 5, email: 'b@x.io'}"), cancellationToken: Ct));
        var error = Assert.Single(bulk.WriteErrors);
        Assert.Equal((1, ServerErrorCategory.DuplicateKey), (error.Index, error.Category));

        await AssertIdsAsync(collection, "{}", 1, 2, 4);
        await AssertIdsAsync(collection, "{email: 'b@x.io'}", 2);
    }

    [Fact]
    public async Task Building_a_unique_index_over_duplicates_fails()
    {
        var collection = NewCollection();
        await collection.InsertManyAsync(Docs("{_id: 1, k: 'same'}", "{_id: 2, k: 'same'}"), cancellationToken: Ct);

        var ex = await Assert.ThrowsAsync<MongoCommandException>(() =>
            collection.Indexes.CreateOneAsync(Index("{k: 1}", new CreateIndexOptions<BsonDocument> { Unique = true }), cancellationToken: Ct));

        Assert.Equal(11000, ex.Code);
        Assert.Equal(["_id_"], (await ListIndexesAsync(collection)).Keys);
    }

    [Fact]
    public async Task Unique_index_treats_missing_fields_as_null_unless_sparse()
    {
        var dense = NewCollection("dense");
        var sparse = NewCollection("sparse");
        await dense.Indexes.CreateOneAsync(Index("{k: 1}", new CreateIndexOptions<BsonDocument> { Unique = true }), cancellationToken: Ct);
        await sparse.Indexes.CreateOneAsync(Index("{k: 1}", new CreateIndexOptions<BsonDocument> { Unique = true, Sparse = true }), cancellationToken: Ct);

        await dense.InsertOneAsync(Doc("{_id: 1}"), cancellationToken: Ct);
        await AssertDuplicateKeyAsync(() => dense.InsertOneAsync(Doc("{_id: 2}"), cancellationToken: Ct));
        await AssertDuplicateKeyAsync(() => dense.InsertOneAsync(Doc("{_id: 3, k: null}"), cancellationToken: Ct));

        await sparse.InsertManyAsync(Docs("{_id: 1}", "{_id: 2}", "{_id: 3, k: 'v'}"), cancellationToken: Ct);
        await AssertDuplicateKeyAsync(() => sparse.InsertOneAsync(Doc("{_id: 4, k: 'v'}"), cancellationToken: Ct));
        await AssertIdsAsync(sparse, "{}", 1, 2, 3);
    }

    [Fact]
    public async Task Partial_unique_index_only_constrains_documents_matching_its_filter()
    {
        var collection = NewCollection();
        await collection.Indexes.CreateOneAsync(Index("{email: 1}", new CreateIndexOptions<BsonDocument>
        {
            Unique = true,
            PartialFilterExpression = "{active: true}",
        }), cancellationToken: Ct);

        await collection.InsertManyAsync(Docs(
            "{_id: 1, email: 'a@x.io', active: false}",
            "{_id: 2, email: 'a@x.io', active: false}",
            "{_id: 3, email: 'a@x.io', active: true}"), cancellationToken: Ct);
        await AssertDuplicateKeyAsync(() => collection.InsertOneAsync(Doc("{_id: 4, email: 'a@x.io', active: true}"), cancellationToken: Ct));
        await AssertDuplicateKeyAsync(() => collection.UpdateOneAsync("{_id: 1}", "{$set: {active: true}}", cancellationToken: Ct));

        await AssertIdsAsync(collection, "{email: 'a@x.io'}", 1, 2, 3);
    }

    [Fact]
    public async Task Compound_and_multikey_unique_indexes()
    {
        var compound = NewCollection("compound");
        var multikey = NewCollection("multikey");
        await compound.Indexes.CreateOneAsync(Index("{a: 1, b: 1}", new CreateIndexOptions<BsonDocument> { Unique = true }), cancellationToken: Ct);
        await multikey.Indexes.CreateOneAsync(Index("{tags: 1}", new CreateIndexOptions<BsonDocument> { Unique = true }), cancellationToken: Ct);

        await compound.InsertManyAsync(Docs("{_id: 1, a: 1, b: 1}", "{_id: 2, a: 1, b: 2}", "{_id: 3, a: 2, b: 1}"), cancellationToken: Ct);
        await AssertDuplicateKeyAsync(() => compound.InsertOneAsync(Doc("{_id: 4, a: 1, b: 1}"), cancellationToken: Ct));

        await multikey.InsertManyAsync(Docs("{_id: 1, tags: ['x', 'y']}", "{_id: 2, tags: ['z', 'z']}"), cancellationToken: Ct);
        await AssertDuplicateKeyAsync(() => multikey.InsertOneAsync(Doc("{_id: 3, tags: ['w', 'y']}"), cancellationToken: Ct));
        await AssertIdsAsync(multikey, "{}", 1, 2);
    }

    [Fact]
    public async Task Ttl_index_removes_expired_documents()
    {
        var collection = NewCollection();
        await collection.Indexes.CreateOneAsync(Index("{expires_at: 1}", new CreateIndexOptions<BsonDocument> { ExpireAfter = TimeSpan.Zero }), cancellationToken: Ct);
        var now = DateTime.UtcNow;
        await collection.InsertManyAsync(
        [
            new BsonDocument { { "_id", 1 }, { "expires_at", now.AddMinutes(-1) } },
            new BsonDocument { { "_id", 2 }, { "expires_at", now.AddHours(1) } },
            new BsonDocument { { "_id", 3 } },
            new BsonDocument { { "_id", 4 }, { "expires_at", "not a date" } },
            new BsonDocument { { "_id", 5 }, { "expires_at", new BsonArray { now.AddHours(2), now.AddMinutes(-5) } } },
        ], cancellationToken: Ct);

        var removed = await EventuallyAsync(
            async () => (await IdsAsync(collection, "{}")).SequenceEqual([2, 3, 4]),
            Backend.TtlRemovalDeadline);

        Assert.True(removed, $"expired documents were not removed within {Backend.TtlRemovalDeadline}; left: {string.Join(",", await IdsAsync(collection, "{}"))}");
    }

    [Theory]
    [InlineData("{city: 'c7'}", 10)]
    [InlineData("{rank: {$gte: 100, $lt: 110}}", 10)]
    [InlineData("{rank: {$in: [3, 500, 999]}}", 3)]
    public async Task Equality_and_range_queries_on_an_indexed_field_examine_only_matching_documents(string filter, int expected)
    {
        var collection = NewCollection();
        await collection.InsertManyAsync(
            Enumerable.Range(0, 1000).Select(i => new BsonDocument { { "_id", i }, { "rank", i }, { "city", $"c{i % 100}" } }),
            cancellationToken: Ct);
        await collection.Indexes.CreateManyAsync([Index("{city: 1}"), Index("{rank: 1}")], Ct);

        var explain = await Database.RunCommandAsync<BsonDocument>(new BsonDocument
        {
            { "explain", new BsonDocument { { "find", collection.CollectionNamespace.CollectionName }, { "filter", Doc(filter) } } },
            { "verbosity", "executionStats" },
        }, cancellationToken: Ct);

        var stats = explain["executionStats"].AsBsonDocument;
        Assert.Equal(expected, stats["nReturned"].ToInt32());
        Assert.Equal(expected, stats["totalDocsExamined"].ToInt32());
        Assert.Equal(expected, await collection.CountDocumentsAsync(filter, cancellationToken: Ct));
    }

    [Theory]
    [InlineData("{key: 'k7'}", 1)]
    [InlineData("{key: {$in: ['k3', 'k5', 'absent']}}", 2)]
    public async Task Equality_on_a_sparse_index_examines_only_matching_documents(string filter, int expected)
    {
        // A sparse index leaves out documents without the field, which no equality to a value can
        // match, so the server uses it for one.
        var collection = NewCollection();
        await collection.InsertManyAsync(
            Enumerable.Range(0, 1000).Select(i => i % 2 == 0 ? new BsonDocument { { "_id", i }, { "key", $"k{i / 2}" } } : new BsonDocument("_id", i)),
            cancellationToken: Ct);
        await collection.Indexes.CreateOneAsync(Index("{key: 1}", new CreateIndexOptions<BsonDocument> { Unique = true, Sparse = true }), cancellationToken: Ct);

        var explain = await Database.RunCommandAsync<BsonDocument>(new BsonDocument
        {
            { "explain", new BsonDocument { { "find", collection.CollectionNamespace.CollectionName }, { "filter", Doc(filter) } } },
            { "verbosity", "executionStats" },
        }, cancellationToken: Ct);

        var stats = explain["executionStats"].AsBsonDocument;
        Assert.Equal(expected, stats["nReturned"].ToInt32());
        Assert.Equal(expected, stats["totalDocsExamined"].ToInt32());
    }
}
