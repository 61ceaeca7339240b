using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using BayitPlus.Api.Infrastructure.Audit;
using BayitPlus.Api.Infrastructure.Security;
using BayitPlus.Api.Tests.Features.Content.Admin;
using BayitPlus.Api.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Tests.Features.Audit;

public sealed class AuditTrailTests(ApiFactory api)
{
    private const string UserAgent = "BayitPlusAuditTests/1.0";
    private const string ClientIp = "203.0.113.9";

    private IMongoCollection<BsonDocument> Trail => api.Database.GetCollection<BsonDocument>("auditlog");

    /// <summary>The records on a resource, but for the sign-up that created the test's account.</summary>
    private Task<List<BsonDocument>> RecordsOnAsync(string resourceId) =>
        Trail.Find(new BsonDocument { ["resource_id"] = resourceId, ["action_type"] = new BsonDocument("$ne", "user.registered") }).ToListAsync(Http.Ct);

    private HttpClient ClientFor(SignedInUser user)
    {
        var client = api.ClientFor(user).FromIp(ClientIp);
        client.DefaultRequestHeaders.UserAgent.ParseAdd(UserAgent);
        return client;
    }

    [Fact]
    public async Task A_role_change_by_an_admin_leaves_one_record_with_who_where_and_the_role_before_and_after()
    {
        var admin = await api.SignUpAsync(role: "admin");
        var user = await api.SignUpAsync();

        var response = await ClientFor(admin).PatchJsonAsync($"/api/admin/users/{user.Id}", new { role = "beta" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var record = Assert.Single(await RecordsOnAsync(user.Id));
        Assert.Equal(admin.Id, record["user_id"].AsString);
        Assert.Equal("user.role_changed", record["action_type"].AsString);
        Assert.Equal("user", record["resource_type"].AsString);
        Assert.Equal(ClientIp, record["ip_address"].AsString);
        Assert.Equal(UserAgent, record["user_agent"].AsString);
        Assert.Equal(BsonType.DateTime, record["created_at"].BsonType);
        var before = record["changes"]["before"].AsBsonDocument;
        var after = record["changes"]["after"].AsBsonDocument;
        Assert.Equal("user", before["role"].AsString);
        Assert.Equal("beta", after["role"].AsString);
        Assert.False(before.Contains("email"));
        Assert.False(after.Contains("password_hash"));
    }

    [Fact]
    public async Task A_status_change_is_recorded_as_such()
    {
        var admin = await api.SignUpAsync(role: "admin");
        var user = await api.SignUpAsync();

        await ClientFor(admin).PatchJsonAsync($"/api/admin/users/{user.Id}", new { isActive = false });

        var record = Assert.Single(await RecordsOnAsync(user.Id));
        Assert.Equal("user.status_changed", record["action_type"].AsString);
        Assert.True(record["changes"]["before"]["is_active"].AsBoolean);
        Assert.False(record["changes"]["after"]["is_active"].AsBoolean);
    }

    [Fact]
    public async Task A_password_change_is_recorded_with_the_hash_redacted()
    {
        var user = await api.SignUpAsync();

        var response = await ClientFor(user).PostJsonAsync("/api/users/me/password", new { currentPassword = TestUsers.Password, newPassword = "another-horse-77" });

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var record = Assert.Single(await RecordsOnAsync(user.Id));
        Assert.Equal("user.password_changed", record["action_type"].AsString);
        Assert.Equal(user.Id, record["user_id"].AsString);
        Assert.Equal(AuditRedaction.Redacted, record["changes"]["before"]["password_hash"].AsString);
        Assert.Equal(AuditRedaction.Redacted, record["changes"]["after"]["password_hash"].AsString);
        Assert.DoesNotContain("$2", record.ToJson(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_registration_is_recorded_as_a_create_with_the_new_id_and_no_secrets()
    {
        var registered = await api.CreateClient().RegisterAsync();
        var id = registered["id"]!.GetValue<string>();

        var record = await Trail.Find(new BsonDocument { ["resource_id"] = id, ["action_type"] = "user.registered" }).SingleAsync(Http.Ct);
        Assert.False(record.Contains("user_id"));
        Assert.True(record["changes"]["before"].IsBsonNull);
        Assert.Equal(registered["email"]!.GetValue<string>(), record["changes"]["after"]["email"].AsString);
        Assert.Equal(AuditRedaction.Redacted, record["changes"]["after"]["password_hash"].AsString);
    }

    [Fact]
    public async Task A_profile_found_by_its_owner_is_recorded_as_created_then_changed()
    {
        var user = await api.SignUpAsync();
        var client = ClientFor(user);

        Assert.Equal(HttpStatusCode.OK, (await client.PutJsonAsync("/api/users/me/profile", new { bio = "First", languagePreference = "en" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PutJsonAsync("/api/users/me/profile", new { bio = "Second", languagePreference = "en" })).StatusCode);

        var records = (await RecordsOnAsync(user.Id)).OrderBy(r => r["created_at"].ToUniversalTime()).ThenBy(r => r["_id"].AsObjectId).ToList();
        Assert.Equal(["profile.updated", "profile.updated"], records.Select(r => r["action_type"].AsString));
        Assert.All(records, r => Assert.Equal("profile", r["resource_type"].AsString));
        Assert.True(records[0]["changes"]["before"].IsBsonNull);
        Assert.Equal("First", records[0]["changes"]["after"]["bio"].AsString);
        Assert.Equal(new BsonDocument("bio", "First"), records[1]["changes"]["before"].AsBsonDocument);
        Assert.Equal(new BsonDocument("bio", "Second"), records[1]["changes"]["after"].AsBsonDocument);
    }

    [Fact]
    public async Task Catalog_admin_writes_are_recorded_from_create_to_delete()
    {
        var admin = await api.SignUpAsync(role: "admin");
        var client = ClientFor(admin);
        var created = await client.PostJsonAsync("/api/admin/content", ContentBodies.Valid());
        var id = (await created.ReadJsonAsync())["id"]!.GetValue<string>();

        var deleted = await client.DeleteAsync($"/api/admin/content/{id}", Http.Ct);

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        var records = (await RecordsOnAsync(id)).OrderBy(r => r["created_at"].ToUniversalTime()).ThenBy(r => r["_id"].AsObjectId).ToList();
        Assert.Equal(["content.created", "content.deleted"], records.Select(r => r["action_type"].AsString));
        Assert.True(records[0]["changes"]["before"].IsBsonNull);
        Assert.True(records[1]["changes"]["after"].IsBsonNull);
        Assert.Equal(records[0]["changes"]["after"]["title"], records[1]["changes"]["before"]["title"]);
        Assert.All(records, r => Assert.Equal(admin.Id, r["user_id"].AsString));
    }

    [Fact]
    public async Task A_command_that_fails_validation_leaves_no_record()
    {
        var admin = await api.SignUpAsync(role: "admin");
        var user = await api.SignUpAsync();

        var response = await ClientFor(admin).PatchJsonAsync($"/api/admin/users/{user.Id}", new { role = "wizard" });

        await response.AssertValidationProblemAsync("role");
        Assert.Empty(await RecordsOnAsync(user.Id));
    }

    [Fact]
    public async Task A_command_its_handler_refuses_leaves_no_record()
    {
        var user = await api.SignUpAsync();

        var response = await ClientFor(user).PostJsonAsync("/api/users/me/password", new { currentPassword = "not-the-password-1", newPassword = "another-horse-77" });

        await response.AssertValidationProblemAsync("currentPassword");
        Assert.Empty(await RecordsOnAsync(user.Id));
    }
}

/// <summary>A host whose audit trail cannot be written.</summary>
public sealed class BrokenTrailApiFactory : ApiFactory
{
    /// <summary>The security events the host recorded, kept in memory to be asserted at once.</summary>
    public ConcurrentQueue<SecurityEvent> SecurityEvents { get; } = new();

    protected override void ConfigureServices(IServiceCollection services)
    {
        services.Replace(ServiceDescriptor.Singleton<IAuditTrail, ThrowingTrail>());
        services.Replace(ServiceDescriptor.Singleton<ISecurityEvents>(new RecordingSecurityEvents(SecurityEvents)));
    }

    private sealed class RecordingSecurityEvents(ConcurrentQueue<SecurityEvent> recorded) : ISecurityEvents
    {
        public void Record(SecurityEvent securityEvent) => recorded.Enqueue(securityEvent);
    }

    private sealed class ThrowingTrail : IAuditTrail
    {
        public Task WriteAsync(AuditRecord record, CancellationToken cancellationToken) =>
            throw new MongoClientException("The audit store is unavailable.");
    }
}

public sealed class AuditWriteFailureTests(BrokenTrailApiFactory api) : IClassFixture<BrokenTrailApiFactory>
{
    private IMongoCollection<BsonDocument> Users => api.Database.GetCollection<BsonDocument>("user");

    private Task<BsonDocument> StoredAsync(string id) => Users.Find(new BsonDocument("_id", ObjectId.Parse(id))).SingleAsync(Http.Ct);

    [Fact]
    public async Task A_failed_audit_write_does_not_fail_the_users_request_and_is_counted()
    {
        var user = await api.SignUpAsync();
        long failures = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name == "bayitplus.audit.write_failures")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref failures, value));
        listener.Start();

        var response = await api.ClientFor(user).PatchJsonAsync("/api/users/me", new { name = "Renamed" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Renamed", (await response.ReadJsonAsync())["name"]!.GetValue<string>());
        Assert.Equal("Renamed", (await StoredAsync(user.Id))["name"].AsString);
        Assert.Equal(1, Interlocked.Read(ref failures));
    }

    [Fact]
    public async Task A_role_or_status_change_whose_record_cannot_be_written_is_not_made()
    {
        var admin = await api.SignUpAsync(role: "admin");
        var user = await api.SignUpAsync();
        var before = await StoredAsync(user.Id);
        var refresh = await api.IssueRefreshTokenAsync(user, "device-a");

        var roleChange = await api.ClientFor(admin).PatchJsonAsync($"/api/admin/users/{user.Id}", new { role = "beta" });
        var statusChange = await api.ClientFor(admin).PatchJsonAsync($"/api/admin/users/{user.Id}", new { isActive = false });
        var denied = await api.ClientFor(user).GetAsync("/api/admin/users", Http.Ct);

        await roleChange.AssertProblemAsync(HttpStatusCode.InternalServerError);
        await statusChange.AssertProblemAsync(HttpStatusCode.InternalServerError);
        Assert.Equal(before, await StoredAsync(user.Id));
        var token = await api.Database.GetCollection<BsonDocument>("refreshtoken")
            .Find(new BsonDocument("token_hash", BayitPlus.Api.Features.Users.RefreshTokens.Hash(refresh.RefreshToken))).SingleAsync(Http.Ct);
        Assert.False(token.Contains("revoked_at"));
        await denied.AssertProblemAsync(HttpStatusCode.Forbidden);
        // The denied request's event shows that this host's events reach the recorder, so the missing
        // role change event is the change not made, not a recorder that sees nothing.
        Assert.Contains(api.SecurityEvents, e => e.EventType == SecurityEventTypes.AccessDenied && e.UserId == user.Id);
        Assert.DoesNotContain(api.SecurityEvents, e => e.EventType == BayitPlus.Api.Features.Users.UserSecurityEvents.RoleChanged);
    }
}
