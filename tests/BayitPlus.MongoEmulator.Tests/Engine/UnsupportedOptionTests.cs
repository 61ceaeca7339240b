using BayitPlus.MongoEmulator.Engine;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.MongoEmulator.Tests.Engine;

/// <summary>Options MongoDB 8.0 knows and the emulator does not implement: refused with
/// NotImplemented (238), never accepted and ignored. Not conformance tests: a real server runs them.</summary>
public sealed class UnsupportedOptionTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<int> CodeAsync(IMongoDatabase database, string command)
    {
        var error = await Assert.ThrowsAsync<MongoCommandException>(() => database.RunCommandAsync<BsonDocument>(BsonDocument.Parse(command), cancellationToken: Ct));
        return error.Code;
    }

    [Theory]
    [InlineData("{create: 'c', capped: true, size: 4096}")]
    [InlineData("{create: 'c', timeseries: {timeField: 't'}}")]
    [InlineData("{create: 'c', clusteredIndex: {key: {_id: 1}, unique: true}}")]
    [InlineData("{create: 'c', changeStreamPreAndPostImages: {enabled: true}}")]
    [InlineData("{create: 'c', expireAfterSeconds: 60}")]
    [InlineData("{create: 'c', idIndex: {key: {_id: 1}, name: '_id_'}}")]
    [InlineData("{create: 'c', storageEngine: {wiredTiger: {}}}")]
    [InlineData("{create: 'c', indexOptionDefaults: {storageEngine: {wiredTiger: {}}}}")]
    [InlineData("{create: 'c', encryptedFields: {fields: []}}")]
    [InlineData("{find: 's', min: {_id: 1}, max: {_id: 2}, hint: {_id: 1}}")]
    [InlineData("{find: 's', returnKey: true}")]
    [InlineData("{find: 's', showRecordId: true}")]
    [InlineData("{find: 's', tailable: true}")]
    [InlineData("{find: 's', collectionUUID: UUID('00000000-0000-0000-0000-000000000000')}")]
    [InlineData("{aggregate: 's', pipeline: [{$out: {db: 'unsupported', coll: 'c', timeseries: {timeField: 't'}}}], cursor: {}}")]
    public async Task Known_but_unimplemented_options_are_refused_as_not_implemented(string command)
    {
        await using var server = await MongoEmulatorServer.StartAsync(new MongoEmulatorOptions(), Ct);
        using var client = new MongoClient(server.ConnectionString);
        var database = client.GetDatabase("unsupported");
        await database.GetCollection<BsonDocument>("s").InsertOneAsync(new BsonDocument("_id", 1), cancellationToken: Ct);

        Assert.Equal(238, await CodeAsync(database, command));
        Assert.DoesNotContain("c", await (await database.ListCollectionNamesAsync(cancellationToken: Ct)).ToListAsync(Ct));
    }

    [Fact]
    public async Task Create_accepts_capped_false_which_is_what_it_does()
    {
        await using var server = await MongoEmulatorServer.StartAsync(new MongoEmulatorOptions(), Ct);
        using var client = new MongoClient(server.ConnectionString);
        var database = client.GetDatabase("unsupported");

        await database.RunCommandAsync<BsonDocument>(BsonDocument.Parse("{create: 'c', capped: false}"), cancellationToken: Ct);

        Assert.Contains("c", await (await database.ListCollectionNamesAsync(cancellationToken: Ct)).ToListAsync(Ct));
    }

    [Fact]
    public void NoCursorTimeout_cursors_outlive_the_idle_timeout()
    {
        var cursors = new CursorManager();
        var start = DateTime.UnixEpoch;
        var idle = cursors.Open("d.c", [new BsonDocument()], null, start);
        var kept = cursors.Open("d.c", [new BsonDocument()], null, start, noTimeout: true);

        cursors.CloseIdle(start.AddMinutes(11));

        Assert.Null(cursors.Get(idle.Id));
        Assert.Same(kept, cursors.Get(kept.Id));
    }
}
