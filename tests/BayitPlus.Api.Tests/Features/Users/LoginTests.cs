using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using BayitPlus.Api.Tests.Support;
using Microsoft.IdentityModel.JsonWebTokens;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Tests.Features.Users;

/// <summary>A low lockout threshold and a two-device limit, on a clock the tests move.</summary>
public sealed class LoginApiFactory : FakeClockApiFactory
{
    public const int Threshold = 3;
    public const int MaxDevices = 2;
    public static readonly TimeSpan LockoutDuration = TimeSpan.FromMinutes(5);

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
    {
        ["Users:LockoutThreshold"] = Threshold.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Users:LockoutWindow"] = "00:10:00",
        ["Users:LockoutDuration"] = LockoutDuration.ToString(),
        ["Users:MaxDevices"] = MaxDevices.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}

public sealed class LoginTests(LoginApiFactory api) : IClassFixture<LoginApiFactory>
{
    private IMongoCollection<BsonDocument> Users => api.Database.GetCollection<BsonDocument>("user");

    private IMongoCollection<BsonDocument> Lockouts => api.Database.GetCollection<BsonDocument>("loginlockout");

    private static string Sha256(string raw) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(raw)));

    private Task<BsonDocument> StoredUserAsync(string email) => Users.Find(new BsonDocument("email", email)).SingleAsync(Http.Ct);

    private static Task<HttpResponseMessage> PostLoginAsync(HttpClient client, string email, string password, object? device = null) =>
        client.PostJsonAsync("/api/auth/login", new { email, password, device = device ?? TestUsers.Device() });

    [Fact]
    public async Task Login_returns_tokens_stamps_last_login_and_stores_the_device_by_its_sha256()
    {
        var client = api.CreateClient();
        var email = TestUsers.NewEmail("login");
        var user = await client.RegisterAsync(email);
        var rawDeviceId = "phone-" + Guid.NewGuid();

        var response = await PostLoginAsync(client, email.ToUpperInvariant(), TestUsers.Password,
            new { deviceId = rawDeviceId, deviceName = "Dana's iPhone", deviceType = "mobile", platform = "iOS", os = "iOS 17.2", browser = "Safari" });

        var body = await response.ReadJsonAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["accessToken", "expiresAt", "refreshToken"], body.Select(p => p.Key).Order(StringComparer.Ordinal));
        var now = api.Clock.GetUtcNow().UtcDateTime;
        Assert.True(body["expiresAt"]!.GetValue<DateTime>() > now);
        var access = new JsonWebToken(body["accessToken"]!.GetValue<string>());
        Assert.Equal(user["id"]!.GetValue<string>(), access.Subject);
        Assert.Equal(Sha256(rawDeviceId), access.GetClaim("device").Value);

        var stored = await StoredUserAsync(email);
        Assert.Equal(now, stored["last_login"].ToUniversalTime(), TimeSpan.FromMilliseconds(1));
        Assert.Equal(now, stored["updated_at"].ToUniversalTime(), TimeSpan.FromMilliseconds(1));
        var device = Assert.Single(stored["devices"].AsBsonArray).AsBsonDocument;
        Assert.Equal(Sha256(rawDeviceId), device["device_id"].AsString);
        Assert.Equal("Dana's iPhone", device["device_name"].AsString);
        Assert.Equal("mobile", device["device_type"].AsString);
        Assert.Equal("iOS", device["platform"].AsString);
        Assert.Equal("iOS 17.2", device["os"].AsString);
        Assert.Equal("Safari", device["browser"].AsString);
        Assert.Equal(now, device["last_active"].ToUniversalTime(), TimeSpan.FromMilliseconds(1));
        Assert.Equal(now, device["registered_at"].ToUniversalTime(), TimeSpan.FromMilliseconds(1));
        Assert.True(device["is_current"].AsBoolean);
        Assert.DoesNotContain(rawDeviceId, stored.ToJson(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_refresh_token_is_stored_only_as_its_hash_in_a_family_bound_to_the_device()
    {
        var client = api.CreateClient();
        var email = TestUsers.NewEmail("hash");
        var user = await client.RegisterAsync(email);

        var tokens = await client.LoginAsync(email, device: TestUsers.Device("hash-device"));

        var raw = tokens["refreshToken"]!.GetValue<string>();
        var stored = await api.Database.GetCollection<BsonDocument>("refreshtoken")
            .Find(new BsonDocument("user_id", user["id"]!.GetValue<string>())).SingleAsync(Http.Ct);
        Assert.Equal(Sha256(raw), stored["token_hash"].AsString);
        Assert.Equal(Sha256("hash-device"), stored["device_id"].AsString);
        Assert.False(string.IsNullOrEmpty(stored["family_id"].AsString));
        Assert.DoesNotContain(raw, stored.ToJson(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_second_device_becomes_current_and_a_known_device_is_refreshed_not_added()
    {
        var client = api.CreateClient();
        var email = TestUsers.NewEmail("devices");
        await client.RegisterAsync(email);
        await client.LoginAsync(email, device: TestUsers.Device("first", "Old name"));
        var registered = (await StoredUserAsync(email))["devices"][0]["registered_at"].ToUniversalTime();
        api.Clock.Advance(TimeSpan.FromMinutes(1));
        await client.LoginAsync(email, device: TestUsers.Device("second", "Laptop", "desktop"));

        var twoDevices = (await StoredUserAsync(email))["devices"].AsBsonArray.Select(d => d.AsBsonDocument).ToList();
        Assert.Equal([false, true], twoDevices.Select(d => d["is_current"].AsBoolean));
        Assert.Equal([Sha256("first"), Sha256("second")], twoDevices.Select(d => d["device_id"].AsString));

        api.Clock.Advance(TimeSpan.FromMinutes(1));
        await client.LoginAsync(email, device: new { deviceId = "first", deviceName = "New name", deviceType = "tablet", platform = "iPadOS" });

        var devices = (await StoredUserAsync(email))["devices"].AsBsonArray.Select(d => d.AsBsonDocument).ToList();
        Assert.Equal(2, devices.Count);
        var first = devices.Single(d => d["device_id"] == Sha256("first"));
        Assert.True(first["is_current"].AsBoolean);
        Assert.False(devices.Single(d => d["device_id"] == Sha256("second"))["is_current"].AsBoolean);
        Assert.Equal("New name", first["device_name"].AsString);
        Assert.Equal("tablet", first["device_type"].AsString);
        Assert.Equal("iPadOS", first["platform"].AsString);
        Assert.Equal(registered, first["registered_at"].ToUniversalTime());
        Assert.Equal(api.Clock.GetUtcNow().UtcDateTime, first["last_active"].ToUniversalTime(), TimeSpan.FromMilliseconds(1));
    }

    [Fact]
    public async Task Device_fields_are_stored_as_sent_even_when_they_look_like_field_paths()
    {
        var client = api.CreateClient();
        var email = TestUsers.NewEmail("literal");
        await client.RegisterAsync(email);

        await client.LoginAsync(email, device: new { deviceId = "$devices", deviceName = "$email", deviceType = "tv", os = "$$ROOT" });

        var device = (await StoredUserAsync(email))["devices"][0].AsBsonDocument;
        Assert.Equal("$email", device["device_name"].AsString);
        Assert.Equal("$$ROOT", device["os"].AsString);
        Assert.Equal(Sha256("$devices"), device["device_id"].AsString);
    }

    [Fact]
    public async Task Wrong_password_unknown_email_and_inactive_account_give_the_same_401()
    {
        var client = api.CreateClient();
        var email = TestUsers.NewEmail("same");
        await client.RegisterAsync(email);
        var inactive = TestUsers.NewEmail("inactive");
        await client.RegisterAsync(inactive);
        await Users.UpdateOneAsync(new BsonDocument("email", inactive), new BsonDocument("$set", new BsonDocument("is_active", false)), cancellationToken: Http.Ct);

        var problems = new List<JsonObject>();
        foreach (var (address, password) in new[] { (email, "wrong-password-1"), (TestUsers.NewEmail("nobody"), TestUsers.Password), (inactive, TestUsers.Password) })
        {
            var problem = await (await PostLoginAsync(client, address, password)).AssertProblemAsync(HttpStatusCode.Unauthorized);
            problem.Remove("traceId");
            problems.Add(problem);
        }

        Assert.All(problems, p => Assert.Equal(problems[0].ToJsonString(), p.ToJsonString()));
        Assert.Equal("The email or password is incorrect.", problems[0]["detail"]!.GetValue<string>());
        Assert.False((await StoredUserAsync(email)).Contains("last_login"));
        Assert.Empty((await StoredUserAsync(inactive)).GetValue("devices", new BsonArray()).AsBsonArray);
    }

    [Theory]
    [InlineData("email", "", TestUsers.Password, "dev", "Phone", "mobile")]
    [InlineData("email", "not-an-email", TestUsers.Password, "dev", "Phone", "mobile")]
    [InlineData("password", "a@example.com", "", "dev", "Phone", "mobile")]
    [InlineData("device.deviceId", "a@example.com", TestUsers.Password, "", "Phone", "mobile")]
    [InlineData("device.deviceName", "a@example.com", TestUsers.Password, "dev", "", "mobile")]
    [InlineData("device.deviceType", "a@example.com", TestUsers.Password, "dev", "Phone", "watch")]
    [InlineData("device.deviceType", "a@example.com", TestUsers.Password, "dev", "Phone", "")]
    public async Task Invalid_logins_are_400_with_the_field_named(string field, string email, string password, string deviceId, string deviceName, string deviceType)
    {
        var response = await PostLoginAsync(api.CreateClient(), email, password, new { deviceId, deviceName, deviceType });

        await response.AssertValidationProblemAsync(field);
    }

    [Fact]
    public async Task A_missing_device_and_overlong_fields_are_rejected()
    {
        var client = api.CreateClient();

        var noDevice = await client.PostJsonAsync("/api/auth/login", new { email = "a@example.com", password = TestUsers.Password });
        var overlong = await PostLoginAsync(client, "a@example.com", new string('p', 73), new
        {
            deviceId = new string('d', 201),
            deviceName = new string('n', 101),
            deviceType = "mobile",
            platform = new string('x', 101),
            os = new string('x', 101),
            browser = new string('x', 101),
        });
        var missingFields = await client.PostJsonAsync("/api/auth/login", new { device = new { } });

        await noDevice.AssertValidationProblemAsync("device");
        await overlong.AssertValidationProblemAsync("password", "device.deviceId", "device.deviceName", "device.platform", "device.os", "device.browser");
        await missingFields.AssertValidationProblemAsync("email", "password", "device.deviceId", "device.deviceName", "device.deviceType");
    }

    [Fact]
    public async Task A_new_device_beyond_the_limit_is_a_409_on_device_and_nothing_is_stored()
    {
        var client = api.CreateClient();
        var email = TestUsers.NewEmail("limit");
        await client.RegisterAsync(email);
        await client.LoginAsync(email, device: TestUsers.Device("one"));
        await client.LoginAsync(email, device: TestUsers.Device("two"));
        var before = await StoredUserAsync(email);
        api.Clock.Advance(TimeSpan.FromMinutes(1));

        var response = await PostLoginAsync(client, email, TestUsers.Password, TestUsers.Device("three"));

        var problem = await response.AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal("device", problem["field"]!.GetValue<string>());
        Assert.Equal(before, await StoredUserAsync(email));
        Assert.Equal(0, await api.Database.GetCollection<BsonDocument>("refreshtoken")
            .CountDocumentsAsync(new BsonDocument("device_id", Sha256("three")), cancellationToken: Http.Ct));

        // A device already registered still signs in at the limit.
        await client.LoginAsync(email, device: TestUsers.Device("one"));
    }

    [Fact]
    public async Task Parallel_logins_from_new_devices_at_the_limit_add_exactly_one()
    {
        var client = api.CreateClient();
        var email = TestUsers.NewEmail("race");
        await client.RegisterAsync(email);
        await client.LoginAsync(email, device: TestUsers.Device("existing"));

        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(i =>
            PostLoginAsync(client, email, TestUsers.Password, TestUsers.Device($"new-{i}"))));

        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(9, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        var devices = (await StoredUserAsync(email))["devices"].AsBsonArray;
        Assert.Equal(LoginApiFactory.MaxDevices, devices.Count);
        Assert.Equal(1, devices.Count(d => d["is_current"].AsBoolean));
    }

    [Fact]
    public async Task Repeated_failures_lock_the_email_with_429_and_retry_after_even_for_the_right_password()
    {
        var client = api.CreateClient();
        var email = TestUsers.NewEmail("lock");
        await client.RegisterAsync(email);
        for (var i = 0; i < LoginApiFactory.Threshold; i++)
        {
            await (await PostLoginAsync(client, email, "wrong-password-1")).AssertProblemAsync(HttpStatusCode.Unauthorized);
        }

        var locked = await PostLoginAsync(client, email, TestUsers.Password);

        await locked.AssertProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.Equal(LoginApiFactory.LockoutDuration.TotalSeconds, locked.Headers.RetryAfter?.Delta?.TotalSeconds);
        Assert.False((await StoredUserAsync(email)).Contains("last_login"));

        api.Clock.Advance(LoginApiFactory.LockoutDuration - TimeSpan.FromSeconds(10));
        var stillLocked = await PostLoginAsync(client, email, TestUsers.Password);
        await stillLocked.AssertProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.Equal(10, stillLocked.Headers.RetryAfter?.Delta?.TotalSeconds);

        api.Clock.Advance(TimeSpan.FromSeconds(10));
        await client.LoginAsync(email);
        Assert.Equal(0, await Lockouts.CountDocumentsAsync(new BsonDocument("email", email), cancellationToken: Http.Ct));
    }

    [Fact]
    public async Task Unknown_emails_are_counted_and_locked_like_known_ones()
    {
        var client = api.CreateClient();
        var email = TestUsers.NewEmail("ghost");
        for (var i = 0; i < LoginApiFactory.Threshold; i++)
        {
            await (await PostLoginAsync(client, email, TestUsers.Password)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        }

        await (await PostLoginAsync(client, email, TestUsers.Password)).AssertProblemAsync(HttpStatusCode.TooManyRequests);
    }

    [Fact]
    public async Task Parallel_failures_are_counted_exactly()
    {
        var client = api.CreateClient();
        var email = TestUsers.NewEmail("count");
        await client.RegisterAsync(email);

        var responses = await Task.WhenAll(Enumerable.Range(0, LoginApiFactory.Threshold - 1).Select(_ => PostLoginAsync(client, email, "wrong-password-1")));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode));
        var entry = await Lockouts.Find(new BsonDocument("email", email)).SingleAsync(Http.Ct);
        Assert.Equal(LoginApiFactory.Threshold - 1, entry["failures"].AsInt32);
        Assert.False(entry.Contains("locked_until"));
        await (await PostLoginAsync(client, email, "wrong-password-1")).AssertProblemAsync(HttpStatusCode.Unauthorized);
        await (await PostLoginAsync(client, email, TestUsers.Password)).AssertProblemAsync(HttpStatusCode.TooManyRequests);
    }

    [Fact]
    public async Task Many_parallel_failures_lock_and_a_success_clears_the_count()
    {
        var client = api.CreateClient();
        var email = TestUsers.NewEmail("burst");
        await client.RegisterAsync(email);
        await (await PostLoginAsync(client, email, "wrong-password-1")).AssertProblemAsync(HttpStatusCode.Unauthorized);

        await client.LoginAsync(email);
        Assert.Equal(0, await Lockouts.CountDocumentsAsync(new BsonDocument("email", email), cancellationToken: Http.Ct));

        await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => PostLoginAsync(client, email, "wrong-password-1")));
        await (await PostLoginAsync(client, email, TestUsers.Password)).AssertProblemAsync(HttpStatusCode.TooManyRequests);
    }

    [Fact]
    public async Task Failures_outside_the_window_do_not_add_up()
    {
        var client = api.CreateClient();
        var email = TestUsers.NewEmail("window");
        await client.RegisterAsync(email);
        for (var i = 0; i < LoginApiFactory.Threshold - 1; i++)
        {
            await PostLoginAsync(client, email, "wrong-password-1");
        }

        api.Clock.Advance(TimeSpan.FromMinutes(11));
        await (await PostLoginAsync(client, email, "wrong-password-1")).AssertProblemAsync(HttpStatusCode.Unauthorized);

        await client.LoginAsync(email);
    }

    [Fact]
    public async Task The_lockout_collection_has_a_unique_email_and_a_ttl_index()
    {
        var indexes = await (await Lockouts.Indexes.ListAsync(Http.Ct)).ToListAsync(Http.Ct);

        Assert.Contains(indexes, i => i["key"] == new BsonDocument("email", 1) && i.GetValue("unique", false).ToBoolean());
        Assert.Contains(indexes, i => i["key"] == new BsonDocument("expires_at", 1) && i.GetValue("expireAfterSeconds", -1).ToInt32() == 0);
    }
}
