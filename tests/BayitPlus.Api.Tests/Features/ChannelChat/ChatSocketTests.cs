using System.Net.WebSockets;
using System.Text;
using BayitPlus.Api.Tests.Support;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Tests.Features.ChannelChat;

[CollectionDefinition]
public sealed class ChatCollection : ICollectionFixture<ChatApiFactory>;

/// <summary>The socket protocol: authentication, the close codes, the frames, sending and its refusals.</summary>
[Collection<ChatCollection>]
public sealed class ChatSocketTests(ChatApiFactory api)
{
    [Fact]
    public async Task The_connected_frame_carries_the_session_token_the_user_count_and_the_recent_messages_oldest_first()
    {
        var channel = await api.NewChannelAsync();
        var start = DateTime.UtcNow.AddMinutes(-10);
        var first = await api.StoreMessageAsync(channel, "first", start);
        await api.StoreMessageAsync(channel, "deleted", start.AddSeconds(1), deleted: true);
        var second = await api.StoreMessageAsync(channel, "second", start.AddSeconds(2), pinned: true);
        var user = await api.SignUpAsync();

        var (client, connected) = await ChatClient.JoinAsync(api.ChatUri(channel), user.AccessToken);
        await using var _ = client;

        Assert.Equal(channel, connected["channelId"]!.GetValue<string>());
        Assert.Equal(1, connected["userCount"]!.GetValue<int>());
        Assert.True(connected["sessionToken"]!.GetValue<string>().Length >= 40);
        var recent = connected["recent"]!.AsArray();
        Assert.Equal([first, second], recent.Select(m => m!["id"]!.GetValue<string>()));
        Assert.Equal("second", recent[1]!["message"]!.GetValue<string>());
        Assert.True(recent[1]!["isPinned"]!.GetValue<bool>());
    }

    [Fact]
    public async Task A_message_is_stored_with_the_account_name_then_delivered_to_everyone_in_the_channel()
    {
        var channel = await api.NewChannelAsync();
        var other = await api.NewChannelAsync();
        var sender = await api.SignUpAsync();
        var (a, _) = await ChatClient.JoinAsync(api.ChatUri(channel), sender.AccessToken);
        var (b, _) = await ChatClient.JoinAsync(api.ChatUri(channel), (await api.SignUpAsync()).AccessToken);
        var (elsewhere, _) = await ChatClient.JoinAsync(api.ChatUri(other), (await api.SignUpAsync()).AccessToken);
        await using var __ = a;
        await using var ___ = b;
        await using var ____ = elsewhere;

        await a.ChatAsync("  shalom 👋 ");

        var received = await b.NextAsync("message");
        var echoed = await a.NextAsync("message");
        Assert.Equal(received.ToJsonString(), echoed.ToJsonString());
        Assert.Equal("shalom 👋", received["message"]!.GetValue<string>());
        Assert.Equal("Test User", received["username"]!.GetValue<string>());
        Assert.Equal(sender.Id, received["userId"]!.GetValue<string>());
        Assert.False(received["isPinned"]!.GetValue<bool>());
        var stored = await api.Messages.Find(new BsonDocument("_id", ObjectId.Parse(received["id"]!.GetValue<string>()))).SingleAsync(Http.Ct);
        Assert.Equal(channel, stored["channel_id"].AsString);
        Assert.Equal(sender.Id, stored["user_id"].AsString);
        Assert.Equal("Test User", stored["username"].AsString);
        Assert.Equal("shalom 👋", stored["message"].AsString);
        Assert.Equal(a.SessionToken, stored["session_token"].AsString);
        Assert.False(stored["is_pinned"].AsBoolean);
        Assert.False(stored["is_deleted"].AsBoolean);
        Assert.Null(await elsewhere.TryNextAsync("message", TimeSpan.FromMilliseconds(500)));
    }

