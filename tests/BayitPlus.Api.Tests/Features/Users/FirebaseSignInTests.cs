using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using BayitPlus.Api.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Tests.Features.Users;

/// <summary>Serves a JWK set of test keys in place of Google's endpoint and counts the fetches.</summary>
public sealed class JwksStub : HttpMessageHandler
{
    private volatile string _json = """{"keys":[]}""";
    private int _requests;

    public int Requests => _requests;

    public void Publish(params (RSA Key, string Kid)[] keys)
    {
        var jwks = new JsonObject
        {
            ["keys"] = new JsonArray([.. keys.Select(k =>
            {
                var parameters = k.Key.ExportParameters(includePrivateParameters: false);
                return (JsonNode)new JsonObject
                {
                    ["kty"] = "RSA",
                    ["alg"] = "RS256",
                    ["use"] = "sig",
                    ["kid"] = k.Kid,
                    ["n"] = Base64UrlEncoder.Encode(parameters.Modulus),
                    ["e"] = Base64UrlEncoder.Encode(parameters.Exponent),
                };
            })]),
        };
        _json = jwks.ToJsonString();
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _requests);
        Assert.Equal(FirebaseApiFactory.JwksUrl, request.RequestUri?.ToString());
        return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(_json, Encoding.UTF8, "application/json") });
    }
}

public sealed class FirebaseApiFactory : FakeClockApiFactory
{
    public const string ProjectId = "bayitplus-test";
    public const string JwksUrl = "https://keys.example.test/jwks";

    public JwksStub Jwks { get; } = new();

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
    {
        ["Firebase:ProjectId"] = ProjectId,
        ["Firebase:JwksUrl"] = JwksUrl,
    };

    protected override void ConfigureServices(IServiceCollection services)
    {
        base.ConfigureServices(services);
        services.AddHttpClient("firebase-jwks").ConfigurePrimaryHttpMessageHandler(() => Jwks);
    }
}

public sealed class FirebaseSignInTests : IClassFixture<FirebaseApiFactory>
{
    private const string Kid = "key-1";
    private static readonly RSA Key = RSA.Create(2048);
    private readonly FirebaseApiFactory api;
    private readonly ApiFactory unconfigured;

    public FirebaseSignInTests(FirebaseApiFactory api, ApiFactory unconfigured)
    {
        this.api = api;
        this.unconfigured = unconfigured;
        api.Jwks.Publish((Key, Kid));
    }

    private IMongoCollection<BsonDocument> Users => api.Database.GetCollection<BsonDocument>("user");

