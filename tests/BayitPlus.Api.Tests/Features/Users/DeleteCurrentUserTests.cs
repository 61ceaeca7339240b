using System.Net;
using BayitPlus.Api.Features.Users;
using BayitPlus.Api.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Tests.Features.Users;

/// <summary>The job's own periodic pass runs on the same fake clock: its interval is set beyond
/// anything these tests advance, so only the passes the tests start run (no race with them).</summary>
public sealed class AnonymizationApiFactory : FakeClockApiFactory
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
    {
        ["Users:AnonymizationInterval"] = "40.00:00:00",
    };
}

public sealed class DeleteCurrentUserTests(AnonymizationApiFactory api) : IClassFixture<AnonymizationApiFactory>
{
    private IMongoCollection<BsonDocument> Users => api.Database.GetCollection<BsonDocument>("user");

    private Task<BsonDocument> StoredAsync(string id) => Users.Find(new BsonDocument("_id", ObjectId.Parse(id))).SingleAsync(Http.Ct);

    private AnonymizationJob Job => api.Services.GetRequiredService<AnonymizationJob>();

    [Fact]
    public async Task Delete_deactivates_at_once_schedules_anonymization_and_signs_out_everywhere()
    {
        var user = await api.SignUpAsync();
        var refresh = await api.IssueRefreshTokenAsync(user, "device-a");
        var client = api.ClientFor(user);
        var now = api.Clock.GetUtcNow().UtcDateTime;

        var response = await client.DeleteAsync("/api/users/me", Http.Ct);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var stored = await StoredAsync(user.Id);
        Assert.False(stored["is_active"].AsBoolean);
        Assert.Equal(now, stored["deleted_at"].ToUniversalTime(), TimeSpan.FromMilliseconds(1));
        Assert.Equal(now.AddDays(30), stored["anonymize_after"].ToUniversalTime(), TimeSpan.FromMilliseconds(1));
        Assert.Equal(user.Email, stored["email"].AsString);
        var token = await api.Database.GetCollection<BsonDocument>("refreshtoken")
            .Find(new BsonDocument("token_hash", RefreshTokens.Hash(refresh.RefreshToken))).SingleAsync(Http.Ct);
        Assert.Equal(BsonType.DateTime, token["revoked_at"].BsonType);

        await (await client.GetAsync("/api/users/me", Http.Ct)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        await (await client.GetAsync("/api/users/me/profile", Http.Ct)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        await (await client.GetAsync("/api/users/me/devices", Http.Ct)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        await (await client.DeleteAsync("/api/users/me", Http.Ct)).AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task The_job_anonymizes_after_thirty_days_not_before_and_the_email_is_free_again()
    {
        var user = await api.SignUpAsync();
        var bystander = await api.SignUpAsync();
        var client = api.ClientFor(user);
        await client.PatchJsonAsync("/api/users/me", new { preferences = new { theme = "dark" } });
        await client.PutJsonAsync("/api/users/me/profile", new { bio = "Private bio", languagePreference = "en" });
        await api.AddDeviceAsync(user.Id);
        await Users.UpdateOneAsync(
            new BsonDocument("_id", ObjectId.Parse(user.Id)),
            new BsonDocument("$set", new BsonDocument { ["firebase_uid"] = "fb-" + user.Id, ["subscription_tier"] = "premium" }),
            cancellationToken: Http.Ct);
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync("/api/users/me", Http.Ct)).StatusCode);
        var deleted = await StoredAsync(user.Id);

        api.Clock.Advance(TimeSpan.FromDays(29));
        await Job.RunOnceAsync(Http.Ct);

        Assert.Equal(deleted, await StoredAsync(user.Id));

        api.Clock.Advance(TimeSpan.FromDays(1));
        await Job.RunOnceAsync(Http.Ct);

        var anonymized = await StoredAsync(user.Id);
        Assert.Equal($"deleted-{user.Id}@anonymized.invalid", anonymized["email"].AsString);
        Assert.Equal("Deleted user", anonymized["name"].AsString);
        Assert.False(anonymized["is_active"].AsBoolean);
        foreach (var field in new[] { "password_hash", "firebase_uid", "devices", "preferences", "subscription_tier", "anonymize_after" })
        {
            Assert.False(anonymized.Contains(field), $"{field} was kept");
        }

        Assert.Equal(api.Clock.GetUtcNow().UtcDateTime, anonymized["updated_at"].ToUniversalTime(), TimeSpan.FromMilliseconds(1));
        Assert.Equal(0, await api.Database.GetCollection<BsonDocument>("profile").CountDocumentsAsync(new BsonDocument("user_id", user.Id), cancellationToken: Http.Ct));
        Assert.Equal(bystander.Email, (await StoredAsync(bystander.Id))["email"].AsString);

        api.Clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(0, await Job.RunOnceAsync(Http.Ct));
        Assert.Equal(anonymized, await StoredAsync(user.Id));

        var again = await api.CreateClient().RegisterAsync(user.Email);
        Assert.NotEqual(user.Id, again["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Without_a_token_it_is_401()
    {
        var response = await api.CreateClient().DeleteAsync("/api/users/me", Http.Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
