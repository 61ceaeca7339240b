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
