using BayitPlus.Testing;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.MongoEmulator.Tests.Conformance;

/// <summary>MongoDB 8.0's client-level bulk write (<c>IMongoClient.BulkWriteAsync</c>, the
/// <c>bulkWrite</c> admin command): writes across collections in one command.</summary>
public sealed class ClientBulkWriteTests(MongoDatabaseFixture fixture) : ConformanceTest(fixture)
{
    private async Task RequireServer8Async()
    {
        var buildInfo = await Database.RunCommandAsync<BsonDocument>(Doc("{buildInfo: 1}"), cancellationToken: Ct);
        if (buildInfo["versionArray"][0].ToInt32() < 8)
        {
            Assert.Skip("the client bulkWrite command needs MongoDB 8.0");
        }
    }

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
}