    private static string Sha256(string raw) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(raw)));

    private static string NewUid() => "fb-" + Guid.NewGuid().ToString("N");

    private Dictionary<string, object> Claims(string uid, string email, bool verified = true)
    {
        var now = api.Clock.GetUtcNow();
        return new Dictionary<string, object>
        {
            ["iss"] = "https://securetoken.google.com/" + FirebaseApiFactory.ProjectId,
            ["aud"] = FirebaseApiFactory.ProjectId,
            ["sub"] = uid,
            ["iat"] = now.AddMinutes(-1).ToUnixTimeSeconds(),
            ["exp"] = now.AddMinutes(59).ToUnixTimeSeconds(),
            ["auth_time"] = now.AddMinutes(-5).ToUnixTimeSeconds(),
            ["email"] = email,
            ["email_verified"] = verified,
            ["name"] = "Dana Firebase",
        };
    }

    private static string Sign(Dictionary<string, object> claims, RSA? key = null, string kid = Kid) =>
        new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }
            .CreateToken(JsonSerializer.Serialize(claims), new SigningCredentials(new RsaSecurityKey(key ?? Key) { KeyId = kid }, SecurityAlgorithms.RsaSha256));

    private static Task<HttpResponseMessage> SignInAsync(HttpClient client, string idToken, object? device = null) =>
        client.PostJsonAsync("/api/auth/firebase", new { idToken, device = device ?? TestUsers.Device("fb-device") });

    private Task<BsonDocument?> StoredAsync(string email) => Users.Find(new BsonDocument("email", email)).FirstOrDefaultAsync(Http.Ct)!;

    [Fact]
    public async Task A_new_firebase_user_gets_an_account_without_password_and_tokens()
    {
        var client = api.CreateClient();
        var uid = NewUid();
        var email = TestUsers.NewEmail("fbnew");

        var response = await SignInAsync(client, Sign(Claims(uid, email.ToUpperInvariant())));

        var tokens = await response.ReadAsync<JsonObject>();
        var stored = await StoredAsync(email);
        Assert.NotNull(stored);
        Assert.Equal(uid, stored["firebase_uid"].AsString);
        Assert.Equal("Dana Firebase", stored["name"].AsString);
        Assert.Equal("user", stored["role"].AsString);
        Assert.True(stored["is_active"].AsBoolean);
        Assert.False(stored.Contains("password_hash"));
        Assert.Equal(BsonType.DateTime, stored["last_login"].BsonType);
        var device = Assert.Single(stored["devices"].AsBsonArray);
        Assert.Equal(Sha256("fb-device"), device["device_id"].AsString);
        Assert.True(device["is_current"].AsBoolean);
        var access = new JsonWebToken(tokens["accessToken"]!.GetValue<string>());
        Assert.Equal(stored["_id"].AsObjectId.ToString(), access.Subject);
        Assert.Equal(Sha256("fb-device"), access.GetClaim("device").Value);
        await (await client.PostJsonAsync("/api/auth/refresh", new { refreshToken = tokens["refreshToken"]!.GetValue<string>() })).ReadAsync<JsonObject>();
    }

    [Fact]
    public async Task Without_a_name_claim_the_name_is_the_email_local_part()
    {
        var email = TestUsers.NewEmail("local");
        var claims = Claims(NewUid(), email);
        claims.Remove("name");

        await (await SignInAsync(api.CreateClient(), Sign(claims))).ReadAsync<JsonObject>();

        Assert.Equal(email.Split('@')[0], (await StoredAsync(email))!["name"].AsString);
    }

    [Fact]
    public async Task A_known_uid_signs_in_to_the_same_account()
    {
        var client = api.CreateClient();
        var uid = NewUid();
        var email = TestUsers.NewEmail("again");
        var first = await (await SignInAsync(client, Sign(Claims(uid, email)))).ReadAsync<JsonObject>();

        // The email in the token may change (Firebase lets users change it): the uid decides.
        var second = await (await SignInAsync(client, Sign(Claims(uid, TestUsers.NewEmail("changed"))), TestUsers.Device("tv", "Living room", "tv"))).ReadAsync<JsonObject>();

        Assert.Equal(new JsonWebToken(first["accessToken"]!.GetValue<string>()).Subject, new JsonWebToken(second["accessToken"]!.GetValue<string>()).Subject);
        Assert.Equal(1, await Users.CountDocumentsAsync(new BsonDocument("firebase_uid", uid), cancellationToken: Http.Ct));
        var devices = (await StoredAsync(email))!["devices"].AsBsonArray;
        Assert.Equal([false, true], devices.Select(d => d["is_current"].AsBoolean));
    }

    [Fact]
    public async Task A_verified_email_links_the_existing_account_which_keeps_its_password()
    {
        var client = api.CreateClient();
        var email = TestUsers.NewEmail("link");
        var registered = await client.RegisterAsync(email);
        var uid = NewUid();

        var tokens = await (await SignInAsync(client, Sign(Claims(uid, email)))).ReadAsync<JsonObject>();

        Assert.Equal(registered["id"]!.GetValue<string>(), new JsonWebToken(tokens["accessToken"]!.GetValue<string>()).Subject);
        var stored = (await StoredAsync(email))!;
        Assert.Equal(uid, stored["firebase_uid"].AsString);
        Assert.Equal("Test User", stored["name"].AsString);
        Assert.True(stored.Contains("password_hash"));
        await client.LoginAsync(email);
    }

    [Fact]
    public async Task An_unverified_email_never_links_and_cannot_take_the_address()
    {
        var client = api.CreateClient();
        var email = TestUsers.NewEmail("unverified");
        await client.RegisterAsync(email);

        var response = await SignInAsync(client, Sign(Claims(NewUid(), email, verified: false)));

        var problem = await response.AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal("email", problem["field"]!.GetValue<string>());
        Assert.False((await StoredAsync(email))!.Contains("firebase_uid"));
    }

    [Fact]
    public async Task An_email_linked_to_another_uid_is_not_relinked()
    {
        var client = api.CreateClient();
        var email = TestUsers.NewEmail("taken");
        var owner = NewUid();
        await (await SignInAsync(client, Sign(Claims(owner, email)))).ReadAsync<JsonObject>();

        var response = await SignInAsync(client, Sign(Claims(NewUid(), email)));

        await response.AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(owner, (await StoredAsync(email))!["firebase_uid"].AsString);
    }

    [Fact]
    public async Task Parallel_first_sign_ins_of_one_uid_all_succeed_with_one_account()
    {
        var client = api.CreateClient();
        var uid = NewUid();
        var email = TestUsers.NewEmail("fbrace");
        var token = Sign(Claims(uid, email));

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => SignInAsync(client, token)));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(1, await Users.CountDocumentsAsync(new BsonDocument("firebase_uid", uid), cancellationToken: Http.Ct));
        Assert.Single((await StoredAsync(email))!["devices"].AsBsonArray);
    }

    [Fact]
    public async Task A_deactivated_account_cannot_sign_in_with_firebase()
    {
        var client = api.CreateClient();
        var uid = NewUid();
        var email = TestUsers.NewEmail("fboff");
        await (await SignInAsync(client, Sign(Claims(uid, email)))).ReadAsync<JsonObject>();
        await Users.UpdateOneAsync(new BsonDocument("email", email), new BsonDocument("$set", new BsonDocument("is_active", false)), cancellationToken: Http.Ct);

        await (await SignInAsync(client, Sign(Claims(uid, email)))).AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    public static TheoryData<string> InvalidClaims => ["issuer", "audience", "expired", "issued in the future", "auth_time in the future", "no auth_time", "no sub", "empty sub"];

    [Theory]
    [MemberData(nameof(InvalidClaims))]
    public async Task Tokens_with_invalid_claims_are_401_and_create_nothing(string defect)
    {
        var email = TestUsers.NewEmail("bad");
        var claims = Claims(NewUid(), email);
        var now = api.Clock.GetUtcNow();
        switch (defect)
        {
            case "issuer": claims["iss"] = "https://securetoken.google.com/another-project"; break;
            case "audience": claims["aud"] = "another-project"; break;
            case "expired": claims["iat"] = now.AddHours(-2).ToUnixTimeSeconds(); claims["exp"] = now.AddHours(-1).ToUnixTimeSeconds(); break;
            case "issued in the future": claims["iat"] = now.AddHours(1).ToUnixTimeSeconds(); claims["exp"] = now.AddHours(2).ToUnixTimeSeconds(); break;
            case "auth_time in the future": claims["auth_time"] = now.AddHours(1).ToUnixTimeSeconds(); break;
            case "no auth_time": claims.Remove("auth_time"); break;
            case "no sub": claims.Remove("sub"); break;
            case "empty sub": claims["sub"] = ""; break;
        }

        var response = await SignInAsync(api.CreateClient(), Sign(claims));

        var problem = await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal("The Firebase ID token is not valid.", problem["detail"]!.GetValue<string>());
        Assert.Null(await StoredAsync(email));
    }

    [Fact]
    public async Task Tokens_signed_by_another_key_tampered_unsigned_hs256_or_garbage_are_401()
    {
        var email = TestUsers.NewEmail("forged");
        var claims = Claims(NewUid(), email);
        var valid = Sign(claims);
        var parts = valid.Split('.');
        var tamperedClaims = new Dictionary<string, object>(claims) { ["sub"] = NewUid() };
        var tampered = $"{parts[0]}.{Base64UrlEncoder.Encode(JsonSerializer.Serialize(tamperedClaims))}.{parts[2]}";
        var none = $"{Base64UrlEncoder.Encode($$"""{"alg":"none","typ":"JWT","kid":"{{Kid}}"}""")}.{parts[1]}.";
        var hs256 = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(
            JsonSerializer.Serialize(claims),
            new SigningCredentials(new SymmetricSecurityKey(RandomNumberGenerator.GetBytes(32)) { KeyId = Kid }, SecurityAlgorithms.HmacSha256));
        using var otherKey = RSA.Create(2048);

        string[] forged = [Sign(claims, otherKey), Sign(claims, otherKey, "unknown-kid"), tampered, none, hs256, "not.a.jwt", "garbage"];

        foreach (var token in forged)
        {
            await (await SignInAsync(api.CreateClient(), token)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        }

        Assert.Null(await StoredAsync(email));
        await (await SignInAsync(api.CreateClient(), valid)).ReadAsync<JsonObject>();
    }

    [Fact]
    public async Task Keys_are_cached_and_an_unknown_kid_refetches_at_most_once_per_interval()
    {
        var client = api.CreateClient();
        await (await SignInAsync(client, Sign(Claims(NewUid(), TestUsers.NewEmail("warm"))))).ReadAsync<JsonObject>();
        var fetches = api.Jwks.Requests;
        await (await SignInAsync(client, Sign(Claims(NewUid(), TestUsers.NewEmail("cached"))))).ReadAsync<JsonObject>();
        Assert.Equal(fetches, api.Jwks.Requests);

        using var rotated = RSA.Create(2048);
        api.Jwks.Publish((Key, Kid), (rotated, "key-2"));
        api.Clock.Advance(TimeSpan.FromSeconds(31));

        await (await SignInAsync(client, Sign(Claims(NewUid(), TestUsers.NewEmail("rotated")), rotated, "key-2"))).ReadAsync<JsonObject>();
        Assert.Equal(fetches + 1, api.Jwks.Requests);

        await (await SignInAsync(client, Sign(Claims(NewUid(), TestUsers.NewEmail("made-up")), rotated, "key-3"))).AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal(fetches + 1, api.Jwks.Requests);

        api.Clock.Advance(TimeSpan.FromHours(1));
        await (await SignInAsync(client, Sign(Claims(NewUid(), TestUsers.NewEmail("expired-cache"))))).ReadAsync<JsonObject>();
        Assert.Equal(fetches + 2, api.Jwks.Requests);
    }

    [Theory]
    [InlineData("", true, "idToken")]
    [InlineData("token", false, "device")]
    public async Task Invalid_requests_are_400_with_the_field_named(string idToken, bool withDevice, string field)
    {
        var body = withDevice ? (object)new { idToken, device = TestUsers.Device() } : new { idToken };

        var response = await api.CreateClient().PostJsonAsync("/api/auth/firebase", body);

        await response.AssertValidationProblemAsync(field);
    }

    [Fact]
    public async Task Without_a_project_id_firebase_sign_in_is_a_503()
    {
        var response = await SignInAsync(unconfigured.CreateClient(), Sign(Claims(NewUid(), TestUsers.NewEmail("off"))));

        var problem = await response.AssertProblemAsync(HttpStatusCode.ServiceUnavailable);
        Assert.Equal("Firebase sign-in is not configured.", problem["detail"]!.GetValue<string>());
    }
}
