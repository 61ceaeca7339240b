using System.Globalization;
using BayitPlus.Api.Infrastructure.Auth;
using BayitPlus.Api.Tests.Support;
using BayitPlus.MongoEmulator;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Tests.Features.ChannelChat;

/// <summary>Pings every 200 ms, and a socket silent for a second is closed.</summary>
public sealed class KeepaliveChatApiFactory : ChatApiFactory
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
    {
        ["Chat:PingInterval"] = "00:00:00.200",
        ["Chat:PongTimeout"] = "00:00:01",
    };
}

public sealed class ChatKeepaliveTests(KeepaliveChatApiFactory api) : IClassFixture<KeepaliveChatApiFactory>
{
    [Fact]
    public async Task A_client_answering_pings_stays_and_one_that_does_not_is_closed_with_4008()
    {
        var channel = await api.NewChannelAsync();
        var (answering, _) = await ChatClient.JoinAsync(api.ChatUri(channel), (await api.SignUpAsync()).AccessToken);
        var (silent, _) = await ChatClient.JoinAsync(api.ChatUri(channel), (await api.SignUpAsync()).AccessToken);
        await using var __ = answering;
        await using var ___ = silent;
        silent.AnswerPings = false;

        var code = await silent.ClosedAsync();
        await answering.ChatAsync("still here");

        Assert.Equal(4008, code);
        Assert.Equal("still here", (await answering.NextAsync("message"))["message"]!.GetValue<string>());
        Assert.Contains(answering.Seen, f => f["type"]!.GetValue<string>() == "ping");
    }

    [Fact]
    public async Task A_reader_whose_account_is_deactivated_is_closed_with_4001_without_sending_anything()
    {
        var channel = await api.NewChannelAsync();
        var user = await api.SignUpAsync();
        var (reader, _) = await ChatClient.JoinAsync(api.ChatUri(channel), user.AccessToken);
        await using var _ = reader;

        await api.Raw("user").UpdateOneAsync(new BsonDocument("_id", ObjectId.Parse(user.Id)), new BsonDocument("$set", new BsonDocument("is_active", false)), cancellationToken: Http.Ct);

        Assert.Equal(4001, await reader.ClosedAsync(TimeSpan.FromSeconds(15)));
    }

    [Fact]
    public async Task Authenticating_again_with_a_new_token_keeps_the_socket_and_another_accounts_token_closes_it()
    {
        var channel = await api.NewChannelAsync();
        var user = await api.SignUpAsync();
        var (client, _) = await ChatClient.JoinAsync(api.ChatUri(channel), user.AccessToken);
        await using var _ = client;

        await client.SendAsync(new { type = "authenticate", token = api.MintAccessToken(user.Id, user.Email, user.Role) });
        await client.ChatAsync("still me");
        var delivered = await client.NextAsync("message");
        await client.SendAsync(new { type = "authenticate", token = (await api.SignUpAsync()).AccessToken });

        Assert.Equal("still me", delivered["message"]!.GetValue<string>());
        Assert.Equal(4001, await client.ClosedAsync());
    }
}

/// <summary>Access tokens live two seconds, and pings every 200 ms check them.</summary>
public sealed class ShortTokenChatApiFactory : ChatApiFactory
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
    {
        ["Jwt:AccessTokenLifetime"] = "00:00:02",
        ["Chat:PingInterval"] = "00:00:00.200",
    };
}

