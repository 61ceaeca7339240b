using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using System.Text.Json.Nodes;
using BayitPlus.Api.Infrastructure.Auth;
using BayitPlus.Api.Infrastructure.Security;
using BayitPlus.Api.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using MongoDB.Bson;

namespace BayitPlus.Api.Tests.Features.Audit;

/// <summary>A low lockout threshold and a low sign-in rate limit (per client address, and each test
/// signs in from its own, see <see cref="ClientAddresses"/>).</summary>
public sealed class SecurityEventsApiFactory : ApiFactory
{
    public const int Threshold = 3;
    public const int LoginPermits = 5;

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
    {
        ["Users:LockoutThreshold"] = Threshold.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Users:LockoutWindow"] = "00:10:00",
        ["Users:LockoutDuration"] = "00:05:00",
        ["RateLimits:login:PermitLimit"] = LoginPermits.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["RateLimits:login:WindowSeconds"] = "3600",
    };
}

public sealed class SecurityEventRecordingTests(SecurityEventsApiFactory api) : IClassFixture<SecurityEventsApiFactory>
{
    private static BsonDocument ByIp(string ip, string eventType) => new() { ["ip_address"] = ip, ["event_type"] = eventType };

    [Fact]
    public async Task A_failed_sign_in_is_a_medium_event_with_the_email_and_address_but_never_the_password()
    {
        var ip = ClientAddresses.NewIp();
        var client = api.CreateClient().FromIp(ip);
        var email = TestUsers.NewEmail("failed");
        var userId = (await client.RegisterAsync(email))["id"]!.GetValue<string>();

        await (await client.FailedLoginAsync(email.ToUpperInvariant())).AssertProblemAsync(HttpStatusCode.Unauthorized);

        var stored = Assert.Single(await api.StoredEventsAsync(ByIp(ip, "sign_in_failed")));
        Assert.Equal("medium", stored["severity"].AsString);
        Assert.Equal(userId, stored["user_id"].AsString);
        Assert.Equal(new BsonDocument("email", email), stored["details"].AsBsonDocument);
        Assert.True(stored["created_at"].IsValidDateTime);
        Assert.DoesNotContain("wrong-password-123", stored.ToJson(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failed_sign_in_of_an_unknown_email_is_recorded_without_a_user()
    {
        var ip = ClientAddresses.NewIp();
        var email = TestUsers.NewEmail("nobody");

        await (await api.CreateClient().FromIp(ip).FailedLoginAsync(email)).AssertProblemAsync(HttpStatusCode.Unauthorized);

        var stored = Assert.Single(await api.StoredEventsAsync(ByIp(ip, "sign_in_failed")));
        Assert.False(stored.Contains("user_id"));
        Assert.Equal(email, stored["details"]["email"].AsString);
    }

    [Fact]
    public async Task A_successful_sign_in_is_a_low_event_of_the_user()
    {
        var ip = ClientAddresses.NewIp();
        var client = api.CreateClient().FromIp(ip);
        var email = TestUsers.NewEmail("ok");
        var userId = (await client.RegisterAsync(email))["id"]!.GetValue<string>();

        await client.LoginAsync(email);

        var stored = Assert.Single(await api.StoredEventsAsync(ByIp(ip, "sign_in_succeeded")));
        Assert.Equal("low", stored["severity"].AsString);
        Assert.Equal(userId, stored["user_id"].AsString);
        Assert.Empty(await api.StoredEventsAsync(ByIp(ip, "sign_in_failed")));
    }

    [Fact]
    public async Task The_failure_that_locks_an_account_is_a_high_event_and_attempts_while_locked_are_medium()
    {
        var ip = ClientAddresses.NewIp();
        var client = api.CreateClient().FromIp(ip);
        var email = TestUsers.NewEmail("locked");
        await client.RegisterAsync(email);

        for (var i = 0; i < SecurityEventsApiFactory.Threshold; i++)
        {
            await (await client.FailedLoginAsync(email)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        }

        await (await client.FailedLoginAsync(email)).AssertProblemAsync(HttpStatusCode.TooManyRequests);

        var locked = Assert.Single(await api.StoredEventsAsync(ByIp(ip, "account_locked")));
        Assert.Equal("high", locked["severity"].AsString);
        Assert.Equal(email, locked["details"]["email"].AsString);
        Assert.Equal(SecurityEventsApiFactory.Threshold, (await api.StoredEventsAsync(ByIp(ip, "sign_in_failed"))).Count);
        var whileLocked = Assert.Single(await api.StoredEventsAsync(ByIp(ip, "sign_in_while_locked")));
        Assert.Equal("medium", whileLocked["severity"].AsString);
    }

    [Fact]
    public async Task A_tampered_access_token_is_a_medium_invalid_token_event_without_the_token()
    {
        var ip = ClientAddresses.NewIp();
        var user = await api.SignUpAsync();
        var parts = user.AccessToken.Split('.');
        var tampered = $"{parts[0]}.{parts[1]}.{(parts[2][0] == 'A' ? 'B' : 'A')}{parts[2][1..]}";

        var response = await api.CreateClient().FromIp(ip).WithToken(tampered).GetAsync("/api/users/me", Http.Ct);

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
        var stored = Assert.Single(await api.StoredEventsAsync(ByIp(ip, "invalid_token")));
        Assert.Equal("medium", stored["severity"].AsString);
        Assert.EndsWith("Exception", stored["details"]["failure"].AsString, StringComparison.Ordinal);
        Assert.Equal("/api/users/me", stored["details"]["path"].AsString);
        Assert.DoesNotContain(parts[2][1..], stored.ToJson(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_403_is_a_medium_access_denied_event_with_the_user_and_path()
    {
        var ip = ClientAddresses.NewIp();
        var user = await api.SignUpAsync();

        var response = await api.ClientFor(user).FromIp(ip).GetAsync("/api/admin/users", Http.Ct);

        await response.AssertProblemAsync(HttpStatusCode.Forbidden);
        var stored = Assert.Single(await api.StoredEventsAsync(ByIp(ip, "access_denied")));
        Assert.Equal("medium", stored["severity"].AsString);
        Assert.Equal(user.Id, stored["user_id"].AsString);
        Assert.Equal("/api/admin/users", stored["details"]["path"].AsString);
    }

    [Fact]
    public async Task Reuse_of_a_rotated_refresh_token_is_a_high_event_of_its_owner()
    {
        var ip = ClientAddresses.NewIp();
        var client = api.CreateClient().FromIp(ip);
        var email = TestUsers.NewEmail("reuse");
        var userId = (await client.RegisterAsync(email))["id"]!.GetValue<string>();
        var first = await client.LoginAsync(email);
        var body = new { refreshToken = first["refreshToken"]!.GetValue<string>() };
        var second = await (await client.PostJsonAsync("/api/auth/refresh", body)).ReadAsync<JsonObject>();
        await (await client.PostJsonAsync("/api/auth/refresh", new { refreshToken = second["refreshToken"]!.GetValue<string>() })).ReadAsync<JsonObject>();

        // Its successor already used: no longer a racing duplicate (Jwt:RefreshReuseGracePeriod) but reuse.
        await (await client.PostJsonAsync("/api/auth/refresh", body)).AssertProblemAsync(HttpStatusCode.Unauthorized);

        var stored = Assert.Single(await api.StoredEventsAsync(ByIp(ip, "refresh_token_reuse")));
        Assert.Equal("high", stored["severity"].AsString);
        Assert.Equal(userId, stored["user_id"].AsString);
        Assert.DoesNotContain(body.refreshToken, stored.ToJson(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_rate_limited_sign_in_is_a_medium_event_naming_the_policy()
    {
        var ip = ClientAddresses.NewIp();
        var client = api.CreateClient().FromIp(ip);
        for (var i = 0; i < SecurityEventsApiFactory.LoginPermits; i++)
        {
            await (await client.FailedLoginAsync(TestUsers.NewEmail("limited"))).AssertProblemAsync(HttpStatusCode.Unauthorized);
        }

        await (await client.FailedLoginAsync(TestUsers.NewEmail("limited"))).AssertProblemAsync(HttpStatusCode.TooManyRequests);

        var stored = Assert.Single(await api.StoredEventsAsync(ByIp(ip, "rate_limited")));
        Assert.Equal("medium", stored["severity"].AsString);
        Assert.Equal(new BsonDocument { ["path"] = "/api/auth/login", ["policy"] = "login" }, stored["details"].AsBsonDocument);
    }

    [Fact]
    public async Task A_role_change_is_a_high_event_and_a_patch_that_keeps_the_role_is_none()
    {
        var ip = ClientAddresses.NewIp();
        var admin = await api.SignUpAsync(role: Roles.Admin);
        var target = await api.SignUpAsync();
        var client = api.ClientFor(admin).FromIp(ip);

        await (await client.PatchJsonAsync($"/api/admin/users/{target.Id}", new { role = Roles.Beta })).ReadAsync<JsonObject>();
        await (await client.PatchJsonAsync($"/api/admin/users/{target.Id}", new { role = Roles.Beta })).ReadAsync<JsonObject>();

        var stored = Assert.Single(await api.StoredEventsAsync(ByIp(ip, "role_changed")));
        Assert.Equal("high", stored["severity"].AsString);
        Assert.Equal(target.Id, stored["user_id"].AsString);
        Assert.Equal(new BsonDocument { ["from"] = Roles.User, ["to"] = Roles.Beta, ["changed_by"] = admin.Id }, stored["details"].AsBsonDocument);
    }

    [Fact]
    public async Task Any_slice_can_record_its_own_event_which_is_stored_and_counted_by_type_and_severity()
    {
        var type = "test_fraud_" + Guid.NewGuid().ToString("N")[..8];
        var counted = new ConcurrentBag<(long Value, string? Type, string? Severity)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "BayitPlus" && instrument.Name == "bayitplus.security.events")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            var byName = tags.ToArray().ToDictionary(t => t.Key, t => t.Value as string);
            if (byName.GetValueOrDefault("event_type") == type)
            {
                counted.Add((value, byName["event_type"], byName.GetValueOrDefault("severity")));
            }
        });
        listener.Start();

        api.Services.GetRequiredService<ISecurityEvents>().Record(
            new SecurityEvent(type, Severity.Critical, "user-1", "192.0.2.7", new BsonDocument("rule", "velocity")));

        var stored = Assert.Single(await api.StoredEventsAsync(new BsonDocument("event_type", type)));
        Assert.Equal("critical", stored["severity"].AsString);
        Assert.Equal("user-1", stored["user_id"].AsString);
        Assert.Equal("192.0.2.7", stored["ip_address"].AsString);
        Assert.Equal(new BsonDocument("rule", "velocity"), stored["details"].AsBsonDocument);
        Assert.Equal([(1L, type, "critical")], counted);
    }
}
