using System.Diagnostics;
using System.Net;
using BayitPlus.Api.Features.Beta500;
using BayitPlus.Api.Infrastructure.Auth;
using BayitPlus.Api.Infrastructure.Mongo;
using BayitPlus.Api.Tests.Support;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Tests.Features.Beta500;

/// <summary>A host of its own whose program starts empty, so the seats it counts are this class's.
/// Its connection pool is sized for 1,000 requests at once: with the driver's default (100
/// connections, 500 waiting) most of them would be answered 503 "busy" before reaching a seat.</summary>
public sealed class SeatCapApiFactory : ApiFactory
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
    {
        [MongoSettings.UriKey] = Backend.ConnectionString + (Backend.ConnectionString.Contains('?') ? "&" : "/?") + "maxPoolSize=1000",
    };
}

public sealed class EnrollmentSeatTests(SeatCapApiFactory api) : IClassFixture<SeatCapApiFactory>
{
    [Fact]
    public async Task A_thousand_parallel_enrollments_fill_exactly_the_500_seats()
    {
        var now = DateTime.UtcNow;
        var users = Enumerable.Range(0, 1000).Select(i => new BsonDocument
        {
            ["_id"] = ObjectId.GenerateNewId(),
            ["email"] = $"seat-{i}-{Guid.NewGuid():N}@example.com",
            ["name"] = "Seat Test",
            ["role"] = Roles.User,
            ["is_active"] = true,
            ["devices"] = new BsonArray(),
            ["preferences"] = new BsonDocument(),
            ["created_at"] = now,
            ["updated_at"] = now,
        }).ToList();
        await api.Raw("user").InsertManyAsync(users, cancellationToken: Http.Ct);
        var clients = users.Select(u => api.CreateClient().WithToken(api.MintAccessToken(u["_id"].ToString()!, u["email"].AsString, Roles.User))).ToList();

        var clock = Stopwatch.StartNew();
        var responses = await Task.WhenAll(clients.Select(EnrollUntilAnsweredAsync));
        clock.Stop();

        var statuses = responses.GroupBy(r => r.StatusCode).ToDictionary(g => g.Key, g => g.Count());
        Assert.True(statuses.GetValueOrDefault(HttpStatusCode.Created) == 500, $"{string.Join(", ", statuses)} in {clock.Elapsed}");
        Assert.True(statuses.GetValueOrDefault(HttpStatusCode.Conflict) == 500, $"{string.Join(", ", statuses)} in {clock.Elapsed}");
        foreach (var refused in responses.Where(r => r.StatusCode == HttpStatusCode.Conflict).Take(5))
        {
            Assert.Equal(EnrollmentProblems.ProgramFull, (await refused.AssertProblemAsync(HttpStatusCode.Conflict))["type"]!.GetValue<string>());
        }

        Assert.Equal(500, await api.Raw("betauser").CountDocumentsAsync(new BsonDocument("is_active", true), cancellationToken: Http.Ct));
        Assert.Equal(500, await api.Raw("betacredittransaction").CountDocumentsAsync(new BsonDocument("transaction_type", "grant"), cancellationToken: Http.Ct));
        Assert.Equal(500, await api.Raw("user").CountDocumentsAsync(new BsonDocument("role", Roles.Beta), cancellationToken: Http.Ct));
        var status = await (await api.CreateClient().GetAsync("/api/beta/status", Http.Ct)).ReadJsonAsync();
        Assert.False(status["isOpen"]!.GetValue<bool>());
        Assert.Equal(500, status["filledSeats"]!.GetValue<int>());
        Assert.Equal(0, status["availableSeats"]!.GetValue<int>());

        // A withdrawal frees one seat; an admin cannot reactivate the withdrawn member once it is taken again.
        var member = (await api.Raw("betauser").Find(new BsonDocument("is_active", true)).FirstAsync(Http.Ct))["user_id"].AsString;
        var memberClient = clients[users.FindIndex(u => u["_id"].ToString() == member)];
        Assert.Equal(HttpStatusCode.NoContent, (await memberClient.DeleteAsync("/api/beta/me", Http.Ct)).StatusCode);
        status = await (await api.CreateClient().GetAsync("/api/beta/status", Http.Ct)).ReadJsonAsync();
        Assert.True(status["isOpen"]!.GetValue<bool>());
        Assert.Equal(1, status["availableSeats"]!.GetValue<int>());
        var latecomer = await api.SignUpAsync();
        Assert.Equal(HttpStatusCode.Created, (await api.ClientFor(latecomer).EnrollAsync()).StatusCode);
        var (_, admin) = await api.SignedInClientAsync(Roles.Admin);
        var full = await (await admin.PostAsync($"/api/admin/beta/members/{member}/reactivate", null, Http.Ct)).AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(EnrollmentProblems.ProgramFull, full["type"]!.GetValue<string>());
        Assert.Equal(Roles.User, await api.RoleAsync(member));
    }

    /// <summary>Enrolls as a client should: a 503 (1,000 requests at once exceed the database
    /// connection pool and its wait queue) is retried after a pause, as its Retry-After asks.</summary>
    private static async Task<HttpResponseMessage> EnrollUntilAnsweredAsync(HttpClient client)
    {
        for (var attempt = 1; ; attempt++)
        {
            var response = await client.EnrollAsync();
            if (response.StatusCode != HttpStatusCode.ServiceUnavailable || attempt == 50)
            {
                return response;
            }

            Assert.True(response.Headers.RetryAfter is not null, "a 503 without Retry-After");
            await Task.Delay(Random.Shared.Next(50, 250), Http.Ct);
        }
    }
}