    [Theory]
    [InlineData("<script>alert('x')</script>hello", "hello")]
    [InlineData("<a href=\"javascript:alert(1)\">click</a> me", "click me")]
    [InlineData("<img src=x onerror=alert(1)>pic", "pic")]
    [InlineData("&lt;script&gt;alert(1)&lt;/script&gt;ok", "ok")]
    [InlineData("e\u0301te\u0301", "\u00e9t\u00e9")]
    [InlineData("javascript:alert(1)", "javascript:alert(1)")]
    public async Task Markup_is_stripped_and_text_normalized_before_storing(string sent, string shown)
    {
        var channel = await api.NewChannelAsync();
        var (client, _) = await ChatClient.JoinAsync(api.ChatUri(channel), (await api.SignUpAsync()).AccessToken);
        await using var _ = client;

        await client.ChatAsync(sent);

        Assert.Equal(shown, (await client.NextAsync("message"))["message"]!.GetValue<string>());
        Assert.Equal(shown, (await api.Messages.Find(new BsonDocument("channel_id", channel)).SingleAsync(Http.Ct))["message"].AsString);
    }

    [Theory]
    [InlineData("\u202Egnp.exe")]
    [InlineData("bell\u0007")]
    [InlineData("<b></b><script>only()</script>")]
    [InlineData("   ")]
    public async Task Refused_text_answers_invalid_message_and_stores_nothing(string sent)
    {
        var channel = await api.NewChannelAsync();
        var (client, _) = await ChatClient.JoinAsync(api.ChatUri(channel), (await api.SignUpAsync()).AccessToken);
        await using var _ = client;

        await client.ChatAsync(sent);

        Assert.Equal("invalid_message", (await client.NextAsync("error"))["code"]!.GetValue<string>());
        Assert.Equal(0, await api.Messages.CountDocumentsAsync(new BsonDocument("channel_id", channel), cancellationToken: Http.Ct));
    }

