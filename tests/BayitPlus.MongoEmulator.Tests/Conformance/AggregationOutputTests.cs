using System.Runtime.CompilerServices;
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
    [InlineData("keepExisting", "insert", "{ \"_id\" : 2, \"x\" : 0, \"kept\" : true }|{ \"_id\" : 3, \"x\" : 33 }")]
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

    [Theory]
    [InlineData("keepExisting", "fail")]
    [InlineData("keepExisting", "discard")]
    [InlineData("fail", "fail")]
    [InlineData("fail", "discard")]
    public async Task Merge_refuses_the_mode_pairs_the_server_has_no_strategy_for(string whenMatched, string whenNotMatched)
    {
        var source = await SourceAsync($"pair_{whenMatched}_{whenNotMatched}");
        var target = NewCollection($"pair_{whenMatched}_{whenNotMatched}");

        var error = await Assert.ThrowsAsync<MongoCommandException>(() => RunAsync(source, new BsonDocument("$merge", new BsonDocument
        {
            { "into", target.CollectionNamespace.CollectionName },
            { "whenMatched", whenMatched },
            { "whenNotMatched", whenNotMatched },
        })));

        Assert.Equal(51181, error.Code);
        Assert.Empty(await AllAsync(target));
    }

    [Fact]
    public async Task A_merge_specification_error_wins_over_a_run_time_error_of_an_earlier_stage()
    {
        var source = await SourceAsync(nameof(A_merge_specification_error_wins_over_a_run_time_error_of_an_earlier_stage));
        var target = NewCollection(nameof(A_merge_specification_error_wins_over_a_run_time_error_of_an_earlier_stage));

        var badModes = await Assert.ThrowsAsync<MongoCommandException>(() => RunAsync(source, Doc("{$project: {y: {$divide: ['$x', 0]}}}"),
            new BsonDocument("$merge", new BsonDocument { { "into", target.CollectionNamespace.CollectionName }, { "whenMatched", "fail" }, { "whenNotMatched", "discard" } })));
        var noIndex = await Assert.ThrowsAsync<MongoCommandException>(() => RunAsync(source, Doc("{$project: {y: {$divide: ['$x', 0]}}}"),
            new BsonDocument("$merge", new BsonDocument { { "into", target.CollectionNamespace.CollectionName }, { "on", "y" } })));

        Assert.Equal(51181, badModes.Code);
        Assert.Equal(51183, noIndex.Code);
        Assert.Empty(await AllAsync(target));
    }

    /// <summary>The server's parser of <c>$merge</c>, field by field; {into} stands for the target's name.</summary>
    [Theory]
    [InlineData("{into: {db: '{db}', coll: '{into}', foo: 1}}", 40415)]
    [InlineData("{into: '{into}', foo: 1}", 40415)]
    [InlineData("{on: '_id'}", 40414)]
    [InlineData("{into: 5}", 51178)]
    [InlineData("{into: ''}", 5786800)]
    [InlineData("''", 73)]
    [InlineData("{into: {db: '{db}'}}", 5786801)]
    [InlineData("{into: {coll: 5}}", 14)]
    [InlineData("{into: '{into}', whenMatched: 'pipeline'}", 2)]
    [InlineData("{into: '{into}', whenMatched: 'upsert'}", 2)]
    [InlineData("{into: '{into}', whenMatched: 5}", 51191)]
    [InlineData("{into: '{into}', whenNotMatched: 'upsert'}", 2)]
    [InlineData("{into: '{into}', whenNotMatched: 5}", 14)]
    [InlineData("{into: '{into}', on: 5}", 51186)]
    [InlineData("{into: '{into}', on: []}", 51187)]
    [InlineData("{into: '{into}', on: ['_id', 1]}", 51134)]
    [InlineData("{into: '{into}', on: ['_id', '_id']}", 31465)]
    [InlineData("{into: '{into}', let: 5, whenMatched: [{$set: {a: 1}}]}", 14)]
    [InlineData("{into: '{into}', let: {a: 1}, whenMatched: 'merge'}", 51199)]
    [InlineData("{into: '{into}', let: {new: 1}, whenMatched: [{$set: {a: 1}}]}", 51273)]
    public async Task Merge_specification_errors_carry_the_server_codes(string spec, int code) =>
        Assert.Equal(code, await OutputStageErrorCodeAsync("$merge", spec));

    [Fact]
    public async Task Merge_on_fields_need_a_unique_plain_index_under_the_aggregation_collation()
    {
        var source = await SourceAsync(nameof(Merge_on_fields_need_a_unique_plain_index_under_the_aggregation_collation));
        IMongoCollection<BsonDocument> missing = NewCollection("missing"), partial = NewCollection("partial"), compound = NewCollection("compound"), collated = NewCollection("collated");
        BsonDocument Merge(IMongoCollection<BsonDocument> target, BsonValue on) =>
            new("$merge", new BsonDocument { { "into", target.CollectionNamespace.CollectionName }, { "on", on } });
        await partial.Indexes.CreateOneAsync(new CreateIndexModel<BsonDocument>(Doc("{x: 1}"), new CreateIndexOptions<BsonDocument> { Unique = true, PartialFilterExpression = Doc("{x: {$gt: 0}}") }), cancellationToken: Ct);
        await compound.Indexes.CreateOneAsync(new CreateIndexModel<BsonDocument>(Doc("{x: 1, _id: -1}"), new CreateIndexOptions { Unique = true }), cancellationToken: Ct);
        await Database.CreateCollectionAsync(collated.CollectionNamespace.CollectionName, new CreateCollectionOptions { Collation = new Collation("en") }, Ct);
        var english = new AggregateOptions { Collation = new Collation("en") };

        var missingOnX = await Assert.ThrowsAsync<MongoCommandException>(() => RunAsync(source, Merge(missing, "x")));
        var partialOnX = await Assert.ThrowsAsync<MongoCommandException>(() => RunAsync(source, Merge(partial, "x")));
        var compoundOnX = await Assert.ThrowsAsync<MongoCommandException>(() => RunAsync(source, Merge(compound, "x")));
        var collatedOnId = await Assert.ThrowsAsync<MongoCommandException>(() => RunAsync(source, Merge(collated, "_id")));
        await RunAsync(source, Merge(missing, "_id"));
        await RunAsync(source, Merge(compound, new BsonArray { "_id", "x" }));
        await source.AggregateToCollectionAsync<BsonDocument>(new BsonDocument[] { Merge(collated, "_id") }, english, Ct);

        Assert.All(new[] { missingOnX, partialOnX, compoundOnX, collatedOnId }, e => Assert.Equal(51183, e.Code));
        Assert.Equal(3, (await AllAsync(missing)).Count);
        Assert.Equal(3, (await AllAsync(compound)).Count);
        Assert.Equal(3, (await AllAsync(collated)).Count);
    }

    /// <summary>The server's parser of <c>$out</c> (a name, or the strict <c>{db, coll}</c>).</summary>
    [Theory]
    [InlineData("{db: '{db}', coll: '{into}', foo: 1}", 40415)]
    [InlineData("{coll: '{into}'}", 40414)]
    [InlineData("{db: '{db}'}", 40414)]
    [InlineData("{db: 1, coll: '{into}'}", 14)]
    [InlineData("5", 16990)]
    [InlineData("''", 73)]
    public async Task Out_specification_errors_carry_the_server_codes(string spec, int code) =>
        Assert.Equal(code, await OutputStageErrorCodeAsync("$out", spec));

    /// <summary>The error code of an aggregate whose output stage <paramref name="stage"/> has the
    /// JSON specification <paramref name="spec"/> ({db} and {into} stand for this test's database and
    /// a new target), sent as the command itself so the driver does not read the stage.</summary>
    private async Task<int> OutputStageErrorCodeAsync(string stage, string spec, [CallerMemberName] string hint = "")
    {
        var source = await SourceAsync(hint);
        var target = NewCollection(hint + "_target");
        var json = spec.Replace("{db}", Database.DatabaseNamespace.DatabaseName, StringComparison.Ordinal)
            .Replace("{into}", target.CollectionNamespace.CollectionName, StringComparison.Ordinal);
        var error = await Assert.ThrowsAsync<MongoCommandException>(() => Database.RunCommandAsync<BsonDocument>(new BsonDocument
        {
            { "aggregate", source.CollectionNamespace.CollectionName },
            { "pipeline", new BsonArray { Doc($"{{{stage}: {json}}}") } },
            { "cursor", new BsonDocument() },
        }, cancellationToken: Ct));
        return error.Code;
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
