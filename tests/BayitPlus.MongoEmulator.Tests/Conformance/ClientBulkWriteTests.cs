using BayitPlus.Testing;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.MongoEmulator.Tests.Conformance;

/// <summary>MongoDB 8.0's client-level bulk write (<c>IMongoClient.BulkWriteAsync</c>, the
/// <c>bulkWrite</c> admin command): writes across collections in one command.</summary>
public sealed class ClientBulkWriteTests(MongoDatabaseFixture fixture) : ConformanceTest(fixture)
{
    [Fact]
    public async Task Writes_across_collections_report_counts_and_per_operation_results()
    {
        await RequireServer8Async();
        var first = NewCollection("first");
        var second = NewCollection("second");
        await first.InsertManyAsync(Docs("{_id: 1, x: 1}", "{_id: 2, x: 2}", "{_id: 3, x: 3}"), cancellationToken: Ct);
        var (a, b) = (first.CollectionNamespace, second.CollectionNamespace);

        var result = await Backend.Client.BulkWriteAsync(
        [
            new BulkWriteInsertOneModel<BsonDocument>(b, Doc("{_id: 10}")),
            new BulkWriteUpdateOneModel<BsonDocument>(a, "{x: {$gte: 2}}", "{$inc: {x: 10}}", sort: "{x: -1}"),
            new BulkWriteUpdateManyModel<BsonDocument>(a, "{x: {$lt: 3}}", "{$set: {low: true}}"),
            new BulkWriteReplaceOneModel<BsonDocument>(b, "{_id: 11}", Doc("{y: 1}"), isUpsert: true),
            new BulkWriteDeleteOneModel<BsonDocument>(a, "{_id: 1}"),
        ], new ClientBulkWriteOptions { VerboseResult = true }, Ct);

        Assert.Equal((1, 3, 3, 1, 1), (result.InsertedCount, result.MatchedCount, result.ModifiedCount, result.UpsertedCount, result.DeletedCount));
        Assert.Equal(BsonValue.Create(10), BsonValue.Create(result.InsertResults[0].DocumentId));
        Assert.Equal(11, result.UpdateResults[3].UpsertedId!.AsInt32);
        Assert.Equal(1, result.DeleteResults[4].DeletedCount);
        Assert.Equal(["{ \"_id\" : 2, \"x\" : 2, \"low\" : true }", "{ \"_id\" : 3, \"x\" : 13 }"],
            (await first.Find("{}").Sort("{_id: 1}").ToListAsync(Ct)).Select(d => d.ToJson()));
        Assert.Equal(2, await second.CountDocumentsAsync("{}", cancellationToken: Ct));
    }

    [Fact]
    public async Task An_ordered_bulk_write_stops_at_the_first_error_and_reports_it_with_the_partial_result()
    {
        await RequireServer8Async();
        var collection = NewCollection();
        await collection.InsertOneAsync(Doc("{_id: 1}"), cancellationToken: Ct);
        var ns = collection.CollectionNamespace;

        var error = await Assert.ThrowsAsync<ClientBulkWriteException>(() => Backend.Client.BulkWriteAsync(
        [
            new BulkWriteInsertOneModel<BsonDocument>(ns, Doc("{_id: 2}")),
            new BulkWriteInsertOneModel<BsonDocument>(ns, Doc("{_id: 1}")),
            new BulkWriteInsertOneModel<BsonDocument>(ns, Doc("{_id: 3}")),
        ], new ClientBulkWriteOptions { VerboseResult = true }, Ct));

        Assert.Equal(11000, Assert.Single(error.WriteErrors).Value.Code);
        Assert.Equal(1, error.WriteErrors.Keys.Single());
        Assert.Equal(1, error.PartialResult!.InsertedCount);
        await AssertIdsAsync(collection, "{}", 1, 2);
    }

    /// <summary>The server parses and validates every operation and namespace entry before running
    /// any: an unknown operation or field, a wrongly typed or missing field and an index outside
    /// nsInfo fail the command, and the valid first insert writes nothing.</summary>
    [Theory]
    [InlineData("{insert: 0, document: {_id: 9}, bogus: 1}", "{}", 40415)]
    [InlineData("{update: 0, filter: {}, updateMods: {$set: {a: 1}}, let: {x: 1}}", "{}", 40415)]
    [InlineData("{delete: 0, filter: {}, limit: 1}", "{}", 40415)]
    [InlineData("{insert: 0, document: {_id: 9}}", "{bogus: 1}", 40415)]
    [InlineData("{replace: 0, filter: {}}", "{}", 40415)]
    [InlineData("{insert: 'x', document: {_id: 9}}", "{}", 14)]
    [InlineData("{insert: 0, document: 5}", "{}", 14)]
    [InlineData("{update: 0, filter: {}, updateMods: {$set: {a: 1}}, multi: 1}", "{}", 14)]
    [InlineData("{update: 0, filter: {}, updateMods: [{$set: {a: 1}}], constants: 5}", "{}", 14)]
    [InlineData("{delete: 0, filter: 5}", "{}", 14)]
    [InlineData("{update: 0, filter: {}, updateMods: 5}", "{}", 9)]
    [InlineData("{insert: 0}", "{}", 40414)]
    [InlineData("{insert: 0, document: {_id: 9}}", "{collectionUUID: 'x'}", 14)]
    [InlineData("{insert: -1, document: {_id: 9}}", "{}", 51024)]
    [InlineData("{insert: 1, document: {_id: 9}}", "{}", 2)]
    public async Task Operations_and_namespace_entries_the_parser_refuses_fail_the_whole_command(string op, string entryExtra, int code)
    {
        await RequireServer8Async();
        var collection = NewCollection();
        var entry = Doc(entryExtra);
        entry.InsertAt(0, new BsonElement("ns", collection.CollectionNamespace.FullName));

        var error = await Assert.ThrowsAsync<MongoCommandException>(() => RunBulkWriteAsync(new BsonArray { Doc("{insert: 0, document: {_id: 1}}"), Doc(op) }, new BsonArray { entry }));

        Assert.Equal(code, error.Code);
        Assert.Equal(0, await collection.CountDocumentsAsync("{}", cancellationToken: Ct));
    }

