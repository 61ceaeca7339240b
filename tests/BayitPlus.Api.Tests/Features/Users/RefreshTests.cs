using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using BayitPlus.Api.Tests.Support;
using Microsoft.IdentityModel.JsonWebTokens;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Tests.Features.Users;

[Collection<FakeClockCollection>]
public sealed class RefreshTests(FakeClockApiFactory api)
{
    private static readonly TimeSpan GracePeriod = TimeSpan.FromSeconds(10);

    private IMongoCollection<BsonDocument> Tokens => api.Database.GetCollection<BsonDocument>("refreshtoken");

    private static Task<HttpResponseMessage> RefreshAsync(HttpClient client, JsonObject tokens) =>
        client.PostJsonAsync("/api/auth/refresh", new { refreshToken = tokens["refreshToken"]!.GetValue<string>() });

    private static string Sha256(string raw) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(raw)));

    private async Task<(HttpClient Client, string Email, JsonObject Tokens)> SignedInAsync(string hint)
    {
        var client = api.CreateClient();
        var email = TestUsers.NewEmail(hint);
        await client.RegisterAsync(email);
        return (client, email, await client.LoginAsync(email, device: TestUsers.Device("refresh-device")));
    }

    [Fact]
    public async Task Refresh_rotates_the_token_within_its_family_and_keeps_the_device()
    {
        var (client, _, first) = await SignedInAsync("rotate");

        var response = await RefreshAsync(client, first);

        var second = await response.ReadJsonAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotEqual(first["refreshToken"]!.GetValue<string>(), second["refreshToken"]!.GetValue<string>());
        Assert.NotEqual(first["accessToken"]!.GetValue<string>(), second["accessToken"]!.GetValue<string>());
        Assert.Equal(Sha256("refresh-device"), new JsonWebToken(second["accessToken"]!.GetValue<string>()).GetClaim("device").Value);
        var old = await Tokens.Find(new BsonDocument("token_hash", Sha256(first["refreshToken"]!.GetValue<string>()))).SingleAsync(Http.Ct);
        var successor = await Tokens.Find(new BsonDocument("token_hash", Sha256(second["refreshToken"]!.GetValue<string>()))).SingleAsync(Http.Ct);
        Assert.Equal(BsonType.DateTime, old["replaced_at"].BsonType);
        Assert.Equal(old["family_id"], successor["family_id"]);
        Assert.Equal(old["device_id"], successor["device_id"]);
        Assert.False(successor.Contains("replaced_at") || successor.Contains("revoked_at"));

        var third = await (await RefreshAsync(client, second)).ReadAsync<JsonObject>();
        Assert.NotNull(third["refreshToken"]);
    }

    [Fact]
    public async Task Reusing_a_rotated_token_is_401_and_revokes_the_whole_family()
    {
        var (client, email, first) = await SignedInAsync("reuse");
        var other = await client.LoginAsync(email, device: TestUsers.Device("other-device"));
        var second = await (await RefreshAsync(client, first)).ReadAsync<JsonObject>();
        api.Clock.Advance(GracePeriod + TimeSpan.FromSeconds(1));

        var reuse = await RefreshAsync(client, first);

        await reuse.AssertProblemAsync(HttpStatusCode.Unauthorized);
        await (await RefreshAsync(client, second)).AssertProblemAsync(HttpStatusCode.Unauthorized);

        // Only that family: the session on the other device lives on.
        await (await RefreshAsync(client, other)).ReadAsync<JsonObject>();
    }

    [Fact]
    public async Task Unknown_expired_and_revoked_tokens_are_401()
    {
        var (client, email, tokens) = await SignedInAsync("expire");
        var revoked = await client.LoginAsync(email);
        await client.PostJsonAsync("/api/auth/logout", new { refreshToken = revoked["refreshToken"]!.GetValue<string>() });

        var unknown = await client.PostJsonAsync("/api/auth/refresh", new { refreshToken = "not-a-token-we-issued" });
        var afterLogout = await RefreshAsync(client, revoked);
        api.Clock.Advance(TimeSpan.FromDays(30) + TimeSpan.FromSeconds(1));
        var expired = await RefreshAsync(client, tokens);

        var bodies = new List<JsonObject>();
        foreach (var response in new[] { unknown, afterLogout, expired })
        {
            var problem = await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
            problem.Remove("traceId");
            bodies.Add(problem);
        }

        Assert.All(bodies, b => Assert.Equal(bodies[0].ToJsonString(), b.ToJsonString()));
    }

    [Fact]
    public async Task A_deactivated_or_deleted_user_cannot_refresh()
    {
        var (client, email, tokens) = await SignedInAsync("inactive");
        var users = api.Database.GetCollection<BsonDocument>("user");
        await users.UpdateOneAsync(new BsonDocument("email", email), new BsonDocument("$set", new BsonDocument("is_active", false)), cancellationToken: Http.Ct);

        await (await RefreshAsync(client, tokens)).AssertProblemAsync(HttpStatusCode.Unauthorized);

        var (client2, email2, tokens2) = await SignedInAsync("deleted");
        await users.DeleteOneAsync(new BsonDocument("email", email2), Http.Ct);
        await (await RefreshAsync(client2, tokens2)).AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(10)]
    [InlineData(50)]
    public async Task Parallel_refreshes_with_one_token_all_get_the_same_successor_and_keep_the_session(int tabs)
    {
        var (client, _, tokens) = await SignedInAsync("parallel");

        var responses = await Task.WhenAll(Enumerable.Range(0, tabs).Select(_ => RefreshAsync(client, tokens)));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var pairs = await Task.WhenAll(responses.Select(r => r.ReadJsonAsync()));
        var successor = Assert.Single(pairs.Select(p => p["refreshToken"]!.GetValue<string>()).Distinct());
        Assert.NotEqual(tokens["refreshToken"]!.GetValue<string>(), successor);
        foreach (var pair in pairs)
        {
            var me = await api.CreateClient().WithToken(pair["accessToken"]!.GetValue<string>()).GetAsync("/api/users/me", Http.Ct);
            Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        }

        var family = (await Tokens.Find(new BsonDocument("token_hash", Sha256(tokens["refreshToken"]!.GetValue<string>()))).SingleAsync(Http.Ct))["family_id"];
        Assert.Equal(2, await Tokens.CountDocumentsAsync(new BsonDocument("family_id", family), cancellationToken: Http.Ct));
        Assert.Equal(0, await Tokens.CountDocumentsAsync(new BsonDocument { { "family_id", family }, { "revoked_at", new BsonDocument("$exists", true) } }, cancellationToken: Http.Ct));

        var next = await RefreshAsync(client, pairs[0]);

        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
    }

    [Fact]
    public async Task A_rotated_token_used_again_after_the_grace_period_revokes_the_family_with_its_successor()
    {
        var (client, _, first) = await SignedInAsync("late");
        var second = await (await RefreshAsync(client, first)).ReadAsync<JsonObject>();
        api.Clock.Advance(GracePeriod - TimeSpan.FromSeconds(1));
        var duplicate = await (await RefreshAsync(client, first)).ReadAsync<JsonObject>();
        Assert.Equal(second["refreshToken"]!.GetValue<string>(), duplicate["refreshToken"]!.GetValue<string>());
        api.Clock.Advance(TimeSpan.FromSeconds(2));

        await (await RefreshAsync(client, first)).AssertProblemAsync(HttpStatusCode.Unauthorized);

        await (await RefreshAsync(client, second)).AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Within_the_grace_period_a_rotated_token_whose_successor_was_already_used_is_reuse()
    {
        var (client, _, first) = await SignedInAsync("chain");
        var second = await (await RefreshAsync(client, first)).ReadAsync<JsonObject>();
        var third = await (await RefreshAsync(client, second)).ReadAsync<JsonObject>();

        await (await RefreshAsync(client, first)).AssertProblemAsync(HttpStatusCode.Unauthorized);

        await (await RefreshAsync(client, third)).AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    public async Task A_missing_refresh_token_is_a_400(string? refreshToken)
    {
        var response = await api.CreateClient().PostJsonAsync("/api/auth/refresh", new { refreshToken });

        await response.AssertValidationProblemAsync("refreshToken");
    }

    [Fact]
    public async Task An_overlong_refresh_token_is_a_400()
    {
        var response = await api.CreateClient().PostJsonAsync("/api/auth/refresh", new { refreshToken = new string('t', 201) });

        await response.AssertValidationProblemAsync("refreshToken");
    }
}

public sealed class NoRefreshGraceApiFactory : ApiFactory
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
    {
        ["Jwt:RefreshReuseGracePeriod"] = "00:00:00",
    };
}

public sealed class NoRefreshGraceTests(NoRefreshGraceApiFactory api) : IClassFixture<NoRefreshGraceApiFactory>
{
    [Fact]
    public async Task With_the_grace_period_off_a_second_use_at_once_is_reuse_and_revokes_the_family()
    {
        var client = api.CreateClient();
        var email = TestUsers.NewEmail("nograce");
        await client.RegisterAsync(email);
        var first = await client.LoginAsync(email);
        var body = new { refreshToken = first["refreshToken"]!.GetValue<string>() };
        var second = await (await client.PostJsonAsync("/api/auth/refresh", body)).ReadAsync<System.Text.Json.Nodes.JsonObject>();

        await (await client.PostJsonAsync("/api/auth/refresh", body)).AssertProblemAsync(HttpStatusCode.Unauthorized);

        await (await client.PostJsonAsync("/api/auth/refresh", new { refreshToken = second["refreshToken"]!.GetValue<string>() })).AssertProblemAsync(HttpStatusCode.Unauthorized);
    }
}
