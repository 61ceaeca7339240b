using System.Net;
using BayitPlus.Api.Tests.Support;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Tests.Features.Users;

public sealed class UpdateUserByAdminTests(ApiFactory api)
{
    private IMongoCollection<BsonDocument> Users => api.Database.GetCollection<BsonDocument>("user");

    private Task<BsonDocument> StoredAsync(string id) => Users.Find(new BsonDocument("_id", ObjectId.Parse(id))).SingleAsync(Http.Ct);

    [Fact]
    public async Task An_admin_changes_a_users_role()
    {
        var admin = await api.SignUpAsync(role: "admin");
        var user = await api.SignUpAsync();
        var before = await StoredAsync(user.Id);

        var response = await api.ClientFor(admin).PatchJsonAsync($"/api/admin/users/{user.Id}", new { role = "beta" });

        var body = await response.ReadJsonAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(user.Id, body["id"]!.GetValue<string>());
        Assert.Equal("beta", body["role"]!.GetValue<string>());
        Assert.True(body["isActive"]!.GetValue<bool>());
        Assert.DoesNotContain("password", body.ToJsonString(), StringComparison.OrdinalIgnoreCase);
        var stored = await StoredAsync(user.Id);
        Assert.Equal("beta", stored["role"].AsString);
        Assert.True(stored["updated_at"].ToUniversalTime() >= before["updated_at"].ToUniversalTime());
        Assert.Equal(before["password_hash"], stored["password_hash"]);
    }

    [Fact]
    public async Task Deactivating_a_user_locks_them_out_and_revokes_their_refresh_tokens()
    {
        var admin = await api.SignUpAsync(role: "admin");
        var user = await api.SignUpAsync();
        var refresh = await api.IssueRefreshTokenAsync(user, "device-a");

        var response = await api.ClientFor(admin).PatchJsonAsync($"/api/admin/users/{user.Id}", new { isActive = false });

        Assert.False((await response.ReadJsonAsync())["isActive"]!.GetValue<bool>());
        Assert.False((await StoredAsync(user.Id))["is_active"].AsBoolean);
        var token = await api.Database.GetCollection<BsonDocument>("refreshtoken")
            .Find(new BsonDocument("token_hash", BayitPlus.Api.Features.Users.RefreshTokens.Hash(refresh.RefreshToken))).SingleAsync(Http.Ct);
        Assert.True(token.Contains("revoked_at"));
        await (await api.ClientFor(user).GetAsync("/api/users/me", Http.Ct)).AssertProblemAsync(HttpStatusCode.Unauthorized);

        var reactivated = await api.ClientFor(admin).PatchJsonAsync($"/api/admin/users/{user.Id}", new { isActive = true });

        Assert.Equal(HttpStatusCode.OK, reactivated.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.ClientFor(user).GetAsync("/api/users/me", Http.Ct)).StatusCode);
    }

    [Fact]
    public async Task An_admin_cannot_demote_or_deactivate_themselves()
    {
        var admin = await api.SignUpAsync(role: "admin");
        var client = api.ClientFor(admin);

        var demote = await client.PatchJsonAsync($"/api/admin/users/{admin.Id}", new { role = "user" });
        var deactivate = await client.PatchJsonAsync($"/api/admin/users/{admin.Id}", new { isActive = false });
        var demoteUpperCase = await client.PatchJsonAsync($"/api/admin/users/{admin.Id.ToUpperInvariant()}", new { role = "beta" });
        var harmless = await client.PatchJsonAsync($"/api/admin/users/{admin.Id}", new { role = "admin", isActive = true });

        Assert.Equal("role", (await demote.AssertProblemAsync(HttpStatusCode.Conflict))["field"]!.GetValue<string>());
        Assert.Equal("role", (await demoteUpperCase.AssertProblemAsync(HttpStatusCode.Conflict))["field"]!.GetValue<string>());
        Assert.Equal("isActive", (await deactivate.AssertProblemAsync(HttpStatusCode.Conflict))["field"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, harmless.StatusCode);
        var stored = await StoredAsync(admin.Id);
        Assert.Equal("admin", stored["role"].AsString);
        Assert.True(stored["is_active"].AsBoolean);
    }

    [Fact]
    public async Task An_account_deleted_by_its_owner_cannot_be_reactivated()
    {
        var admin = await api.SignUpAsync(role: "admin");
        var user = await api.SignUpAsync();
        await api.ClientFor(user).DeleteAsync("/api/users/me", Http.Ct);

        var response = await api.ClientFor(admin).PatchJsonAsync($"/api/admin/users/{user.Id}", new { isActive = true });

        Assert.Equal("isActive", (await response.AssertProblemAsync(HttpStatusCode.Conflict))["field"]!.GetValue<string>());
        Assert.False((await StoredAsync(user.Id))["is_active"].AsBoolean);
    }

    [Theory]
    [InlineData("not-an-id")]
    [InlineData("0123456789abcdef01234567")]
    public async Task A_malformed_or_unknown_id_is_404(string id)
    {
        var admin = await api.SignUpAsync(role: "admin");

        var response = await api.ClientFor(admin).PatchJsonAsync($"/api/admin/users/{id}", new { role = "beta" });

        await response.AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("{\"role\":\"owner\"}", "role")]
    [InlineData("{\"role\":\"beta\",\"email\":\"x@example.com\"}", "email")]
    [InlineData("{\"passwordHash\":\"x\"}", "passwordHash")]
    public async Task Invalid_bodies_are_400_naming_the_field(string json, string field)
    {
        var admin = await api.SignUpAsync(role: "admin");
        var user = await api.SignUpAsync();
        var before = await StoredAsync(user.Id);

        var response = await api.ClientFor(admin).PatchAsync($"/api/admin/users/{user.Id}", new StringContent(json, System.Text.Encoding.UTF8, "application/json"), Http.Ct);

        await response.AssertValidationProblemAsync(field);
        Assert.Equal(before, await StoredAsync(user.Id));
    }

    [Fact]
    public async Task Non_admins_get_403_and_anonymous_callers_401()
    {
        var user = await api.SignUpAsync();
        var target = await api.SignUpAsync();

        var asUser = await api.ClientFor(user).PatchJsonAsync($"/api/admin/users/{target.Id}", new { role = "admin" });
        var selfPromotion = await api.ClientFor(user).PatchJsonAsync($"/api/admin/users/{user.Id}", new { role = "admin" });
        var anonymous = await api.CreateClient().PatchJsonAsync($"/api/admin/users/{target.Id}", new { role = "admin" });

        Assert.Equal(HttpStatusCode.Forbidden, asUser.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, selfPromotion.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("user", (await StoredAsync(target.Id))["role"].AsString);
        Assert.Equal("user", (await StoredAsync(user.Id))["role"].AsString);
    }
}
