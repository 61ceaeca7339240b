using System.Net;
using BayitPlus.Api.Tests.Support;
using MongoDB.Bson;

namespace BayitPlus.Api.Tests.Features.Audit;

/// <summary>Neither the rate limits nor the lockout stop any attempt: every one reaches the password check.</summary>
public sealed class BurstApiFactory : ApiFactory
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
    {
        ["Users:LockoutThreshold"] = "1000000",
    };
}

public sealed class SecurityEventBurstTests(BurstApiFactory api) : IClassFixture<BurstApiFactory>
{
    private const int Attempts = 1000;

    /// <summary>In flight at once: well above the driver's pool of 100 connections, so requests and the
    /// event writer compete for them, but under its wait queue of 500, which a thousand simultaneous
    /// requests overflow (MongoWaitQueueFullException, before any event is at stake).</summary>
    private const int InFlight = 250;

    [Fact]
    public async Task A_thousand_parallel_failed_sign_ins_leave_exactly_a_thousand_events()
    {
        var email = TestUsers.NewEmail("burst");
        await api.CreateClient().RegisterAsync(email);
        var client = api.CreateClient();

        var statuses = new System.Collections.Concurrent.ConcurrentBag<HttpStatusCode>();
        await Parallel.ForEachAsync(
            Enumerable.Range(0, Attempts),
            new ParallelOptions { MaxDegreeOfParallelism = InFlight, CancellationToken = Http.Ct },
            async (_, _) => statuses.Add((await client.FailedLoginAsync(email)).StatusCode));

        Assert.Equal(Attempts, statuses.Count);
        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.Unauthorized, s));
        var stored = await api.StoredEventsAsync(new BsonDocument { ["event_type"] = "sign_in_failed", ["details.email"] = email });
        Assert.Equal(Attempts, stored.Count);
        Assert.Equal(Attempts, stored.Select(e => e["_id"]).Distinct().Count());
        Assert.All(stored, e => Assert.Equal("medium", e["severity"].AsString));
    }
}
