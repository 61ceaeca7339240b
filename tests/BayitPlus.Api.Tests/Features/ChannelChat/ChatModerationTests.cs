using System.Net;
using System.Text.Json.Nodes;
using BayitPlus.Api.Infrastructure.Auth;
using BayitPlus.Api.Tests.Support;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Tests.Features.ChannelChat;

/// <summary>Moderation over HTTP (admins only, audited) reaching the sockets, and the history endpoints.</summary>
[Collection<ChatCollection>]
public sealed class ChatModerationTests(ChatApiFactory api)
{
    private static string Chat(string channel) => $"/api/live/channels/{channel}/chat";

    private static string Moderate(string channel) => $"/api/admin/live/channels/{channel}/chat";

    [Fact]
    public async Task Pin_unpin_and_delete_reach_every_socket_and_are_audited()
    {
        var channel = await api.NewChannelAsync();
        var (admin, adminClient) = await api.SignedInClientAsync(Roles.Admin);
        var (watcher, _) = await ChatClient.JoinAsync(api.ChatUri(channel), (await api.SignUpAsync()).AccessToken);
        await using var _ = watcher;
        await watcher.ChatAsync("pin me");
        var id = (await watcher.NextAsync("message"))["id"]!.GetValue<string>();

        var pinned = await adminClient.PostAsync($"{Moderate(channel)}/messages/{id}/pin", null, Http.Ct);
        var pinFrame = await watcher.NextAsync("pinned");
        var pins = await (await adminClient.GetAsync($"{Chat(channel)}/pinned", Http.Ct)).ReadJsonAsync();
        var unpinned = await adminClient.DeleteAsync($"{Moderate(channel)}/messages/{id}/pin", Http.Ct);
        var unpinFrame = await watcher.NextAsync("unpinned");
        var deleted = await adminClient.DeleteAsync($"{Moderate(channel)}/messages/{id}?reason=spam", Http.Ct);
        var deleteFrame = await watcher.NextAsync("deleted");

        Assert.Equal(HttpStatusCode.OK, pinned.StatusCode);
        Assert.True((await pinned.ReadJsonAsync())["isPinned"]!.GetValue<bool>());
        Assert.Equal(id, pinFrame["id"]!.GetValue<string>());
        Assert.Equal([id], pins["items"]!.AsArray().Select(m => m!["id"]!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.OK, unpinned.StatusCode);
        Assert.Equal(id, unpinFrame["id"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(id, deleteFrame["id"]!.GetValue<string>());
        var stored = await api.Messages.Find(new BsonDocument("_id", ObjectId.Parse(id))).SingleAsync(Http.Ct);
        Assert.True(stored["is_deleted"].AsBoolean);
        Assert.False(stored["is_pinned"].AsBoolean);
        Assert.Equal("spam", stored["deleted_reason"].AsString);
        Assert.Equal(admin, stored["deleted_by"].AsString);
        var actions = await api.Raw("auditlog").Find(new BsonDocument("resource_id", id)).ToListAsync(Http.Ct);
        Assert.Equal(["chat.message_deleted", "chat.message_pinned", "chat.message_unpinned"], actions.Select(a => a["action_type"].AsString).Order());
    }

    [Fact]
    public async Task A_deleted_message_is_gone_from_history_pins_and_the_connected_frame_and_cannot_be_deleted_again()
    {
        var channel = await api.NewChannelAsync();
        var (_, adminClient) = await api.SignedInClientAsync(Roles.Admin);
        var id = await api.StoreMessageAsync(channel, "doomed", DateTime.UtcNow.AddMinutes(-1), pinned: true);

        await adminClient.DeleteAsync($"{Moderate(channel)}/messages/{id}?reason=abuse", Http.Ct);
        var again = await adminClient.DeleteAsync($"{Moderate(channel)}/messages/{id}?reason=abuse", Http.Ct);
        var history = await (await adminClient.GetAsync($"{Chat(channel)}/messages", Http.Ct)).ReadJsonAsync();
        var pins = await (await adminClient.GetAsync($"{Chat(channel)}/pinned", Http.Ct)).ReadJsonAsync();
        var (client, connected) = await ChatClient.JoinAsync(api.ChatUri(channel), (await api.SignUpAsync()).AccessToken);
        await client.DisposeAsync();

        await again.AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Empty(history["items"]!.AsArray());
        Assert.Empty(pins["items"]!.AsArray());
        Assert.Empty(connected["recent"]!.AsArray());
    }

    [Fact]
    public async Task Moderation_is_for_admins_and_checks_its_input()
    {
        var channel = await api.NewChannelAsync();
        var other = await api.NewChannelAsync();
        var id = await api.StoreMessageAsync(channel, "hello", DateTime.UtcNow);
        var (_, user) = await api.SignedInClientAsync();
        var (_, admin) = await api.SignedInClientAsync(Roles.Admin);

        await (await user.PostAsync($"{Moderate(channel)}/messages/{id}/pin", null, Http.Ct)).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await user.DeleteAsync($"{Moderate(channel)}/messages/{id}?reason=x", Http.Ct)).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await user.PostJsonAsync($"{Moderate(channel)}/mutes", new { userId = ObjectId.GenerateNewId().ToString(), minutes = 5, reason = "x" })).AssertProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.CreateClient().PostAsync($"{Moderate(channel)}/messages/{id}/pin", null, Http.Ct)).StatusCode);
        await (await admin.DeleteAsync($"{Moderate(channel)}/messages/{id}", Http.Ct)).AssertValidationProblemAsync("reason");
        await (await admin.DeleteAsync($"{Moderate(channel)}/messages/{id}?reason={new string('r', 501)}", Http.Ct)).AssertValidationProblemAsync("reason");
        await (await admin.PostAsync($"{Moderate(other)}/messages/{id}/pin", null, Http.Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await admin.PostAsync($"{Moderate(channel)}/messages/not-an-id/pin", null, Http.Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await admin.PostJsonAsync($"{Moderate(channel)}/mutes", new { userId = "nope", minutes = 0, reason = "" })).AssertValidationProblemAsync("userId", "minutes", "reason");
        await (await admin.PostJsonAsync($"{Moderate(channel)}/mutes", new { userId = ObjectId.GenerateNewId().ToString(), minutes = 5, reason = "x", extra = 1 })).AssertValidationProblemAsync("extra");
        await (await admin.PostJsonAsync($"{Moderate(ObjectId.GenerateNewId().ToString())}/mutes", new { userId = ObjectId.GenerateNewId().ToString(), minutes = 5, reason = "x" })).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await admin.DeleteAsync($"{Moderate(channel)}/mutes/{ObjectId.GenerateNewId()}", Http.Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.False((await api.Messages.Find(new BsonDocument("_id", ObjectId.Parse(id))).SingleAsync(Http.Ct))["is_pinned"].AsBoolean);
    }

    [Fact]
    public async Task A_muted_user_is_told_refused_while_muted_and_free_again_after_unmute()
    {
        var channel = await api.NewChannelAsync();
        var (_, admin) = await api.SignedInClientAsync(Roles.Admin);
        var target = await api.SignUpAsync();
        var (muted, _) = await ChatClient.JoinAsync(api.ChatUri(channel), target.AccessToken);
        var (bystander, _) = await ChatClient.JoinAsync(api.ChatUri(channel), (await api.SignUpAsync()).AccessToken);
        await using var __ = muted;
        await using var ___ = bystander;

        var mute = await admin.PostJsonAsync($"{Moderate(channel)}/mutes", new { userId = target.Id, minutes = 10, reason = "flooding" });
        var mutedFrame = await muted.NextAsync("muted");
        await muted.ChatAsync("let me talk");
        var refusal = await muted.NextAsync("error");
        var unmute = await admin.DeleteAsync($"{Moderate(channel)}/mutes/{target.Id}", Http.Ct);
        await muted.NextAsync("unmuted");
        await muted.ChatAsync("thanks");
        var delivered = await bystander.NextAsync("message");

        var body = await mute.ReadAsync<JsonObject>();
        Assert.Equal(target.Id, body["userId"]!.GetValue<string>());
        Assert.InRange(body["until"]!.GetValue<DateTime>(), DateTime.UtcNow.AddMinutes(9), DateTime.UtcNow.AddMinutes(11));
        Assert.Equal(body["until"]!.GetValue<DateTime>(), mutedFrame["until"]!.GetValue<DateTime>());
        Assert.Equal("muted", refusal["code"]!.GetValue<string>());
        Assert.InRange(refusal["retryAfterSeconds"]!.GetValue<int>(), 500, 600);
        Assert.Null(bystander.Seen.Find(f => f["type"]?.GetValue<string>() is "muted" or "unmuted"));
        Assert.Equal(HttpStatusCode.NoContent, unmute.StatusCode);
        Assert.Equal("thanks", delivered["message"]!.GetValue<string>());
        Assert.Equal(1, await api.Messages.CountDocumentsAsync(new BsonDocument("channel_id", channel), cancellationToken: Http.Ct));
        var actions = await api.Raw("auditlog").Find(new BsonDocument("resource_id", $"{channel}:{target.Id}")).ToListAsync(Http.Ct);
        Assert.Equal(["chat.user_muted", "chat.user_unmuted"], actions.Select(a => a["action_type"].AsString).Order());
    }

    [Fact]
    public async Task History_pages_backwards_in_time_without_deleted_messages()
    {
        var channel = await api.NewChannelAsync();
        var (_, user) = await api.SignedInClientAsync();
        var start = DateTime.UtcNow.AddHours(-1);
        var ids = new List<string>();
        for (var i = 0; i < 7; i++)
        {
            ids.Add(await api.StoreMessageAsync(channel, $"m{i}", start.AddSeconds(i), deleted: i == 3));
        }

        var first = await (await user.GetAsync($"{Chat(channel)}/messages?limit=3", Http.Ct)).ReadJsonAsync();
        var second = await (await user.GetAsync($"{Chat(channel)}/messages?limit=3&before={first["nextCursor"]}", Http.Ct)).ReadJsonAsync();

        static IEnumerable<string> Texts(JsonObject page) => page["items"]!.AsArray().Select(m => m!["message"]!.GetValue<string>());
        Assert.Equal(["m6", "m5", "m4"], Texts(first));
        Assert.Equal(["m2", "m1", "m0"], Texts(second));
        Assert.Null(second["nextCursor"]);
    }

    [Fact]
    public async Task History_needs_a_signed_in_user_a_known_channel_and_a_cursor_it_issued()
    {
        var channel = await api.NewChannelAsync();
        var (_, user) = await api.SignedInClientAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, (await api.CreateClient().GetAsync($"{Chat(channel)}/messages", Http.Ct)).StatusCode);
        await (await user.GetAsync($"{Chat(ObjectId.GenerateNewId().ToString())}/messages", Http.Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await user.GetAsync($"{Chat(await api.NewChannelAsync(active: false))}/pinned", Http.Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await user.GetAsync($"{Chat(channel)}/messages?before=garbage", Http.Ct)).AssertValidationProblemAsync("before");
        await (await user.GetAsync($"{Chat(channel)}/messages?limit=0", Http.Ct)).AssertValidationProblemAsync("limit");
    }
}