    /// <summary>Constants serve only a pipeline update; upsertSupplied needs upsert and a
    /// <c>constants.new</c> document, even when the filter matches.</summary>
    [Fact]
    public async Task Update_constants_serve_a_pipeline_update_and_a_supplied_upsert()
    {
        await RequireServer8Async();
        var collection = NewCollection();
        await collection.InsertOneAsync(Doc("{_id: 1}"), cancellationToken: Ct);
        var ns = new BsonArray { new BsonDocument("ns", collection.CollectionNamespace.FullName) };

        var reply = await RunBulkWriteAsync(
            new BsonArray
            {
                Doc("{update: 0, filter: {_id: 1}, updateMods: [{$set: {v: '$$k'}}], constants: {k: 'constant'}}"),
                Doc("{update: 0, filter: {_id: 1}, updateMods: {$set: {w: 1}}, constants: {k: 1}}"),
                Doc("{update: 0, filter: {_id: 1}, updateMods: [{$set: {w: 1}}], upsertSupplied: true, constants: {new: {_id: 1}}}"),
                Doc("{update: 0, filter: {_id: 2}, updateMods: [{$set: {w: 1}}], upsert: true, upsertSupplied: true}"),
            },
            ns);

        Assert.Equal(3, reply["nErrors"].ToInt32());
        Assert.Equal([0, 51198, 9, 9], reply["cursor"]["firstBatch"].AsBsonArray.Select(r => r.AsBsonDocument.GetValue("code", 0).ToInt32()));
        AssertSameFields(Doc("{_id: 1, v: 'constant'}"), await collection.Find("{}").SingleAsync(Ct));
    }

    [Fact]
    public async Task A_collection_uuid_must_be_the_named_collections()
    {
        await RequireServer8Async();
        var collection = NewCollection("uuid_target");
        var other = NewCollection("uuid_other");
        await collection.InsertOneAsync(Doc("{_id: 1}"), cancellationToken: Ct);
        await other.InsertOneAsync(Doc("{_id: 1}"), cancellationToken: Ct);
        var listed = await (await Database.ListCollectionsAsync(cancellationToken: Ct)).ToListAsync(Ct);
        BsonValue UuidOf(IMongoCollection<BsonDocument> c) => listed.Single(l => l["name"] == c.CollectionNamespace.CollectionName)["info"]["uuid"];

        var reply = await RunBulkWriteAsync(
            new BsonArray { Doc("{insert: 0, document: {_id: 2}}"), Doc("{insert: 1, document: {_id: 2}}") },
            new BsonArray
            {
                new BsonDocument { { "ns", collection.CollectionNamespace.FullName }, { "collectionUUID", UuidOf(collection) } },
                new BsonDocument { { "ns", collection.CollectionNamespace.FullName }, { "collectionUUID", UuidOf(other) } },
            });

        var failure = reply["cursor"]["firstBatch"][1].AsBsonDocument;
        Assert.Equal(1, reply["nInserted"].ToInt32());
        Assert.Equal(361, failure["code"].ToInt32());
        Assert.Equal(collection.CollectionNamespace.CollectionName, failure["expectedCollection"].AsString);
        Assert.Equal(other.CollectionNamespace.CollectionName, failure["actualCollection"].AsString);
        Assert.Equal(2, await collection.CountDocumentsAsync("{}", cancellationToken: Ct));
    }

    private async Task RequireServer8Async()
    {
        var buildInfo = await Database.RunCommandAsync<BsonDocument>(Doc("{buildInfo: 1}"), cancellationToken: Ct);
        if (buildInfo["versionArray"][0].ToInt32() < 8)
        {
            Assert.Skip("the client bulkWrite command needs MongoDB 8.0");
        }
    }

    private async Task<BsonDocument> RunBulkWriteAsync(BsonArray ops, BsonArray nsInfo) =>
        await Backend.Client.GetDatabase("admin").RunCommandAsync<BsonDocument>(
            new BsonDocument { { "bulkWrite", 1 }, { "ops", ops }, { "nsInfo", nsInfo }, { "ordered", false } }, cancellationToken: Ct);
}
