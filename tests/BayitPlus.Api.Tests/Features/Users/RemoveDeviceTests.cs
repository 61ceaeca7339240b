using System.Net;
using BayitPlus.Api.Tests.Support;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Tests.Features.Users;

public sealed class RemoveDeviceTests(ApiFactory api)
{
    private IMongoCollection<BsonDocument> Users => api.Database.GetCollection<BsonDocument>("user");

    private IMongoCollection<BsonDocument> RefreshTokens => api.Database.GetCollection<BsonDocument>("refreshtoken");

    private async Task<string[]> DeviceIdsAsync(string userId) =>
        [.. (await Users.Find(new BsonDocument("_id", ObjectId.Parse(userId))).SingleAsync(Http.Ct))["devices"].AsBsonArray.Select(d => d["device_id"].AsString)];

    private async Task<bool> RevokedAsync(string refreshToken) =>
        (await RefreshTokens.Find(new BsonDocument("token_hash", BayitPlus.Api.Features.Users.RefreshTokens.Hash(refreshToken))).SingleAsync(Http.Ct)).Contains("revoked_at");

    [Fact]
    public async Task Removing_a_device_drops_it_and_revokes_only_its_refresh_tokens()
    {
        var user = await api.SignUpAsync();
        var phone = await api.AddDeviceAsync(user.Id, "Phone");
        var tv = await api.AddDeviceAsync(user.Id, "TV");
        var phoneToken = await api.IssueRefreshTokenAsync(user, phone);
        var tvToken = await api.IssueRefreshTokenAsync(user, tv);

        var response = await api.ClientFor(user).DeleteAsync($"/api/users/me/devices/{phone}", Http.Ct);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal([tv], await DeviceIdsAsync(user.Id));
        Assert.True(await RevokedAsync(phoneToken.RefreshToken));
        Assert.False(await RevokedAsync(tvToken.RefreshToken));
    }

