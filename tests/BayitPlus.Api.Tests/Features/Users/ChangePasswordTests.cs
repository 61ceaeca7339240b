using System.Net;
using BayitPlus.Api.Tests.Support;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Tests.Features.Users;

public sealed class ChangePasswordTests(ApiFactory api)
{
    private const string NewPassword = "battery-staple-77";

    private IMongoCollection<BsonDocument> Users => api.Database.GetCollection<BsonDocument>("user");

    private IMongoCollection<BsonDocument> RefreshTokens => api.Database.GetCollection<BsonDocument>("refreshtoken");

    private async Task<string> StoredHashAsync(string id) =>
        (await Users.Find(new BsonDocument("_id", ObjectId.Parse(id))).SingleAsync(Http.Ct))["password_hash"].AsString;

    private Task<List<BsonDocument>> TokensOfAsync(string userId) =>
        RefreshTokens.Find(new BsonDocument("user_id", userId)).ToListAsync(Http.Ct);

    [Fact]
    public async Task Changing_the_password_stores_a_new_bcrypt_hash_and_revokes_every_refresh_token()
    {
        var user = await api.SignUpAsync();
        var other = await api.SignUpAsync();
        await api.IssueRefreshTokenAsync(user, "device-a");
        await api.IssueRefreshTokenAsync(user, "device-b");
        await api.IssueRefreshTokenAsync(other, "device-c");

        var response = await api.ClientFor(user).PostJsonAsync("/api/users/me/password", new { currentPassword = TestUsers.Password, newPassword = NewPassword });

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var hash = await StoredHashAsync(user.Id);
        Assert.StartsWith("$2", hash, StringComparison.Ordinal);
        Assert.True(BCrypt.Net.BCrypt.Verify(NewPassword, hash));
        Assert.False(BCrypt.Net.BCrypt.Verify(TestUsers.Password, hash));
        var tokens = await TokensOfAsync(user.Id);
        Assert.Equal(2, tokens.Count);
        Assert.All(tokens, t => Assert.Equal(BsonType.DateTime, t["revoked_at"].BsonType));
        Assert.False(Assert.Single(await TokensOfAsync(other.Id)).Contains("revoked_at"));
    }

    [Fact]
    public async Task A_wrong_current_password_is_a_400_on_currentPassword_and_changes_nothing()
    {
        var user = await api.SignUpAsync();
        await api.IssueRefreshTokenAsync(user, "device-a");
        var before = await StoredHashAsync(user.Id);

        var response = await api.ClientFor(user).PostJsonAsync("/api/users/me/password", new { currentPassword = "wrong-password-1", newPassword = NewPassword });

        await response.AssertValidationProblemAsync("currentPassword");
        Assert.Equal(before, await StoredHashAsync(user.Id));
        Assert.False(Assert.Single(await TokensOfAsync(user.Id)).Contains("revoked_at"));
    }

    [Theory]
    [InlineData("short1")]
    [InlineData("onlyletters")]
    [InlineData("1234567890")]
    [InlineData(TestUsers.Password)]
    public async Task A_new_password_that_is_weak_or_unchanged_is_a_400_on_newPassword(string newPassword)
    {
        var user = await api.SignUpAsync();

        var response = await api.ClientFor(user).PostJsonAsync("/api/users/me/password", new { currentPassword = TestUsers.Password, newPassword });

        await response.AssertValidationProblemAsync("newPassword");
    }

    [Fact]
    public async Task Missing_fields_are_each_named()
    {
        var user = await api.SignUpAsync();

        var response = await api.ClientFor(user).PostJsonAsync("/api/users/me/password", new { });

        await response.AssertValidationProblemAsync("currentPassword", "newPassword");
    }

    [Fact]
    public async Task An_account_without_a_password_is_a_409_on_currentPassword()
    {
        var user = await api.SignUpAsync();
        await Users.UpdateOneAsync(new BsonDocument("_id", ObjectId.Parse(user.Id)), new BsonDocument("$unset", new BsonDocument("password_hash", "")), cancellationToken: Http.Ct);

        var response = await api.ClientFor(user).PostJsonAsync("/api/users/me/password", new { currentPassword = TestUsers.Password, newPassword = NewPassword });

        var problem = await response.AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal("currentPassword", problem["field"]!.GetValue<string>());
        Assert.False((await Users.Find(new BsonDocument("_id", ObjectId.Parse(user.Id))).SingleAsync(Http.Ct)).Contains("password_hash"));
    }

    [Fact]
    public async Task Without_a_token_it_is_401()
    {
        var response = await api.CreateClient().PostJsonAsync("/api/users/me/password", new { currentPassword = TestUsers.Password, newPassword = NewPassword });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
