using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.MongoEmulator.Tests.Engine;

/// <summary>What the emulator's <c>failCommand</c> fail point cannot honour it refuses (NotImplemented),
/// never accepts and ignores. Not conformance tests: a real server honours all of these.</summary>
public sealed class FailPointLimitsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("{activationProbability: 0.5}", "{failCommands: ['find'], errorCode: 8}")]
    [InlineData("'alwaysOn'", "{failCommands: ['find'], errorCode: 8, namespace: 'db.coll'}")]
    [InlineData("'alwaysOn'", "{failCommands: ['hello'], errorCode: 8}")]
    [InlineData("'alwaysOn'", "{failCommands: ['isMaster'], closeConnection: true}")]
    public async Task Unsupported_modes_and_options_are_refused(string mode, string data)
    {
        await using var server = await MongoEmulatorServer.StartAsync(cancellationToken: Ct);
        using var client = new MongoClient(server.ConnectionString);

        var refused = await Assert.ThrowsAsync<MongoCommandException>(() => client.GetDatabase("admin").RunCommandAsync<BsonDocument>(
            BsonDocument.Parse($"{{configureFailPoint: 'failCommand', mode: {mode}, data: {data}}}"), cancellationToken: Ct));

        Assert.Equal(238, refused.Code);
        Assert.Empty(await client.GetDatabase("db").GetCollection<BsonDocument>("coll").Find("{}").ToListAsync(Ct));
    }
}
