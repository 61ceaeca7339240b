using System.Buffers.Binary;
using System.Text;
using MongoDB.Bson;

namespace BayitPlus.MongoEmulator.Tests.Wire;

/// <summary>Hand-made messages, well-formed and not. After every bad one the server must still serve a new client.</summary>
public sealed class RawProtocolTests
{
    private static readonly BsonDocument Ping = new() { { "ping", 1 }, { "$db", "admin" } };

    [Fact]
    public async Task OP_MSG_ping_is_answered_with_an_OP_MSG_reply()
    {
        await using var server = await FakeExecutor.StartServerAsync(new FakeExecutor());
        using var client = await RawClient.ConnectAsync(server.Port);

        await client.SendAsync(RawClient.OpMsg(42, Ping));
        var reply = await client.ReadReplyAsync();

        Assert.Equal(2013, reply.OpCode);
        Assert.Equal(42, reply.ResponseTo);
        Assert.Equal(0, reply.Flags);
        Assert.Equal(new BsonDocument("ok", 1.0), reply.Document);
    }

    [Fact]
    public async Task Document_sequences_are_folded_into_the_body_as_arrays()
    {
        var executor = new FakeExecutor();
        await using var server = await FakeExecutor.StartServerAsync(executor);
        using var client = await RawClient.ConnectAsync(server.Port);
        var body = new BsonDocument { { "insert", "items" }, { "$db", "shop" } };

        await client.SendAsync(RawClient.OpMsg(1, body, 0, ("documents", [new BsonDocument("a", 1), new BsonDocument("a", 2)]), ("extra", [])));
        var reply = await client.ReadReplyAsync();

        Assert.Equal(2, reply.Document["n"].AsInt32);
        var (database, command, _) = Assert.Single(executor.Received);
        Assert.Equal("shop", database);
        Assert.Equal(new BsonArray { new BsonDocument("a", 1), new BsonDocument("a", 2) }, command["documents"]);
        Assert.Equal(new BsonArray(), command["extra"]);
    }

