using System.Net;
using BayitPlus.Api.Tests.Support;
using MongoDB.Bson;

namespace BayitPlus.Api.Tests.Infrastructure;

public sealed class RegisterLimitApiFactory : ApiFactory
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
    {
        ["RateLimits:register:PermitLimit"] = "2",
        ["RateLimits:register:WindowSeconds"] = "3600",
    };
}

public sealed class GlobalLimitApiFactory : ApiFactory
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
    {
        ["RateLimits:Global:PermitLimit"] = "3",
        ["RateLimits:Global:WindowSeconds"] = "600",
    };
}

public sealed class RegisterRateLimitTests(RegisterLimitApiFactory api) : IClassFixture<RegisterLimitApiFactory>
{
    [Fact]
    public async Task The_third_registration_from_one_client_within_the_window_is_a_429_problem_with_retry_after()
    {
        var client = api.CreateClient();
        await client.RegisterAsync();
        await client.RegisterAsync();
        var email = TestUsers.NewEmail("limited");

        var response = await client.PostJsonAsync("/api/auth/register", new { email, name = "Limited", password = TestUsers.Password });

        await response.AssertProblemAsync(HttpStatusCode.TooManyRequests);
        var retryAfter = response.Headers.RetryAfter?.Delta ?? throw new InvalidOperationException("no Retry-After");
        Assert.InRange(retryAfter, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1));
        Assert.Equal(0, await api.Database.GetCollection<BsonDocument>("user").CountDocumentsAsync(new BsonDocument("email", email), cancellationToken: Http.Ct));
    }
}

public sealed class GlobalRateLimitTests(GlobalLimitApiFactory api) : IClassFixture<GlobalLimitApiFactory>
{
    [Fact]
    public async Task Requests_over_the_global_limit_are_429_problems_with_retry_after_but_health_stays_reachable()
    {
        var client = api.CreateClient();
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/openapi/v1.json", Http.Ct)).StatusCode);
        }

        var limited = await client.GetAsync("/openapi/v1.json", Http.Ct);
        var otherEndpoint = await client.PostJsonAsync("/api/auth/register", new { email = TestUsers.NewEmail(), name = "Late", password = TestUsers.Password });
        var health = await client.GetAsync("/health/ready", Http.Ct);

        await limited.AssertProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.InRange(limited.Headers.RetryAfter?.Delta ?? TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10));
        await otherEndpoint.AssertProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }
}
