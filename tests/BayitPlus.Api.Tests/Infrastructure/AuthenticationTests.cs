using System.Net;
using System.Security.Claims;
using System.Text;
using System.Text.Json.Nodes;
using BayitPlus.Api.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace BayitPlus.Api.Tests.Infrastructure;

public sealed class AuthenticationApiFactory : ApiFactory
{
    protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton<IStartupFilter, TestEndpoints>();
}

/// <summary>Only access tokens we signed, for us, and still valid, get through: everything else is a
/// 401 problem. Tokens are forged here with the test host's own key to prove each check.</summary>
public sealed class AuthenticationTests(AuthenticationApiFactory api) : IClassFixture<AuthenticationApiFactory>
{
    private const string Issuer = "bayitplus";
    private const string Audience = "bayitplus-clients";
    private const string UserId = "507f1f77bcf86cd799439011";

    [Fact]
    public async Task A_valid_token_reaches_the_endpoint_as_its_user()
    {
        var response = await api.CreateClient().WithToken(Token()).GetAsync(TestEndpoints.Authorized, Http.Ct);

        var body = await response.ReadAsync<JsonObject>();
        Assert.Equal(UserId, body["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task No_token_is_a_401_problem_with_a_bearer_challenge()
    {
        var response = await api.CreateClient().GetAsync(TestEndpoints.Authorized, Http.Ct);

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
    public async Task A_token_that_is_not_ours_or_no_longer_valid_is_a_401_problem(string forgery)
    {
        var token = forgery switch
        {
            "expired" => Token(lifetime: TimeSpan.FromMinutes(-5)),
            "tampered payload" => WithPayload(Token(), payload => payload[JwtRegisteredClaimNames.Sub] = "507f191e810c19729de860ea"),
            "tampered signature" => TamperSignature(Token()),
            "alg none" => Unsigned(Token()),
            "another key" => Token(key: "another-signing-key-that-is-long-enough-0123456789"),
            "wrong issuer" => Token(issuer: "someone-else"),
            "wrong audience" => Token(audience: "another-api"),
            "no expiry" => Token(expires: false),
            "not a jwt" => "definitely-not-a-token",
            _ => throw new ArgumentOutOfRangeException(nameof(forgery)),
        };

        var response = await api.CreateClient().WithToken(token).GetAsync(TestEndpoints.Authorized, Http.Ct);

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    /// <summary>A token as the API issues them, or with one thing changed.</summary>
    private static string Token(string key = ApiFactory.JwtSigningKey, string issuer = Issuer, string audience = Audience, TimeSpan? lifetime = null, bool expires = true)
    {
        var end = DateTime.UtcNow + (lifetime ?? TimeSpan.FromMinutes(5));
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = end - TimeSpan.FromMinutes(15),
            NotBefore = end - TimeSpan.FromMinutes(15),
            Expires = expires ? end : null,
            Claims = new Dictionary<string, object> { [JwtRegisteredClaimNames.Sub] = UserId, [ClaimTypes.Role] = "user" },
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
