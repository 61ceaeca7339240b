using BayitPlus.Testing;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.MongoEmulator.Tests.Conformance;

/// <summary>The aggregate stages that write (<c>$out</c>, <c>$merge</c>) and the database-level
/// sources (<c>$documents</c>, <c>$listLocalSessions</c>).</summary>
public sealed class AggregationOutputTests(MongoDatabaseFixture fixture) : ConformanceTest(fixture)
{
    private async Task<IMongoCollection<BsonDocument>> SourceAsync(string hint)
    {
        var source = NewCollection(hint + "_src");
        await source.InsertManyAsync(Docs("{_id: 1, x: 11}", "{_id: 2, x: 22}", "{_id: 3, x: 33}"), cancellationToken: Ct);
        return source;
    }

    private Task RunAsync(IMongoCollection<BsonDocument> source, params BsonDocument[] stages) =>
        source.AggregateToCollectionAsync<BsonDocument>(stages, cancellationToken: Ct);

    private static Task<List<BsonDocument>> AllAsync(IMongoCollection<BsonDocument> collection) =>
        collection.Find("{}").Sort("{_id: 1}").ToListAsync(Ct);

    [Fact]
    public async Task Out_replaces_the_target_documents_and_keeps_its_indexes()
    {
        var source = await SourceAsync(nameof(Out_replaces_the_target_documents_and_keeps_its_indexes));
        var target = NewCollection();
        await target.InsertOneAsync(Doc("{_id: 9, x: 99}"), cancellationToken: Ct);
        await target.Indexes.CreateOneAsync(new CreateIndexModel<BsonDocument>(Doc("{x: 1}"), new CreateIndexOptions { Unique = true }), cancellationToken: Ct);

        await RunAsync(source, Doc("{$match: {_id: {$gt: 1}}}"), Doc("{$project: {x: 1}}"), new BsonDocument("$out", target.CollectionNamespace.CollectionName));

        Assert.Equal(["{ \"_id\" : 2, \"x\" : 22 }", "{ \"_id\" : 3, \"x\" : 33 }"], (await AllAsync(target)).Select(d => d.ToJson()));
        var indexes = await (await target.Indexes.ListAsync(Ct)).ToListAsync(Ct);
        Assert.Contains(indexes, i => i["name"] == "x_1" && i.GetValue("unique", false).ToBoolean());
    }

    [Fact]
    public async Task Out_that_breaks_a_unique_index_fails_and_leaves_the_target_unchanged()
    {
        var source = await SourceAsync(nameof(Out_that_breaks_a_unique_index_fails_and_leaves_the_target_unchanged));
        var target = NewCollection();
        await target.InsertOneAsync(Doc("{_id: 9, k: 1}"), cancellationToken: Ct);
        await target.Indexes.CreateOneAsync(new CreateIndexModel<BsonDocument>(Doc("{k: 1}"), new CreateIndexOptions { Unique = true }), cancellationToken: Ct);

        var error = await Assert.ThrowsAsync<MongoCommandException>(() =>
            RunAsync(source, Doc("{$project: {k: {$literal: 7}}}"), new BsonDocument("$out", target.CollectionNamespace.CollectionName)));

        Assert.Equal(11000, error.Code);
        Assert.Equal(["{ \"_id\" : 9, \"k\" : 1 }"], (await AllAsync(target)).Select(d => d.ToJson()));
    }

    [Fact]
    public async Task Merge_by_default_merges_fields_into_matches_and_inserts_the_rest()
    {
        var source = await SourceAsync(nameof(Merge_by_default_merges_fields_into_matches_and_inserts_the_rest));
        var target = NewCollection();
        await target.InsertOneAsync(Doc("{_id: 2, x: 0, kept: true}"), cancellationToken: Ct);

        await RunAsync(source, Doc("{$match: {_id: {$gt: 1}}}"), new BsonDocument("$merge", new BsonDocument("into", target.CollectionNamespace.CollectionName)));

        Assert.Equal(["{ \"_id\" : 2, \"x\" : 22, \"kept\" : true }", "{ \"_id\" : 3, \"x\" : 33 }"], (await AllAsync(target)).Select(d => d.ToJson()));
    }

    [Theory]
    [InlineData("replace", "discard", "{ \"_id\" : 2, \"x\" : 22 }")]
    [InlineData("keepExisting", "discard", "{ \"_id\" : 2, \"x\" : 0, \"kept\" : true }")]
    [InlineData("merge", "insert", "{ \"_id\" : 2, \"x\" : 22, \"kept\" : true }|{ \"_id\" : 3, \"x\" : 33 }")]
    public async Task Merge_modes_decide_what_happens_to_matched_and_unmatched_documents(string whenMatched, string whenNotMatched, string expected)
    {
        var source = await SourceAsync($"merge_{whenMatched}_{whenNotMatched}");
        var target = NewCollection($"merge_{whenMatched}_{whenNotMatched}");
        await target.InsertOneAsync(Doc("{_id: 2, x: 0, kept: true}"), cancellationToken: Ct);

        await RunAsync(source, Doc("{$match: {_id: {$gt: 1}}}"), new BsonDocument("$merge", new BsonDocument
        {
            { "into", target.CollectionNamespace.CollectionName },
            { "whenMatched", whenMatched },
            { "whenNotMatched", whenNotMatched },
        }));

        Assert.Equal(expected.Split('|'), (await AllAsync(target)).Select(d => d.ToJson()));
    }

