using BayitPlus.Testing;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.MongoEmulator.Tests.Conformance;

/// <summary>Document validation: <c>validator</c>, <c>validationLevel</c> and <c>validationAction</c>
/// on <c>create</c> and <c>collMod</c>, and <c>bypassDocumentValidation</c>.</summary>
public sealed class ValidationTests(MongoDatabaseFixture fixture) : ConformanceTest(fixture)
{
    private async Task<IMongoCollection<BsonDocument>> ValidatedAsync(string hint, string options = "")
    {
        var name = Fixture.NewCollectionName(hint);
        await Database.RunCommandAsync<BsonDocument>(Doc($"{{create: '{name}', validator: {{x: {{$type: 'string'}}}}{options}}}"), cancellationToken: Ct);
        return Database.GetCollection<BsonDocument>(name);
    }

    [Fact]
    public async Task Inserts_must_match_the_validator_unless_they_bypass_it()
    {
        var collection = await ValidatedAsync(nameof(Inserts_must_match_the_validator_unless_they_bypass_it));

        await collection.InsertOneAsync(Doc("{_id: 1, x: 'ok'}"), cancellationToken: Ct);
        var failed = await Assert.ThrowsAsync<MongoWriteException>(() => collection.InsertOneAsync(Doc("{_id: 2, x: 2}"), cancellationToken: Ct));
        await collection.InsertOneAsync(Doc("{_id: 3, x: 3}"), new InsertOneOptions { BypassDocumentValidation = true }, Ct);

        Assert.Equal(121, failed.WriteError.Code);
        Assert.Equal(2, failed.WriteError.Details["failingDocumentId"].AsInt32);
        Assert.Equal(BsonType.Document, failed.WriteError.Details["details"].BsonType);
        await AssertIdsAsync(collection, "{}", 1, 3);
    }

    [Fact]
    public async Task CollMod_adds_a_validator_that_updates_must_then_satisfy()
    {
        var collection = NewCollection();
        await collection.InsertManyAsync(Docs("{_id: 1, x: 'a'}", "{_id: 2, x: 2}"), cancellationToken: Ct);
        await Database.RunCommandAsync<BsonDocument>(
            new BsonDocument { { "collMod", collection.CollectionNamespace.CollectionName }, { "validator", Doc("{x: {$type: 'string'}}") } }, cancellationToken: Ct);

        var failed = await Assert.ThrowsAsync<MongoCommandException>(() =>
            collection.FindOneAndUpdateAsync<BsonDocument>("{_id: 1}", "{$set: {x: 1}}", cancellationToken: Ct));
        var strict = await Assert.ThrowsAsync<MongoWriteException>(() => collection.UpdateOneAsync("{_id: 2}", "{$set: {y: 1}}", cancellationToken: Ct));
        var listed = await (await Database.ListCollectionsAsync(new ListCollectionsOptions
        {
            Filter = new BsonDocument("name", collection.CollectionNamespace.CollectionName),
        }, Ct)).SingleAsync(Ct);

        Assert.Equal(121, failed.Code);
        Assert.Equal(1, failed.Result["errInfo"]["failingDocumentId"].AsInt32);
        Assert.Equal(121, strict.WriteError.Code);
        Assert.Equal(Doc("{x: {$type: 'string'}}"), listed["options"]["validator"]);
        Assert.Equal("strict", listed["options"]["validationLevel"].AsString);
        Assert.Equal(["{ \"_id\" : 1, \"x\" : \"a\" }", "{ \"_id\" : 2, \"x\" : 2 }"], (await collection.Find("{}").Sort("{_id: 1}").ToListAsync(Ct)).Select(d => d.ToJson()));
    }

    [Fact]
    public async Task Moderate_level_spares_invalid_documents_and_warn_action_lets_writes_through()
    {
        var moderate = NewCollection("moderate");
        await moderate.InsertManyAsync(Docs("{_id: 1, x: 'a'}", "{_id: 2, x: 2}"), cancellationToken: Ct);
        await Database.RunCommandAsync<BsonDocument>(new BsonDocument
        {
            { "collMod", moderate.CollectionNamespace.CollectionName },
            { "validator", Doc("{x: {$type: 'string'}}") },
            { "validationLevel", "moderate" },
        }, cancellationToken: Ct);
        var warn = await ValidatedAsync(nameof(Moderate_level_spares_invalid_documents_and_warn_action_lets_writes_through), ", validationAction: 'warn'");

        await moderate.UpdateOneAsync("{_id: 2}", "{$set: {y: 1}}", cancellationToken: Ct);
        var spoiled = await Assert.ThrowsAsync<MongoWriteException>(() => moderate.UpdateOneAsync("{_id: 1}", "{$set: {x: 1}}", cancellationToken: Ct));
        await warn.InsertOneAsync(Doc("{_id: 1, x: 1}"), cancellationToken: Ct);

        Assert.Equal(121, spoiled.WriteError.Code);
        Assert.Equal(1, await moderate.CountDocumentsAsync("{y: 1}", cancellationToken: Ct));
        Assert.Equal(1, await warn.CountDocumentsAsync("{}", cancellationToken: Ct));
    }
}
