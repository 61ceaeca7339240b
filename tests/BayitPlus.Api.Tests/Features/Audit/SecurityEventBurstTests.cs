using System.Net;
using BayitPlus.Api.Tests.Support;
using MongoDB.Bson;

namespace BayitPlus.Api.Tests.Features.Audit;

/// <summary>Neither the rate limits nor the lockout stop any attempt: every one reaches the password
/// check. The driver's pool is sized for the burst (maxPoolSize in the connection string, as a
/// deployment expecting such bursts would set it): with the default 100 connections and its wait
/// queue of 500, part of a thousand simultaneous requests would be answered 503 before signing in.</summary>
public sealed class BurstApiFactory : ApiFactory
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
    {
        ["Users:LockoutThreshold"] = "1000000",
        [Api.Infrastructure.Mongo.MongoSettings.UriKey] = Backend.ConnectionString + (Backend.ConnectionString.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "maxPoolSize=1000",
    };
}

public sealed class SecurityEventBurstTests(BurstApiFactory api) : IClassFixture<BurstApiFactory>
{
    private const int Attempts = 1000;

    [Fact]
    public async Task A_thousand_parallel_failed_sign_ins_leave_exactly_a_thousand_events()
    {
        var email = TestUsers.NewEmail("burst");
        await api.CreateClient().RegisterAsync(email);
        var client = api.CreateClient();

        var responses = await Task.WhenAll(Enumerable.Range(0, Attempts).Select(_ => client.FailedLoginAsync(email)));
        var statuses = responses.Select(r => r.StatusCode).ToList();

        Assert.Equal(Attempts, statuses.Count);
        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.Unauthorized, s));
        var stored = await api.StoredEventsAsync(new BsonDocument { ["event_type"] = "sign_in_failed", ["details.email"] = email });
        Assert.Equal(Attempts, stored.Count);
        Assert.Equal(Attempts, stored.Select(e => e["_id"]).Distinct().Count());
        Assert.All(stored, e => Assert.Equal("medium", e["severity"].AsString));
    }
}