public sealed class ChatTokenExpiryTests(ShortTokenChatApiFactory api) : IClassFixture<ShortTokenChatApiFactory>
{
    [Fact]
    public async Task A_socket_closes_with_4001_once_its_token_expires()
    {
        var channel = await api.NewChannelAsync();
        var (client, _) = await ChatClient.JoinAsync(api.ChatUri(channel), (await api.SignUpAsync()).AccessToken);
        await using var _ = client;

        Assert.Equal(4001, await client.ClosedAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Authenticating_again_before_expiry_keeps_the_socket_past_the_first_tokens_life()
    {
        var channel = await api.NewChannelAsync();
        var user = await api.SignUpAsync();
        var (client, _) = await ChatClient.JoinAsync(api.ChatUri(channel), user.AccessToken);
        await using var _ = client;

        for (var i = 0; i < 5; i++)
        {
            await client.SendAsync(new { type = "authenticate", token = api.MintAccessToken(user.Id, user.Email, user.Role) });
            await Task.Delay(TimeSpan.FromSeconds(1), Http.Ct);
        }

        Assert.Null(client.CloseCode);
        await client.ChatAsync("five seconds on a two-second token");
        Assert.Equal("five seconds on a two-second token", (await client.NextAsync("message"))["message"]!.GetValue<string>());
    }
}

/// <summary>A send queue of 256 frames and a one-second write timeout.</summary>
public sealed class SlowConsumerChatApiFactory : ChatApiFactory
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
    {
        ["Chat:SendQueueFrames"] = "256",
        ["Chat:SendTimeout"] = "00:00:01",
        ["Chat:RateLimitMessages"] = "100000",
    };
}

public sealed class ChatSlowConsumerTests(SlowConsumerChatApiFactory api) : IClassFixture<SlowConsumerChatApiFactory>
{
    [Fact]
    public async Task A_client_that_stops_reading_is_closed_and_the_others_get_every_message()
    {
        // About 10 MB of frames: more than the kernel buffers between the server and a stalled
        // client hold, so the server's writes to it really block.
        const int Count = 4_000;
        var channel = await api.NewChannelAsync();
        var (reader, _) = await ChatClient.JoinAsync(api.ChatUri(channel), (await api.SignUpAsync()).AccessToken);
        var stalledUser = await api.SignUpAsync();
        var (stalled, _) = await ChatClient.JoinAsync(api.ChatUri(channel), stalledUser.AccessToken, receiveBuffer: 4096);
        await using var __ = reader;
        await using var ___ = stalled;
        stalled.PauseReading();

        // Stored straight into the collection (as other instances would), 100 at a time, as fast
        // as the reading client takes them: the change stream fans them out faster than one sender
        // could through the rate-limited socket.
        var text = string.Concat(Enumerable.Repeat("😀", 495));
        var received = new List<string>();
        for (var batch = 0; batch < Count / 100; batch++)
        {
            await api.Messages.InsertManyAsync(Enumerable.Range(batch * 100, 100).Select(i => new BsonDocument
            {
                ["channel_id"] = channel,
                ["user_id"] = ObjectId.GenerateNewId().ToString(),
                ["username"] = "Flood",
                ["message"] = $"{i:D4} {text}",
                ["is_pinned"] = false,
                ["is_deleted"] = false,
                ["created_at"] = DateTime.UtcNow,
            }), cancellationToken: Http.Ct);
            for (var i = 0; i < 100; i++)
            {
                received.Add((await reader.NextAsync("message"))["message"]!.GetValue<string>()[..4]);
            }
        }

        var gone = await ChatSocketTests.EventuallyAsync(async () => await api.Raw("channelchatconnection")
            .CountDocumentsAsync(new BsonDocument("user_id", stalledUser.Id), cancellationToken: Http.Ct) == 0);
        stalled.ResumeReading();
        var code = await stalled.ClosedAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(Enumerable.Range(0, Count).Select(i => i.ToString("D4", CultureInfo.InvariantCulture)), received);
        Assert.True(gone, "the stalled socket is still open on the server");
        Assert.True(code is null or 1008, $"closed with {code}");
        Assert.True(stalled.Seen.Count(f => f["type"]!.GetValue<string>() == "message") < Count, "the stalled client was never cut off");
    }
}

/// <summary>A second API instance on the chat host's database.</summary>
public sealed class SecondChatInstanceApiFactory(ChatApiFactory first) : ChatApiFactory
{
    protected override string? SharedDatabaseName => first.DatabaseName;
}

/// <summary>Two instances form one room: the change stream, not the process, carries the messages.</summary>
[Collection<ChatCollection>]
public sealed class ChatTwoInstancesTests(ChatApiFactory api)
{
    [Fact]
    public async Task Messages_moderation_and_presence_cross_instances()
    {
        await using var second = new SecondChatInstanceApiFactory(api);
        await second.InitializeAsync();
        var channel = await api.NewChannelAsync();
        var target = await api.SignUpAsync();
        var (onFirst, _) = await ChatClient.JoinAsync(api.ChatUri(channel), target.AccessToken);
        var (onSecond, connected) = await ChatClient.JoinAsync(second.ChatUri(channel), (await api.SignUpAsync()).AccessToken);
        await using var __ = onFirst;
        await using var ___ = onSecond;

        await onFirst.ChatAsync("from the first instance");
        var crossed = await onSecond.NextAsync("message");
        var (_, admin) = await second.SignedInClientAsync(Roles.Admin);
        await admin.PostJsonAsync($"/api/admin/live/channels/{channel}/chat/mutes", new { userId = target.Id, minutes = 5, reason = "test" });
        var muted = await onFirst.NextAsync("muted");

        Assert.Equal(2, connected["userCount"]!.GetValue<int>());
        Assert.Equal("from the first instance", crossed["message"]!.GetValue<string>());
        Assert.NotNull(muted["until"]);
        // The count may have reached 2 before the frames waited for above, so look at all seen.
        Assert.True(await ChatSocketTests.EventuallyAsync(() => Task.FromResult(onFirst.SeenFrames().Any(f => f.Contains("\"presence\",\"userCount\":2", StringComparison.Ordinal)))));
    }
}

/// <summary>The API on an emulator of its own, so the tests can kill every session's cursors (the
/// chat change stream's among them) without touching other tests' work; its change history keeps
/// only <see cref="History"/> events, so a stream can fall behind it.</summary>
public sealed class OwnEmulatorChatApiFactory : ChatApiFactory
{
    public const int History = 500;

