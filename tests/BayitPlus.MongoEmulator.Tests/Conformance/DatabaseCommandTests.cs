using BayitPlus.Testing;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.MongoEmulator.Tests.Conformance;

public sealed class DatabaseCommandTests(MongoDatabaseFixture fixture) : ConformanceTest(fixture)
{
    [Fact]
    public async Task Dropping_a_collection_that_does_not_exist_succeeds()
    {
        var name = Fixture.NewCollectionName("never_created");

        var reply = await Database.RunCommandAsync<BsonDocument>(new BsonDocument("drop", name), cancellationToken: Ct);

        Assert.Equal(1.0, reply["ok"].ToDouble());
        Assert.DoesNotContain(name, await CollectionNamesAsync(Database));
    }

    private async Task<List<string>> CollectionNamesAsync(IMongoDatabase database)
    {
        using var cursor = await database.ListCollectionNamesAsync(cancellationToken: Ct);
        return await cursor.ToListAsync(Ct);
    }

    private async Task<List<string>> DatabaseNamesAsync()
    {
        using var cursor = await Backend.Client.ListDatabaseNamesAsync(Ct);
        return await cursor.ToListAsync(Ct);
    }

    [Fact]
    public async Task Ping_hello_and_buildInfo_answer()
    {
        var admin = Backend.Client.GetDatabase("admin");

        var ping = await admin.RunCommandAsync<BsonDocument>(Doc("{ping: 1}"), cancellationToken: Ct);
        var hello = await admin.RunCommandAsync<BsonDocument>(Doc("{hello: 1}"), cancellationToken: Ct);
        var buildInfo = await admin.RunCommandAsync<BsonDocument>(Doc("{buildInfo: 1}"), cancellationToken: Ct);

        Assert.Equal(1, ping["ok"].ToInt32());
        Assert.True(hello["isWritablePrimary"].ToBoolean());
        Assert.True(hello.Contains("setName"), "a replica set member names its set");
        Assert.True(hello["maxWireVersion"].ToInt32() >= 21, "MongoDB 7.0 or newer");
        Assert.Matches(@"^\d+\.\d+", buildInfo["version"].AsString);
    }

    [Fact]
    public async Task Unknown_command_fails_with_CommandNotFound()
    {
        var ex = await Assert.ThrowsAsync<MongoCommandException>(() =>
            Database.RunCommandAsync<BsonDocument>(Doc("{frobnicateTheServer: 1}"), cancellationToken: Ct));

        Assert.Equal(59, ex.Code);
    }

    [Fact]
    public async Task Create_list_and_drop_collections()
    {
        var explicitName = Fixture.NewCollectionName("explicit");
        var implicitName = Fixture.NewCollectionName("implicit");

        await Database.CreateCollectionAsync(explicitName, cancellationToken: Ct);
        await Database.GetCollection<BsonDocument>(implicitName).InsertOneAsync(Doc("{_id: 1}"), cancellationToken: Ct);
        var names = await CollectionNamesAsync(Database);
        var exists = await Assert.ThrowsAsync<MongoCommandException>(() => Database.CreateCollectionAsync(explicitName, cancellationToken: Ct));
        await Database.DropCollectionAsync(explicitName, Ct);
        await Database.DropCollectionAsync(Fixture.NewCollectionName("never_created"), Ct);
        var afterDrop = await CollectionNamesAsync(Database);

        Assert.Contains(explicitName, names);
        Assert.Contains(implicitName, names);
        Assert.Equal(48, exists.Code);
        Assert.DoesNotContain(explicitName, afterDrop);
        Assert.Contains(implicitName, afterDrop);
    }

    [Theory]
    [InlineData("{foo: 1}", 40415)]
    [InlineData("{capacity: 10}", 40415)]
    [InlineData("{pipeline: []}", 72)]
    public async Task Create_refuses_what_its_parser_does_not_know(string options, int code)
    {
        var name = Fixture.NewCollectionName("refused");
        var command = new BsonDocument("create", name);
        command.AddRange(Doc(options));

        var error = await Assert.ThrowsAsync<MongoCommandException>(() => Database.RunCommandAsync<BsonDocument>(command, cancellationToken: Ct));

        Assert.Equal(code, error.Code);
        Assert.DoesNotContain(name, await CollectionNamesAsync(Database));
    }

    [Fact]
    public async Task ListCollections_filters_by_name_and_reports_the_type()
    {
        var name = Fixture.NewCollectionName();
        await Database.CreateCollectionAsync(name, cancellationToken: Ct);

        using var cursor = await Database.ListCollectionsAsync(
            new ListCollectionsOptions { Filter = new BsonDocument("name", name) }, Ct);
        var listed = Assert.Single(await cursor.ToListAsync(Ct));

        Assert.Equal(name, listed["name"].AsString);
        Assert.Equal("collection", listed["type"].AsString);
    }

    [Fact]
    public async Task Dropping_a_collection_removes_its_documents_and_indexes()
    {
        var collection = NewCollection();
        await collection.InsertOneAsync(Doc("{_id: 1, k: 1}"), cancellationToken: Ct);
        await collection.Indexes.CreateOneAsync(new CreateIndexModel<BsonDocument>(Doc("{k: 1}")), cancellationToken: Ct);

        await Database.DropCollectionAsync(collection.CollectionNamespace.CollectionName, Ct);
        await collection.InsertOneAsync(Doc("{_id: 1, k: 1}"), cancellationToken: Ct);

        using var indexes = await collection.Indexes.ListAsync(Ct);
        Assert.Equal(["_id_"], (await indexes.ToListAsync(Ct)).Select(i => i["name"].AsString));
        Assert.Equal(1, await collection.CountDocumentsAsync("{}", cancellationToken: Ct));
    }

    [Fact]
    public async Task ListDatabases_and_DropDatabase()
    {
        var database = Backend.CreateUniqueDatabase("dropme");
        var name = database.DatabaseNamespace.DatabaseName;
        await database.GetCollection<BsonDocument>("c").InsertOneAsync(Doc("{_id: 1}"), cancellationToken: Ct);

        var before = await DatabaseNamesAsync();
        await Backend.Client.DropDatabaseAsync(name, Ct);
        var after = await DatabaseNamesAsync();

        Assert.Contains(name, before);
        Assert.DoesNotContain(name, after);
        Assert.Empty(await CollectionNamesAsync(database));
    }
}
