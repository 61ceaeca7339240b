using BayitPlus.Testing;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.MongoEmulator.Tests.Conformance;

/// <summary>Which commands register the logical session they carry, as <c>$listLocalSessions</c>
/// shows them. Without authentication the server registers the session of every command but those
/// that kill sessions (so killing sessions cannot start the caller's own).</summary>
public sealed class LogicalSessionTests(MongoDatabaseFixture fixture) : ConformanceTest(fixture)
{
    [Fact]
    public async Task Commands_register_their_session_except_those_that_kill_sessions()
    {
        // A client of its own: the shared client's pool hands out session ids other tests have used.
        using var client = Backend.CreateClient(nameof(LogicalSessionTests));
        var admin = client.GetDatabase("admin");
        using var pinged = await client.StartSessionAsync(cancellationToken: Ct);
        using var greeted = await client.StartSessionAsync(cancellationToken: Ct);
        using var killing = await client.StartSessionAsync(cancellationToken: Ct);
        var stranger = new BsonDocument("id", new BsonBinaryData(Guid.NewGuid(), GuidRepresentation.Standard));

        await client.GetDatabase(Database.DatabaseNamespace.DatabaseName).RunCommandAsync<BsonDocument>(pinged, Doc("{ping: 1}"), cancellationToken: Ct);
        await admin.RunCommandAsync<BsonDocument>(greeted, Doc("{hello: 1}"), cancellationToken: Ct);
        await admin.RunCommandAsync<BsonDocument>(killing, new BsonDocument("killSessions", new BsonArray { stranger }), cancellationToken: Ct);
        var listed = await (await admin.AggregateAsync<BsonDocument>(
            new BsonDocument[] { Doc("{$listLocalSessions: {}}") }, cancellationToken: Ct)).ToListAsync(Ct);

        var ids = listed.Select(s => s["_id"]["id"]).ToList();
        Assert.Contains(pinged.ServerSession.Id["id"], ids);
        Assert.Contains(greeted.ServerSession.Id["id"], ids);
        Assert.DoesNotContain(killing.ServerSession.Id["id"], ids);
        Assert.DoesNotContain(stranger["id"], ids);
    }
}