    [Fact]
    public async Task A_checksum_flagged_OP_MSG_is_accepted()
    {
        await using var server = await FakeExecutor.StartServerAsync(new FakeExecutor());
        using var client = await RawClient.ConnectAsync(server.Port);
        var message = RawClient.OpMsg(5, Ping, flags: 1);
        var withChecksum = new byte[message.Length + 4];
        message.CopyTo(withChecksum, 0);
        BinaryPrimitives.WriteInt32LittleEndian(withChecksum, withChecksum.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(withChecksum.AsSpan(message.Length), 0xDEADBEEF);

        await client.SendAsync(withChecksum);
        var reply = await client.ReadReplyAsync();

        Assert.Equal(5, reply.ResponseTo);
        Assert.Equal(1.0, reply.Document["ok"].ToDouble());
    }

    [Fact]
    public async Task MoreToCome_runs_the_command_without_replying()
    {
        var executor = new FakeExecutor();
        await using var server = await FakeExecutor.StartServerAsync(executor);
        using var client = await RawClient.ConnectAsync(server.Port);

        await client.SendAsync(RawClient.OpMsg(1, new BsonDocument { { "echo", "silent" }, { "$db", "test" } }, flags: 2));
        await client.SendAsync(RawClient.OpMsg(2, Ping));
        var reply = await client.ReadReplyAsync();

        Assert.Equal(2, reply.ResponseTo);
        Assert.Equal(["echo", "ping"], executor.Received.Select(r => r.Command.GetElement(0).Name));
    }

    [Fact]
    public async Task OP_MSG_without_db_gets_an_error_reply()
    {
        await using var server = await FakeExecutor.StartServerAsync(new FakeExecutor());
        using var client = await RawClient.ConnectAsync(server.Port);

        await client.SendAsync(RawClient.OpMsg(1, new BsonDocument("ping", 1)));
        var reply = await client.ReadReplyAsync();

        Assert.Equal(0.0, reply.Document["ok"].ToDouble());
        Assert.Equal(40571, reply.Document["code"].AsInt32);
        await AssertStillServesAsync(client);
    }

    [Fact]
    public async Task OP_QUERY_isMaster_is_answered_with_OP_REPLY()
    {
        await using var server = await FakeExecutor.StartServerAsync(new FakeExecutor());
        using var client = await RawClient.ConnectAsync(server.Port);

        await client.SendAsync(RawClient.OpQuery(9, "admin.$cmd", new BsonDocument { { "isMaster", 1 }, { "helloOk", true } }));
        var reply = await client.ReadReplyAsync();

        Assert.Equal(1, reply.OpCode);
        Assert.Equal(9, reply.ResponseTo);
        Assert.Equal(1, reply.NumberReturned);
        Assert.True(reply.Document["ismaster"].AsBoolean);
        Assert.True(reply.Document["helloOk"].AsBoolean);
        Assert.Equal("rs0", reply.Document["setName"].AsString);
        await AssertServerServesNewClientAsync(server);
    }

    [Fact]
    public async Task OP_QUERY_unwraps_a_dollar_query_wrapper()
    {
        await using var server = await FakeExecutor.StartServerAsync(new FakeExecutor());
        using var client = await RawClient.ConnectAsync(server.Port);
        var query = new BsonDocument { { "$query", new BsonDocument("ismaster", 1) }, { "$readPreference", new BsonDocument("mode", "primaryPreferred") } };

        await client.SendAsync(RawClient.OpQuery(3, "admin.$cmd", query));
        var reply = await client.ReadReplyAsync();

        Assert.True(reply.Document["ismaster"].AsBoolean);
        Assert.False(reply.Document.Contains("helloOk"));
    }

    [Fact]
    public async Task OP_QUERY_serves_only_the_handshake()
    {
        var executor = new FakeExecutor();
        await using var server = await FakeExecutor.StartServerAsync(executor);
        using var client = await RawClient.ConnectAsync(server.Port);

        await client.SendAsync(RawClient.OpQuery(3, "admin.$cmd", new BsonDocument("ping", 1)));
        var reply = await client.ReadReplyAsync();

        Assert.Equal(352, reply.Document["code"].AsInt32);
        Assert.Equal("UnsupportedOpQueryCommand", reply.Document["codeName"].AsString);
        Assert.Empty(executor.Received);
        await AssertStillServesAsync(client);
    }

    [Fact]
    public async Task OP_QUERY_on_a_collection_gets_a_query_failure()
    {
        await using var server = await FakeExecutor.StartServerAsync(new FakeExecutor());
        using var client = await RawClient.ConnectAsync(server.Port);

        await client.SendAsync(RawClient.OpQuery(4, "shop.items", new BsonDocument()));
        var reply = await client.ReadReplyAsync();

        Assert.Equal(1, reply.OpCode);
        Assert.Equal(2, reply.Flags & 2);
        Assert.True(reply.Document.Contains("$err"));
        await AssertStillServesAsync(client);
    }

    [Fact]
    public Task Garbage_bytes_close_only_that_connection() =>
        AssertRejectedAsync(Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"));

    [Fact]
    public Task A_header_claiming_one_gigabyte_closes_the_connection()
    {
        var header = RawClient.Message(1, 2013, []);
        BinaryPrimitives.WriteInt32LittleEndian(header, 1 << 30);
        return AssertRejectedAsync(header);
    }

    [Fact]
    public Task A_message_over_the_configured_maximum_closes_the_connection() =>
        AssertRejectedAsync(RawClient.OpMsg(1, new BsonDocument { { "echo", new string('x', 2000) }, { "$db", "test" } }), new MongoEmulatorOptions { MaxMessageSizeBytes = 1000 });

    [Fact]
    public Task A_length_shorter_than_the_header_closes_the_connection()
    {
        var header = RawClient.Message(1, 2013, []);
        BinaryPrimitives.WriteInt32LittleEndian(header, 8);
        return AssertRejectedAsync(header);
    }

    [Theory]
    [InlineData(2012)]
    [InlineData(2002)]
    [InlineData(1)]
    public Task Unsupported_opcodes_close_the_connection(int opCode) =>
        AssertRejectedAsync(RawClient.Message(1, opCode, Ping.ToBson()));

    [Fact]
    public Task Invalid_BSON_closes_the_connection()
    {
        var message = RawClient.OpMsg(1, Ping);
        message[16 + 5 + 4] = 0x55; // the first element's type byte: no such BSON type
        return AssertRejectedAsync(message);
    }

    [Fact]
    public Task A_document_running_past_the_message_closes_the_connection()
    {
        var message = RawClient.OpMsg(1, Ping);
        BinaryPrimitives.WriteInt32LittleEndian(message.AsSpan(16 + 5), 4096);
        return AssertRejectedAsync(message);
    }

    [Fact]
    public Task A_document_sequence_running_past_the_message_closes_the_connection()
    {
        var message = RawClient.OpMsg(1, Ping, 0, ("documents", [new BsonDocument("a", 1)]));
        var sequenceSize = 16 + 5 + Ping.ToBson().Length + 1;
        BinaryPrimitives.WriteInt32LittleEndian(message.AsSpan(sequenceSize), 4096);
        return AssertRejectedAsync(message);
    }

    [Fact]
    public Task An_OP_MSG_without_a_body_closes_the_connection() =>
        AssertRejectedAsync(RawClient.Message(1, 2013, [0, 0, 0, 0]));

    [Fact]
    public Task An_unknown_section_kind_closes_the_connection()
    {
        var message = RawClient.OpMsg(1, Ping);
        message[16 + 4] = 7;
        return AssertRejectedAsync(message);
    }

    [Fact]
    public Task An_unknown_required_flag_closes_the_connection() =>
        AssertRejectedAsync(RawClient.OpMsg(1, Ping, flags: 1 << 4));

    [Fact]
    public Task A_sequence_named_like_a_body_field_closes_the_connection() =>
        AssertRejectedAsync(RawClient.OpMsg(1, Ping, 0, ("ping", [new BsonDocument()])));

    [Fact]
    public async Task A_truncated_message_then_disconnect_leaves_the_server_running()
    {
        var executor = new FakeExecutor();
        await using var server = await FakeExecutor.StartServerAsync(executor);
        using (var client = await RawClient.ConnectAsync(server.Port))
        {
            var message = RawClient.OpMsg(1, Ping);
            await client.SendAsync(message[..(message.Length - 6)]);
        }

        await AssertServerServesNewClientAsync(server);
        Assert.Single(executor.Received);
    }

    [Fact]
    public async Task A_disconnect_inside_a_header_leaves_the_server_running()
    {
        await using var server = await FakeExecutor.StartServerAsync(new FakeExecutor());
        using (var client = await RawClient.ConnectAsync(server.Port))
        {
            await client.SendAsync([1, 2, 3]);
        }

        await AssertServerServesNewClientAsync(server);
    }

    private static async Task AssertRejectedAsync(byte[] bytes, MongoEmulatorOptions? options = null)
    {
        var executor = new FakeExecutor();
        await using var server = await FakeExecutor.StartServerAsync(executor, options);

        // Connection ids count from 1: the survivor gets 1, the offender 2.
        using var survivor = await RawClient.ConnectAsync(server.Port);
        await AssertStillServesAsync(survivor);
        using var offender = await RawClient.ConnectAsync(server.Port);

        await offender.SendAsync(bytes);

        await offender.AssertClosedByServerAsync();
        await AssertStillServesAsync(survivor);
        await AssertServerServesNewClientAsync(server);
        Assert.DoesNotContain(executor.Received, r => r.ConnectionId == 2);
    }

    private static async Task AssertServerServesNewClientAsync(MongoEmulatorServer server)
    {
        using var client = await RawClient.ConnectAsync(server.Port);
        await AssertStillServesAsync(client);
    }

    private static async Task AssertStillServesAsync(RawClient client)
    {
        await client.SendAsync(RawClient.OpMsg(77, Ping));
        var reply = await client.ReadReplyAsync();
        Assert.Equal(77, reply.ResponseTo);
        Assert.Equal(1.0, reply.Document["ok"].ToDouble());
    }
}