    private MongoEmulatorServer? _emulator;

    public MongoClient Emulator { get; private set; } = null!;

    protected override async Task BeforeHostStartsAsync(IMongoDatabase database)
    {
        _emulator = await MongoEmulatorServer.StartAsync(new MongoEmulatorOptions { ChangeHistoryEntries = History }, Http.Ct);
        Emulator = new MongoClient(_emulator.ConnectionString);
    }

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
    {
        [BayitPlus.Api.Infrastructure.Mongo.MongoSettings.UriKey] = _emulator!.ConnectionString,
    };

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Emulator.Dispose();
        if (_emulator is not null)
        {
            await _emulator.DisposeAsync();
        }
    }
}

public sealed class ChatStreamResumeTests(OwnEmulatorChatApiFactory api) : IClassFixture<OwnEmulatorChatApiFactory>
{
    private static int _channelNumber;

    private IMongoDatabase Database => api.Emulator.GetDatabase(api.DatabaseName);

    private async Task<string> ChannelAsync()
    {
        var channelId = ObjectId.GenerateNewId();
        await Database.GetCollection<BsonDocument>("livechannel").InsertOneAsync(new BsonDocument
        {
            ["_id"] = channelId, ["channel_name"] = "Resume", ["channel_number"] = Interlocked.Increment(ref _channelNumber), ["stream_url"] = "https://s.example/l.m3u8", ["is_active"] = true,
        }, cancellationToken: Http.Ct);
        return channelId.ToString();
    }

    private Task KillAllSessionsAsync() =>
        api.Emulator.GetDatabase("admin").RunCommandAsync<BsonDocument>(new BsonDocument("killAllSessions", new BsonArray()), cancellationToken: Http.Ct);

    [Fact]
    public async Task A_stream_that_fell_behind_the_servers_history_closes_its_sockets_with_1012_and_they_rejoin()
    {
        var channel = await ChannelAsync();
        var (client, _) = await ChatClient.JoinAsync(api.ChatUri(channel), (await api.SignUpAsync()).AccessToken);
        await using var __ = client;

        // One command writes more events than the history keeps: the stream's next read point is gone.
        await Database.GetCollection<BsonDocument>("channelchatmessage").InsertManyAsync(Enumerable.Range(0, OwnEmulatorChatApiFactory.History + 100).Select(i => new BsonDocument
        {
            ["channel_id"] = channel, ["user_id"] = ObjectId.GenerateNewId().ToString(), ["username"] = "Burst", ["message"] = $"missed {i}",
            ["is_pinned"] = false, ["is_deleted"] = false, ["created_at"] = DateTime.UtcNow,
        }), cancellationToken: Http.Ct);

        Assert.Equal(1012, await client.ClosedAsync(TimeSpan.FromSeconds(20)));
        var (rejoined, connected) = await ChatClient.JoinAsync(api.ChatUri(channel), (await api.SignUpAsync()).AccessToken);
        await using var ___ = rejoined;
        await rejoined.ChatAsync("after the restart");
        Assert.Equal($"missed {OwnEmulatorChatApiFactory.History + 99}", connected["recent"]!.AsArray()[^1]!["message"]!.GetValue<string>());
        Assert.Equal("after the restart", (await rejoined.NextAsync("message"))["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Messages_sent_while_the_change_stream_is_killed_are_delivered_once_it_resumes()
    {
        var channel = await ChannelAsync();
        var (sender, _) = await ChatClient.JoinAsync(api.ChatUri(channel), (await api.SignUpAsync()).AccessToken);
        await using var __ = sender;
        await sender.ChatAsync("before");
        await sender.NextAsync("message");

        await KillAllSessionsAsync();
        await sender.ChatAsync("during");
        await sender.ChatAsync("after");

        Assert.Equal("during", (await sender.NextAsync("message"))["message"]!.GetValue<string>());
        Assert.Equal("after", (await sender.NextAsync("message"))["message"]!.GetValue<string>());
    }
}
