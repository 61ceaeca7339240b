using BayitPlus.Testing;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.MongoEmulator.Tests.Conformance;

public sealed class FindAndModifyTests(MongoDatabaseFixture fixture) : ConformanceTest(fixture)
{
    private async Task<IMongoCollection<BsonDocument>> SeededAsync(string hint)
    {
        var collection = NewCollection(hint);
        await collection.InsertManyAsync(Docs(
            "{_id: 1, kind: 'a', qty: 10, note: 'one'}",
            "{_id: 2, kind: 'a', qty: 30, note: 'two'}",
            "{_id: 3, kind: 'b', qty: 20, note: 'three'}"), cancellationToken: Ct);
        return collection;
    }

    [Fact]
    public async Task FindOneAndUpdate_returns_the_document_before_or_after()
    {
        var collection = await SeededAsync("fam_update");

        var before = await collection.FindOneAndUpdateAsync<BsonDocument>("{_id: 1}", "{$inc: {qty: 1}}",
            new FindOneAndUpdateOptions<BsonDocument> { ReturnDocument = ReturnDocument.Before }, Ct);
        var after = await collection.FindOneAndUpdateAsync<BsonDocument>("{_id: 1}", "{$inc: {qty: 1}}",
            new FindOneAndUpdateOptions<BsonDocument> { ReturnDocument = ReturnDocument.After }, Ct);

        Assert.Equal(10, before["qty"].AsInt32);
        Assert.Equal(12, after["qty"].AsInt32);
        Assert.Null(await collection.FindOneAndUpdateAsync<BsonDocument>("{_id: 99}", "{$inc: {qty: 1}}", cancellationToken: Ct));
    }

    [Fact]
    public async Task FindOneAndUpdate_picks_the_first_document_in_sort_order_and_projects_it()
    {
        var collection = await SeededAsync("fam_sort");

        var result = await collection.FindOneAndUpdateAsync<BsonDocument>("{kind: 'a'}", "{$set: {picked: true}}",
            new FindOneAndUpdateOptions<BsonDocument>
            {
                Sort = Doc("{qty: -1}"),
                Projection = Doc("{note: 1, picked: 1, _id: 0}"),
                ReturnDocument = ReturnDocument.After,
            }, Ct);

        Assert.Equal(Doc("{note: 'two', picked: true}"), result);
        await AssertIdsAsync(collection, "{picked: true}", 2);
    }

    [Fact]
    public async Task FindOneAndUpdate_upserts_and_returns_the_new_document_only_when_asked()
    {
        var collection = await SeededAsync("fam_upsert");

        var after = await collection.FindOneAndUpdateAsync<BsonDocument>("{_id: 10, kind: 'c'}", "{$set: {qty: 5}}",
            new FindOneAndUpdateOptions<BsonDocument> { IsUpsert = true, ReturnDocument = ReturnDocument.After }, Ct);
        var before = await collection.FindOneAndUpdateAsync<BsonDocument>("{_id: 11}", "{$set: {qty: 6}}",
            new FindOneAndUpdateOptions<BsonDocument> { IsUpsert = true, ReturnDocument = ReturnDocument.Before }, Ct);

        Assert.Equal(Doc("{_id: 10, kind: 'c', qty: 5}"), after);
        Assert.Null(before);
        await AssertIdsAsync(collection, "{_id: {$gte: 10}}", 10, 11);
    }

    [Fact]
    public async Task FindOneAndReplace_replaces_and_upserts()
    {
        var collection = await SeededAsync("fam_replace");

        var before = await collection.FindOneAndReplaceAsync<BsonDocument>("{kind: 'b'}", Doc("{kind: 'z', qty: 0}"), cancellationToken: Ct);
        var after = await collection.FindOneAndReplaceAsync<BsonDocument>("{_id: 3}", Doc("{kind: 'y'}"),
            new FindOneAndReplaceOptions<BsonDocument> { ReturnDocument = ReturnDocument.After }, Ct);
        var upserted = await collection.FindOneAndReplaceAsync<BsonDocument>("{_id: 20}", Doc("{kind: 'new'}"),
            new FindOneAndReplaceOptions<BsonDocument> { IsUpsert = true, ReturnDocument = ReturnDocument.After }, Ct);

        Assert.Equal(Doc("{_id: 3, kind: 'b', qty: 20, note: 'three'}"), before);
        Assert.Equal(Doc("{_id: 3, kind: 'y'}"), after);
        Assert.Equal(Doc("{_id: 20, kind: 'new'}"), upserted);
    }

    [Fact]
    public async Task FindOneAndDelete_removes_the_first_document_in_sort_order()
    {
        var collection = await SeededAsync("fam_delete");

        var deleted = await collection.FindOneAndDeleteAsync<BsonDocument>("{kind: 'a'}",
            new FindOneAndDeleteOptions<BsonDocument> { Sort = Doc("{qty: 1}"), Projection = Doc("{qty: 1}") }, Ct);

        Assert.Equal(Doc("{_id: 1, qty: 10}"), deleted);
        await AssertIdsAsync(collection, "{}", 2, 3);
        Assert.Null(await collection.FindOneAndDeleteAsync<BsonDocument>("{kind: 'zzz'}", cancellationToken: Ct));
    }

    [Fact]
    public async Task FindOneAndUpdate_with_a_guard_in_the_filter_does_not_match_when_the_guard_fails()
    {
        var collection = NewCollection();
        await collection.InsertOneAsync(Doc("{_id: 'acct', balance: 3}"), cancellationToken: Ct);

        var result = await collection.FindOneAndUpdateAsync<BsonDocument>("{_id: 'acct', balance: {$gte: 5}}", "{$inc: {balance: -5}}",
            cancellationToken: Ct);

        Assert.Null(result);
        Assert.Equal(3, (await collection.Find("{}").SingleAsync(Ct))["balance"].AsInt32);
    }
}
