using System.Net;
using System.Security.Cryptography;
using System.Text;
using BayitPlus.Api.Tests.Support;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Tests.Features.Users;

public sealed class LogoutTests(ApiFactory api)
{
    private static string Sha256(string raw) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(raw)));

    [Fact]
    public async Task Logout_without_an_access_token_revokes_the_session_and_refresh_then_fails()
    {
        var client = api.CreateClient();
        var email = TestUsers.NewEmail("logout");
        await client.RegisterAsync(email);
        var session = await client.LoginAsync(email);
        var rotated = await (await client.PostJsonAsync("/api/auth/refresh", new { refreshToken = session["refreshToken"]!.GetValue<string>() })).ReadAsync<System.Text.Json.Nodes.JsonObject>();
        var otherSession = await client.LoginAsync(email);
        var refreshToken = rotated["refreshToken"]!.GetValue<string>();

        var response = await client.PostJsonAsync("/api/auth/logout", new { refreshToken });

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var stored = await api.Database.GetCollection<BsonDocument>("refreshtoken").Find(new BsonDocument("token_hash", Sha256(refreshToken))).SingleAsync(Http.Ct);
        Assert.Equal(BsonType.DateTime, stored["revoked_at"].BsonType);
        await (await client.PostJsonAsync("/api/auth/refresh", new { refreshToken })).AssertProblemAsync(HttpStatusCode.Unauthorized);

        // Another session of the same user is not affected.
        var other = await client.PostJsonAsync("/api/auth/refresh", new { refreshToken = otherSession["refreshToken"]!.GetValue<string>() });
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }

    [Fact]
    public async Task Logout_is_idempotent_and_an_unknown_token_is_also_204()
    {
        var client = api.CreateClient();
        var email = TestUsers.NewEmail("twice");
        await client.RegisterAsync(email);
        var refreshToken = (await client.LoginAsync(email))["refreshToken"]!.GetValue<string>();

        var first = await client.PostJsonAsync("/api/auth/logout", new { refreshToken });
        var second = await client.PostJsonAsync("/api/auth/logout", new { refreshToken });
        var unknown = await client.PostJsonAsync("/api/auth/logout", new { refreshToken = "never-issued" });

        Assert.Equal(HttpStatusCode.NoContent, first.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, second.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, unknown.StatusCode);
    }

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    public async Task A_missing_refresh_token_is_a_400(string? refreshToken)
    {
        var response = await api.CreateClient().PostJsonAsync("/api/auth/logout", new { refreshToken });

        await response.AssertValidationProblemAsync("refreshToken");
    }
}