    [Fact]
    public async Task Merge_fail_modes_report_the_duplicate_key_and_the_missing_match()
    {
        var source = await SourceAsync(nameof(Merge_fail_modes_report_the_duplicate_key_and_the_missing_match));
        var target = NewCollection();
        await target.InsertOneAsync(Doc("{_id: 2, x: 0}"), cancellationToken: Ct);
        var into = target.CollectionNamespace.CollectionName;

        var duplicate = await Assert.ThrowsAsync<MongoCommandException>(() => RunAsync(source, Doc("{$match: {_id: 2}}"),
            new BsonDocument("$merge", new BsonDocument { { "into", into }, { "whenMatched", "fail" } })));
        var missing = await Assert.ThrowsAsync<MongoCommandException>(() => RunAsync(source, Doc("{$match: {_id: 3}}"),
            new BsonDocument("$merge", new BsonDocument { { "into", into }, { "whenNotMatched", "fail" } })));

        Assert.Equal(11000, duplicate.Code);
        Assert.Equal(Doc("{_id: 1}"), duplicate.Result["keyPattern"]);
        Assert.Equal(Doc("{_id: 2}"), duplicate.Result["keyValue"]);
        Assert.Equal(13113, missing.Code);
        Assert.Equal(["{ \"_id\" : 2, \"x\" : 0 }"], (await AllAsync(target)).Select(d => d.ToJson()));
    }

    [Fact]
    public async Task Merge_pipeline_sees_the_result_as_new_and_its_let_variables()
    {
        var source = await SourceAsync(nameof(Merge_pipeline_sees_the_result_as_new_and_its_let_variables));
        var target = NewCollection();
        await target.InsertOneAsync(Doc("{_id: 2, total: 100}"), cancellationToken: Ct);
        var into = target.CollectionNamespace.CollectionName;

        await RunAsync(source, Doc("{$match: {_id: 2}}"),
            new BsonDocument("$merge", new BsonDocument { { "into", into }, { "whenMatched", new BsonArray { Doc("{$set: {total: {$add: ['$total', '$$new.x']}}}") } } }));
        await RunAsync(source, Doc("{$match: {_id: 2}}"), new BsonDocument("$merge", new BsonDocument
        {
            { "into", into },
            { "let", Doc("{bonus: {$multiply: ['$x', 2]}}") },
            { "whenMatched", new BsonArray { Doc("{$set: {bonus: '$$bonus'}}") } },
        }));

        Assert.Equal(["{ \"_id\" : 2, \"total\" : 122, \"bonus\" : 44 }"], (await AllAsync(target)).Select(d => d.ToJson()));
    }

    [Fact]
    public async Task Merge_on_other_fields_needs_a_unique_index_on_them()
    {
        var source = await SourceAsync(nameof(Merge_on_other_fields_needs_a_unique_index_on_them));
        var target = NewCollection();
        await target.InsertOneAsync(Doc("{_id: 'a', x: 22, seen: 1}"), cancellationToken: Ct);
        var merge = new BsonDocument("$merge", new BsonDocument { { "into", target.CollectionNamespace.CollectionName }, { "on", "x" }, { "whenMatched", "merge" } });

        var noIndex = await Assert.ThrowsAsync<MongoCommandException>(() => RunAsync(source, Doc("{$project: {_id: 0, x: 1}}"), merge));
        await target.Indexes.CreateOneAsync(new CreateIndexModel<BsonDocument>(Doc("{x: 1}"), new CreateIndexOptions { Unique = true }), cancellationToken: Ct);
        await RunAsync(source, Doc("{$match: {_id: {$gt: 1}}}"), Doc("{$project: {_id: 0, x: 1, from: {$literal: 'src'}}}"), merge);

        Assert.Equal(51183, noIndex.Code);
        var stored = await target.Find("{}").Sort("{x: 1}").ToListAsync(Ct);
        Assert.Equal(2, stored.Count);
        AssertSameFields(Doc("{_id: 'a', x: 22, seen: 1, from: 'src'}"), stored[0]);
        Assert.Equal(33, stored[1]["x"].AsInt32);
        Assert.Equal(BsonType.ObjectId, stored[1]["_id"].BsonType);
    }

    [Fact]
    public async Task Database_aggregate_reads_documents_and_local_sessions()
    {
        var documents = await (await Database.AggregateAsync<BsonDocument>(
            new BsonDocument[] { Doc("{$documents: [{a: 1}, {a: {$add: [1, 1]}}]}"), Doc("{$project: {_id: 0, a: 1}}") },
            cancellationToken: Ct)).ToListAsync(Ct);
        using var session = await Backend.Client.StartSessionAsync(cancellationToken: Ct);
        await Database.RunCommandAsync<BsonDocument>(session, Doc("{ping: 1}"), cancellationToken: Ct);
        var sessions = await (await Backend.Client.GetDatabase("admin").AggregateAsync<BsonDocument>(
            new BsonDocument[] { Doc("{$listLocalSessions: {}}") }, cancellationToken: Ct)).ToListAsync(Ct);

        Assert.Equal(["{ \"a\" : 1 }", "{ \"a\" : 2 }"], documents.Select(d => d.ToJson()));
        Assert.Contains(sessions, s => s["_id"]["id"].Equals(session.ServerSession.Id["id"]) && s["lastUse"].IsValidDateTime);
    }
}