    /// <summary>Signs a new account in on a device named by <paramref name="rawDeviceId"/>, as a client does.</summary>
    private async Task<(string UserId, HttpClient Client, string RefreshToken)> SignInOnAsync(string rawDeviceId, string? email = null)
    {
        var client = api.CreateClient();
        email ??= TestUsers.NewEmail("devices");
        var registered = await client.RegisterAsync(email);
        var tokens = await client.LoginAsync(email, device: TestUsers.Device(rawDeviceId, "Living room TV", "tv"));
        return (registered["id"]!.GetValue<string>(), client.WithToken(tokens["accessToken"]!.GetValue<string>()), tokens["refreshToken"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_device_is_removed_by_the_device_id_it_signed_in_with()
    {
        var (userId, client, refreshToken) = await SignInOnAsync("tv-livingroom-1");
        var listed = (await (await client.GetAsync("/api/users/me/devices", Http.Ct)).ReadJsonAsync())["items"]!.AsArray().Single()!;

        var response = await client.DeleteAsync("/api/users/me/devices/tv-livingroom-1", Http.Ct);
        var refresh = await api.CreateClient().PostJsonAsync("/api/auth/refresh", new { refreshToken });
        var after = await client.GetAsync("/api/users/me/devices", Http.Ct);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal("Living room TV", listed["deviceName"]!.GetValue<string>());
        Assert.True(listed["isCurrent"]!.GetValue<bool>());
        Assert.NotEqual("tv-livingroom-1", listed["id"]!.GetValue<string>());
        Assert.Empty(await DeviceIdsAsync(userId));
        Assert.True(await RevokedAsync(refreshToken));
        await refresh.AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Empty((await after.ReadJsonAsync())["items"]!.AsArray());
    }

    [Fact]
    public async Task Another_device_is_removed_by_the_id_the_list_shows()
    {
        var (userId, client, _) = await SignInOnAsync("phone-1");
        var tv = await api.AddDeviceAsync(userId, "TV");
        var listedTv = (await (await client.GetAsync("/api/users/me/devices", Http.Ct)).ReadJsonAsync())["items"]!.AsArray()
            .Single(d => d!["deviceName"]!.GetValue<string>() == "TV")!["id"]!.GetValue<string>();

        var response = await client.DeleteAsync($"/api/users/me/devices/{listedTv}", Http.Ct);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(tv, listedTv);
        Assert.Equal([TestUsers.HashDeviceId("phone-1")], await DeviceIdsAsync(userId));
    }

    [Fact]
    public async Task A_raw_id_that_equals_another_devices_listed_id_removes_the_device_that_signed_in_with_it()
    {
        var email = TestUsers.NewEmail("devices");
        var (userId, client, _) = await SignInOnAsync("first", email);
        var firstListedId = TestUsers.HashDeviceId("first");
        await client.LoginAsync(email, device: TestUsers.Device(firstListedId));

        var response = await client.DeleteAsync($"/api/users/me/devices/{firstListedId}", Http.Ct);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal([firstListedId], await DeviceIdsAsync(userId));
    }

    [Fact]
    public async Task An_unknown_raw_device_id_is_404()
    {
        var (userId, client, _) = await SignInOnAsync("tv-livingroom-1");

        var response = await client.DeleteAsync("/api/users/me/devices/tv-bedroom-2", Http.Ct);

        await response.AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal([TestUsers.HashDeviceId("tv-livingroom-1")], await DeviceIdsAsync(userId));
    }

    [Fact]
    public async Task Another_users_raw_device_id_is_404_and_their_device_stays_signed_in()
    {
        var (ownerId, _, ownersRefreshToken) = await SignInOnAsync("tv-livingroom-1");
        var (intruderId, intruder, _) = await SignInOnAsync("intruders-phone");

        var response = await intruder.DeleteAsync("/api/users/me/devices/tv-livingroom-1", Http.Ct);

        await response.AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal([TestUsers.HashDeviceId("tv-livingroom-1")], await DeviceIdsAsync(ownerId));
        Assert.Equal([TestUsers.HashDeviceId("intruders-phone")], await DeviceIdsAsync(intruderId));
        Assert.False(await RevokedAsync(ownersRefreshToken));
    }

    [Fact]
    public async Task An_overlong_device_id_is_400_naming_it()
    {
        var user = await api.SignUpAsync();

        var response = await api.ClientFor(user).DeleteAsync($"/api/users/me/devices/{new string('d', 201)}", Http.Ct);

        await response.AssertValidationProblemAsync("deviceId");
    }

    [Fact]
    public async Task An_unknown_device_is_404()
    {
        var user = await api.SignUpAsync();
        var phone = await api.AddDeviceAsync(user.Id);

        var response = await api.ClientFor(user).DeleteAsync($"/api/users/me/devices/{TestUsers.HashDeviceId("never-seen")}", Http.Ct);

        await response.AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal([phone], await DeviceIdsAsync(user.Id));
    }

    [Fact]
    public async Task Another_users_device_is_404_and_stays_with_its_tokens()
    {
        var owner = await api.SignUpAsync();
        var ownersDevice = await api.AddDeviceAsync(owner.Id);
        var ownersToken = await api.IssueRefreshTokenAsync(owner, ownersDevice);
        var intruder = await api.SignUpAsync();

        var response = await api.ClientFor(intruder).DeleteAsync($"/api/users/me/devices/{ownersDevice}", Http.Ct);
        var list = await api.ClientFor(intruder).GetAsync("/api/users/me/devices", Http.Ct);

        await response.AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal([ownersDevice], await DeviceIdsAsync(owner.Id));
        Assert.False(await RevokedAsync(ownersToken.RefreshToken));
        Assert.Empty((await list.ReadJsonAsync())["items"]!.AsArray());
    }

    [Fact]
    public async Task Without_a_token_it_is_401()
    {
        var user = await api.SignUpAsync();
        var phone = await api.AddDeviceAsync(user.Id);

        var response = await api.CreateClient().DeleteAsync($"/api/users/me/devices/{phone}", Http.Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal([phone], await DeviceIdsAsync(user.Id));
    }
}
