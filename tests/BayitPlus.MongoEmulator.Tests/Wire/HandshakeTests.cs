using MongoDB.Bson;

namespace BayitPlus.MongoEmulator.Tests.Wire;

public sealed class HandshakeTests
{
    [Fact]
    public async Task Hello_describes_a_single_member_replica_set_primary()
    {
        var now = new DateTimeOffset(2024, 5, 6, 7, 8, 9, TimeSpan.Zero);
        var executor = new FakeExecutor();
        await using var server = await FakeExecutor.StartServerAsync(executor, new MongoEmulatorOptions { ReplicaSetName = "bayit", Time = new FixedTime(now) });
        using var client = await RawClient.ConnectAsync(server.Port);

        await client.SendAsync(RawClient.OpMsg(1, new BsonDocument { { "hello", 1 }, { "$db", "admin" } }));
        var hello = (await client.ReadReplyAsync()).Document;

        var host = $"127.0.0.1:{server.Port}";
        Assert.True(hello["helloOk"].AsBoolean);
        Assert.True(hello["isWritablePrimary"].AsBoolean);
        Assert.False(hello.Contains("ismaster"));
        Assert.False(hello["secondary"].AsBoolean);
        Assert.Equal("bayit", hello["setName"].AsString);
        Assert.Equal(1, hello["setVersion"].AsInt32);
        Assert.Equal(new BsonArray { host }, hello["hosts"]);
        Assert.Equal(host, hello["primary"].AsString);
        Assert.Equal(host, hello["me"].AsString);
        Assert.IsType<BsonObjectId>(hello["electionId"]);
        Assert.Equal(now.ToUnixTimeSeconds(), hello["lastWrite"]["opTime"]["ts"].AsBsonTimestamp.Timestamp);
        Assert.Equal(now.UtcDateTime, hello["localTime"].ToUniversalTime());
        Assert.Equal(16 * 1024 * 1024, hello["maxBsonObjectSize"].AsInt32);
        Assert.Equal(48_000_000, hello["maxMessageSizeBytes"].AsInt32);
        Assert.Equal(100_000, hello["maxWriteBatchSize"].AsInt32);
        Assert.Equal(30, hello["logicalSessionTimeoutMinutes"].AsInt32);
        Assert.Equal(25, hello["maxWireVersion"].AsInt32);
        Assert.False(hello["readOnly"].AsBoolean);
        Assert.Equal(1.0, hello["ok"].ToDouble());
        Assert.False(hello.Contains("topologyVersion"));
        Assert.False(hello.Contains("compression"));
        Assert.Empty(executor.Received);
    }

    [Fact]
    public async Task Legacy_isMaster_answers_ismaster_and_helloOk_only_when_asked()
    {
        await using var server = await FakeExecutor.StartServerAsync(new FakeExecutor());
        using var client = await RawClient.ConnectAsync(server.Port);

        await client.SendAsync(RawClient.OpMsg(1, new BsonDocument { { "isMaster", 1 }, { "$db", "admin" } }));
        var plain = (await client.ReadReplyAsync()).Document;
        await client.SendAsync(RawClient.OpMsg(2, new BsonDocument { { "ISMASTER", 1 }, { "helloOk", true }, { "$db", "admin" } }));
        var asked = (await client.ReadReplyAsync()).Document;

        Assert.True(plain["ismaster"].AsBoolean);
        Assert.False(plain.Contains("isWritablePrimary"));
        Assert.False(plain.Contains("helloOk"));
        Assert.True(asked["helloOk"].AsBoolean);
    }

    [Fact]
    public async Task Each_connection_gets_its_own_id_and_the_election_id_is_stable()
    {
        await using var server = await FakeExecutor.StartServerAsync(new FakeExecutor());
        using var first = await RawClient.ConnectAsync(server.Port);
        using var second = await RawClient.ConnectAsync(server.Port);
        var hello = RawClient.OpMsg(1, new BsonDocument { { "hello", 1 }, { "$db", "admin" } });

        await first.SendAsync(hello);
        await second.SendAsync(hello);
        var a = (await first.ReadReplyAsync()).Document;
        var b = (await second.ReadReplyAsync()).Document;

        Assert.NotEqual(a["connectionId"], b["connectionId"]);
        Assert.Equal(a["electionId"], b["electionId"]);
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