    [Fact]
    public async Task Five_hundred_characters_pass_and_five_hundred_and_one_do_not()
    {
        var channel = await api.NewChannelAsync();
        var (client, _) = await ChatClient.JoinAsync(api.ChatUri(channel), (await api.SignUpAsync()).AccessToken);
        await using var _ = client;

        await client.ChatAsync(new string('א', 501));
        var error = await client.NextAsync("error");
        await client.ChatAsync(new string('א', 500));
        var message = await client.NextAsync("message");

        Assert.Equal("invalid_message", error["code"]!.GetValue<string>());
        Assert.Contains("500", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(500, message["message"]!.GetValue<string>().Length);
    }

    [Fact]
    public async Task A_wrong_session_token_answers_session_invalid_and_stores_nothing()
    {
        var channel = await api.NewChannelAsync();
        var (client, _) = await ChatClient.JoinAsync(api.ChatUri(channel), (await api.SignUpAsync()).AccessToken);
        await using var _ = client;

        await client.ChatAsync("hello", sessionToken: "not-the-token");
        await client.SendAsync(new { type = "chat", message = "hello" });

        Assert.Equal("session_invalid", (await client.NextAsync("error"))["code"]!.GetValue<string>());
        Assert.Equal("session_invalid", (await client.NextAsync("error"))["code"]!.GetValue<string>());
        Assert.Equal(0, await api.Messages.CountDocumentsAsync(new BsonDocument("channel_id", channel), cancellationToken: Http.Ct));
    }

    [Fact]
    public async Task Unreadable_frames_answer_invalid_message_and_an_oversized_frame_closes_with_1009()
    {
        var channel = await api.NewChannelAsync();
        var (client, _) = await ChatClient.JoinAsync(api.ChatUri(channel), (await api.SignUpAsync()).AccessToken);
        await using var _ = client;

        await client.SendRawAsync(Encoding.UTF8.GetBytes("not json"));
        Assert.Equal("invalid_message", (await client.NextAsync("error"))["code"]!.GetValue<string>());
        await client.SendRawAsync([1, 2, 3], WebSocketMessageType.Binary);
        Assert.Equal("invalid_message", (await client.NextAsync("error"))["code"]!.GetValue<string>());
        await client.SendAsync(new { type = "chat", message = new string('x', 9000), sessionToken = client.SessionToken });

        Assert.Equal((int)WebSocketCloseStatus.MessageTooBig, await client.ClosedAsync());
    }

    [Fact]
    public async Task The_name_shown_is_the_accounts_without_markup_or_bidi_overrides()
    {
        var channel = await api.NewChannelAsync();
        var user = await api.SignUpAsync();
        (await api.ClientFor(user).PatchJsonAsync("/api/users/me", new { name = "<img src=x onerror=alert(1)>\u202EEvil" })).EnsureSuccessStatusCode();
        var (client, _) = await ChatClient.JoinAsync(api.ChatUri(channel), user.AccessToken);
        await using var _ = client;

        await client.ChatAsync("hi");

        var message = await client.NextAsync("message");
        Assert.Equal("Evil", message["username"]!.GetValue<string>());
        Assert.Equal("Evil", (await api.Messages.Find(new BsonDocument("channel_id", channel)).SingleAsync(Http.Ct))["username"].AsString);
    }

    [Fact]
    public async Task A_token_that_is_not_valid_text_closes_with_4001()
    {
        var channel = await api.NewChannelAsync();
        await using var client = await ChatClient.ConnectAsync(api.ChatUri(channel));

        await client.SendRawAsync(Encoding.UTF8.GetBytes("{\"type\":\"authenticate\",\"token\":\"\\ud800\"}"));

        Assert.Equal(4001, await client.ClosedAsync());
    }

    [Fact]
    public async Task A_client_flooding_frames_is_closed_with_1008()
    {
        var channel = await api.NewChannelAsync();
        var (client, _) = await ChatClient.JoinAsync(api.ChatUri(channel), (await api.SignUpAsync()).AccessToken);
        await using var _ = client;

        try
        {
            for (var i = 0; i < 300; i++)
            {
                await client.SendAsync(new { type = "pong" });
            }
        }
        catch (WebSocketException)
        {
            // Closed by the server part way: what the test expects.
        }

        Assert.Equal((int)WebSocketCloseStatus.PolicyViolation, await client.ClosedAsync());
    }

    [Fact]
    public async Task A_message_another_service_wrote_without_a_channel_is_skipped_and_the_chat_goes_on()
    {
        var channel = await api.NewChannelAsync();
        var (client, _) = await ChatClient.JoinAsync(api.ChatUri(channel), (await api.SignUpAsync()).AccessToken);
        await using var _ = client;

        await api.Messages.InsertOneAsync(new BsonDocument { ["message"] = "no channel", ["created_at"] = DateTime.UtcNow }, cancellationToken: Http.Ct);
        await api.Raw("channelchatmute").InsertOneAsync(new BsonDocument { ["user_id"] = "x", ["until"] = DateTime.UtcNow.AddMinutes(1) }, cancellationToken: Http.Ct);
        await client.ChatAsync("still delivered");

        Assert.Equal("still delivered", (await client.NextAsync("message"))["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_first_frame_that_is_not_authenticate_closes_with_4001()
    {
        var channel = await api.NewChannelAsync();
        await using var client = await ChatClient.ConnectAsync(api.ChatUri(channel));

        await client.SendAsync(new { type = "chat", message = "hi", sessionToken = "x" });

        Assert.Equal(4001, await client.ClosedAsync());
    }

    [Fact]
    public async Task A_forged_token_closes_with_4001()
    {
        var channel = await api.NewChannelAsync();
        var user = await api.SignUpAsync();
        await using var client = await ChatClient.ConnectAsync(api.ChatUri(channel));

        await client.SendAsync(new { type = "authenticate", token = user.AccessToken[..^4] + "AAAA" });

        Assert.Equal(4001, await client.ClosedAsync());
    }

    [Fact]
    public async Task A_deactivated_accounts_token_closes_with_4001()
    {
        var channel = await api.NewChannelAsync();
        var user = await api.SignUpAsync();
        await api.Database.GetCollection<BsonDocument>("user").UpdateOneAsync(
            new BsonDocument("_id", ObjectId.Parse(user.Id)), new BsonDocument("$set", new BsonDocument("is_active", false)), cancellationToken: Http.Ct);
        await using var client = await ChatClient.ConnectAsync(api.ChatUri(channel));

        await client.SendAsync(new { type = "authenticate", token = user.AccessToken });

        Assert.Equal(4001, await client.ClosedAsync());
    }

    [Fact]
    public async Task Silence_after_the_upgrade_closes_with_4001_after_the_timeout()
    {
        var channel = await api.NewChannelAsync();
        await using var client = await ChatClient.ConnectAsync(api.ChatUri(channel));

        Assert.Equal(4001, await client.ClosedAsync());
    }

    [Fact]
    public async Task An_unknown_inactive_or_malformed_channel_closes_with_4004()
    {
        var user = await api.SignUpAsync();
        foreach (var channel in new[] { ObjectId.GenerateNewId().ToString(), await api.NewChannelAsync(active: false), "not-an-id" })
        {
            await using var client = await ChatClient.ConnectAsync(api.ChatUri(channel));
            await client.SendAsync(new { type = "authenticate", token = user.AccessToken });

            Assert.Equal(4004, await client.ClosedAsync());
        }
    }

    [Fact]
    public async Task Sockets_over_the_per_user_limit_get_an_error_frame_then_4003_and_a_closed_one_frees_its_place()
    {
        var channel = await api.NewChannelAsync();
        var user = await api.SignUpAsync();
        var open = new List<ChatClient>();
        for (var i = 0; i < ChatApiFactory.SocketsPerUser; i++)
        {
            open.Add((await ChatClient.JoinAsync(api.ChatUri(channel), user.AccessToken)).Client);
        }

        await using var over = await ChatClient.ConnectAsync(api.ChatUri(channel));
        await over.SendAsync(new { type = "authenticate", token = user.AccessToken });
        var error = await over.NextAsync("error");
        var code = await over.ClosedAsync();
        await open[0].DisposeAsync();
        var stored = await EventuallyAsync(async () => await api.Database.GetCollection<BsonDocument>("channelchatconnection")
            .CountDocumentsAsync(new BsonDocument("user_id", user.Id), cancellationToken: Http.Ct) == ChatApiFactory.SocketsPerUser - 1);
        var (again, _) = await ChatClient.JoinAsync(api.ChatUri(channel), user.AccessToken);

        Assert.Equal("connection_limit", error["code"]!.GetValue<string>());
        Assert.Equal(4003, code);
        Assert.True(stored, "the closed socket's record was not removed");
        await again.DisposeAsync();
        await open[1].DisposeAsync();
    }

    [Fact]
    public async Task Sockets_over_the_per_address_limit_close_with_4003()
    {
        var channel = await api.NewChannelAsync();
        var ip = ClientAddresses.NewIp();
        var open = new List<ChatClient>();
        for (var i = 0; i < ChatApiFactory.SocketsPerIp; i++)
        {
            open.Add((await ChatClient.JoinAsync(api.ChatUri(channel), (await api.SignUpAsync()).AccessToken, ip)).Client);
        }

        await using var over = await ChatClient.ConnectAsync(api.ChatUri(channel), ip);
        await over.SendAsync(new { type = "authenticate", token = (await api.SignUpAsync()).AccessToken });

        Assert.Equal("connection_limit", (await over.NextAsync("error"))["code"]!.GetValue<string>());
        Assert.Equal(4003, await over.ClosedAsync());
        foreach (var client in open)
        {
            await client.DisposeAsync();
        }
    }

    [Fact]
    public async Task Past_the_rate_limit_a_message_is_refused_with_retry_after_and_not_stored()
    {
        var channel = await api.NewChannelAsync();
        var (client, _) = await ChatClient.JoinAsync(api.ChatUri(channel), (await api.SignUpAsync()).AccessToken);
        await using var _ = client;

        for (var i = 0; i < ChatApiFactory.RateLimit; i++)
        {
            await client.ChatAsync($"message {i}");
            await client.NextAsync("message");
        }

        await client.ChatAsync("one too many");
        var error = await client.NextAsync("error");

        Assert.Equal("rate_limited", error["code"]!.GetValue<string>());
        Assert.InRange(error["retryAfterSeconds"]!.GetValue<int>(), 1, 60);
        Assert.Equal(ChatApiFactory.RateLimit, await api.Messages.CountDocumentsAsync(new BsonDocument("channel_id", channel), cancellationToken: Http.Ct));
    }

    [Fact]
    public async Task Parallel_sends_from_two_sockets_of_one_user_never_pass_the_rate_limit()
    {
        var channel = await api.NewChannelAsync();
        var user = await api.SignUpAsync();
        var (a, _) = await ChatClient.JoinAsync(api.ChatUri(channel), user.AccessToken);
        var (b, _) = await ChatClient.JoinAsync(api.ChatUri(channel), user.AccessToken);
        await using var __ = a;
        await using var ___ = b;

        await Task.WhenAll(Enumerable.Range(0, 10).Select(i => (i % 2 == 0 ? a : b).ChatAsync($"burst {i}")));

        // Every send is answered: a message (seen on both sockets) or an error to its own socket.
        static int Count(ChatClient client, string type) => client.SeenFrames().Count(f => f.StartsWith($"{{\"type\":\"{type}\"", StringComparison.Ordinal));
        Assert.True(await EventuallyAsync(() => Task.FromResult(Count(a, "message") + Count(a, "error") + Count(b, "error") >= 10)), "not every send was answered");
        Assert.Equal(ChatApiFactory.RateLimit, await api.Messages.CountDocumentsAsync(new BsonDocument("channel_id", channel), cancellationToken: Http.Ct));
        Assert.Equal(ChatApiFactory.RateLimit, Count(a, "message"));
        Assert.All(a.SeenFrames().Concat(b.SeenFrames()).Where(f => f.StartsWith("{\"type\":\"error\"", StringComparison.Ordinal)),
            error => Assert.Contains("\"code\":\"rate_limited\"", error, StringComparison.Ordinal));
        Assert.Equal(10 - ChatApiFactory.RateLimit, Count(a, "error") + Count(b, "error"));
    }

    [Fact]
    public async Task The_user_count_follows_joins_and_leaves_in_presence_frames()
    {
        var channel = await api.NewChannelAsync();
        var (a, _) = await ChatClient.JoinAsync(api.ChatUri(channel), (await api.SignUpAsync()).AccessToken);
        await using var _ = a;

        var (b, connected) = await ChatClient.JoinAsync(api.ChatUri(channel), (await api.SignUpAsync()).AccessToken);
        Assert.Equal(2, connected["userCount"]!.GetValue<int>());
        Assert.True(await PresenceReachesAsync(a, 2));
        await b.DisposeAsync();

        Assert.True(await PresenceReachesAsync(a, 1));
    }

    [Fact]
    public async Task A_plain_http_request_to_the_socket_is_a_400_problem()
    {
        var channel = await api.NewChannelAsync();

        var response = await api.CreateClient().GetAsync($"/api/live/channels/{channel}/chat", Http.Ct);

        var problem = await response.AssertProblemAsync(System.Net.HttpStatusCode.BadRequest);
        Assert.Contains("WebSocket", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    internal static async Task<bool> PresenceReachesAsync(ChatClient client, int count)
    {
        var until = DateTime.UtcNow + ChatClient.Wait;
        while (DateTime.UtcNow < until)
        {
            if ((await client.NextAsync("presence"))["userCount"]!.GetValue<int>() == count)
            {
                return true;
            }
        }

        return false;
    }

    internal static async Task<bool> EventuallyAsync(Func<Task<bool>> condition)
    {
        var until = DateTime.UtcNow + ChatClient.Wait;
        while (DateTime.UtcNow < until)
        {
            if (await condition())
            {
                return true;
            }

            await Task.Delay(50, Http.Ct);
        }

        return false;
    }
}
