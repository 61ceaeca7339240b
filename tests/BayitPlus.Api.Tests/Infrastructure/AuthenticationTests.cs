using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using BayitPlus.Api.Tests.Support;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace BayitPlus.Api.Tests.Infrastructure;

/// <summary>Only access tokens we signed, for us, and still valid, get through to an endpoint that
/// requires a signed-in user (<c>GET /api/users/me</c>): everything else is a 401 problem. Tokens are
/// forged here with the test host's own key to prove each check.</summary>
public sealed class AuthenticationTests(ApiFactory api)
{
    private const string Issuer = "bayitplus";
    private const string Audience = "bayitplus-clients";
    private const string Me = "/api/users/me";

    [Fact]
    public async Task A_token_signed_as_the_api_signs_reaches_the_endpoint_as_its_user()
    {
        var client = api.CreateClient();
        var user = await client.RegisterAsync();

        var response = await client.WithToken(Token(user["id"]!.GetValue<string>())).GetAsync(Me, Http.Ct);

        var body = await response.ReadAsync<JsonObject>();
        Assert.Equal(user["email"]!.GetValue<string>(), body["email"]!.GetValue<string>());
    }

    [Fact]
    public async Task No_token_is_a_401_problem_with_a_bearer_challenge()
    {
        var response = await api.CreateClient().GetAsync(Me, Http.Ct);

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == "Bearer");
    }

    [Theory]
    [InlineData("expired")]
    [InlineData("tampered payload")]
    [InlineData("tampered signature")]
    [InlineData("alg none")]
    [InlineData("another key")]
    [InlineData("wrong issuer")]
    [InlineData("wrong audience")]
    [InlineData("no expiry")]
    [InlineData("not a jwt")]
    [InlineData("lives until 9999")]
    [InlineData("lives a minute longer than issued")]
    [InlineData("no start")]
    public async Task A_token_that_is_not_ours_or_no_longer_valid_is_a_401_problem(string forgery)
    {
        var client = api.CreateClient();
        var userId = (await client.RegisterAsync())["id"]!.GetValue<string>();
        var other = (await client.RegisterAsync())["id"]!.GetValue<string>();
        var token = forgery switch
        {
            "expired" => Token(userId, lifetime: TimeSpan.FromMinutes(-5)),
            "tampered payload" => WithPayload(Token(userId), payload => payload[JwtRegisteredClaimNames.Sub] = other),
            "tampered signature" => TamperSignature(Token(userId)),
            "alg none" => Unsigned(Token(userId)),
            "another key" => Token(userId, key: "another-signing-key-that-is-long-enough-0123456789"),
            "wrong issuer" => Token(userId, issuer: "someone-else"),
            "wrong audience" => Token(userId, audience: "another-api"),
            "no expiry" => Token(userId, expires: false),
            "not a jwt" => "definitely-not-a-token",
            "lives until 9999" => Token(userId, start: DateTime.UtcNow, end: new DateTime(9999, 12, 31, 0, 0, 0, DateTimeKind.Utc)),
            "lives a minute longer than issued" => Token(userId, start: DateTime.UtcNow, end: DateTime.UtcNow + TimeSpan.FromMinutes(16)),
            "no start" => Token(userId, start: null, end: DateTime.UtcNow + TimeSpan.FromMinutes(5)),
            _ => throw new ArgumentOutOfRangeException(nameof(forgery)),
        };

        var response = await client.WithToken(token).GetAsync(Me, Http.Ct);

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal("Bearer error=\"invalid_token\"", response.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task An_issued_token_carries_the_role_in_the_short_role_claim()
    {
        var client = api.CreateClient();
        var email = TestUsers.NewEmail("claims");
        await client.RegisterAsync(email);

        var tokens = await client.LoginAsync(email);

        var token = new JsonWebToken(tokens["accessToken"]!.GetValue<string>());
        Assert.Equal("user", token.GetClaim("role").Value);
        Assert.DoesNotContain(token.Claims, claim => claim.Type.StartsWith("http", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Token_responses_are_never_stored_by_a_cache()
    {
        var client = api.CreateClient();
        var email = TestUsers.NewEmail("nostore");
        await client.RegisterAsync(email);

        var login = await client.PostJsonAsync("/api/auth/login", new { email, password = TestUsers.Password, device = TestUsers.Device() });
        var tokens = await login.ReadJsonAsync();
        var refresh = await client.PostJsonAsync("/api/auth/refresh", new { refreshToken = tokens["refreshToken"]!.GetValue<string>() });

        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        Assert.Equal(HttpStatusCode.OK, refresh.StatusCode);
        Assert.True(login.Headers.CacheControl?.NoStore, "login without Cache-Control: no-store");
        Assert.True(refresh.Headers.CacheControl?.NoStore, "refresh without Cache-Control: no-store");
    }

    /// <summary>A token as the API issues them, or with one thing changed.</summary>
    private static string Token(string userId, string key = ApiFactory.JwtSigningKey, string issuer = Issuer, string audience = Audience, TimeSpan? lifetime = null, bool expires = true)
    {
        var end = DateTime.UtcNow + (lifetime ?? TimeSpan.FromMinutes(5));
        return Token(userId, end - TimeSpan.FromMinutes(15), expires ? end : null, key, issuer, audience);
    }

    private static string Token(string userId, DateTime? start, DateTime? end, string key = ApiFactory.JwtSigningKey, string issuer = Issuer, string audience = Audience)
    {
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = start,
            NotBefore = start,
            Expires = end,
            Claims = new Dictionary<string, object> { [JwtRegisteredClaimNames.Sub] = userId, ["role"] = "user" },
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(key)), SecurityAlgorithms.HmacSha256),
        };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }

    /// <summary>The token with its claims changed and the original signature kept.</summary>
    private static string WithPayload(string token, Action<JsonObject> change)
    {
        var parts = token.Split('.');
        var payload = JsonNode.Parse(Base64UrlEncoder.Decode(parts[1]))!.AsObject();
        change(payload);
        return $"{parts[0]}.{Base64UrlEncoder.Encode(payload.ToJsonString())}.{parts[2]}";
    }

    private static string TamperSignature(string token)
    {
        var parts = token.Split('.');
        var signature = parts[2].ToCharArray();
        signature[signature.Length / 2] = signature[signature.Length / 2] == 'A' ? 'B' : 'A';
        return $"{parts[0]}.{parts[1]}.{new string(signature)}";
    }

    /// <summary>The same claims under <c>alg: none</c> and no signature.</summary>
    private static string Unsigned(string token) =>
        $"{Base64UrlEncoder.Encode("{\"alg\":\"none\",\"typ\":\"JWT\"}")}.{token.Split('.')[1]}.";
}
