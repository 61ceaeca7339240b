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

/// <summary>The API on an emulator of its own, so the test can kill every session's cursors (the
/// chat change stream's among them) without touching other tests' work.</summary>
public sealed class OwnEmulatorChatApiFactory : ChatApiFactory
{
    private MongoEmulatorServer? _emulator;

    public MongoClient Emulator { get; private set; } = null!;

    protected override async Task BeforeHostStartsAsync(IMongoDatabase database)
    {
        _emulator = await MongoEmulatorServer.StartAsync(cancellationToken: Http.Ct);
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
    [Fact]
    public async Task Messages_sent_while_the_change_stream_is_killed_are_delivered_once_it_resumes()
    {
        var channelId = ObjectId.GenerateNewId();
        var database = api.Emulator.GetDatabase(api.DatabaseName);
        await database.GetCollection<BsonDocument>("livechannel").InsertOneAsync(new BsonDocument
        {
            ["_id"] = channelId, ["channel_name"] = "Resume", ["channel_number"] = 1, ["stream_url"] = "https://s.example/l.m3u8", ["is_active"] = true,
        }, cancellationToken: Http.Ct);
        var channel = channelId.ToString();
        var (sender, _) = await ChatClient.JoinAsync(api.ChatUri(channel), (await api.SignUpAsync()).AccessToken);
        await using var __ = sender;
        await sender.ChatAsync("before");
        await sender.NextAsync("message");

        await api.Emulator.GetDatabase("admin").RunCommandAsync<BsonDocument>(new BsonDocument("killAllSessions", new BsonArray()), cancellationToken: Http.Ct);
        await sender.ChatAsync("during");
        await sender.ChatAsync("after");

        Assert.Equal("during", (await sender.NextAsync("message"))["message"]!.GetValue<string>());
        Assert.Equal("after", (await sender.NextAsync("message"))["message"]!.GetValue<string>());
    }
}
