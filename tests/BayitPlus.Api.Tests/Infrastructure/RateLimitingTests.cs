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
        Assert.Equal("0", limited.Headers.GetValues("RateLimit-Remaining").Single());
        Assert.Equal("3", limited.Headers.GetValues("RateLimit-Limit").Single());
        await otherEndpoint.AssertProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }
}

/// <summary>Small limits with hour-long windows (so a test does not straddle a window's end).</summary>
public sealed class HeaderLimitsApiFactory : ApiFactory
{
    public const int GlobalLimit = 10;
    public const int LoginLimit = 4;

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
    {
        ["RateLimits:Global:PermitLimit"] = $"{GlobalLimit}",
        ["RateLimits:Global:WindowSeconds"] = "3600",
        ["RateLimits:login:PermitLimit"] = $"{LoginLimit}",
        ["RateLimits:login:WindowSeconds"] = "3600",
    };
}

/// <summary>The RateLimit-* headers (draft-ietf-httpapi-ratelimit-headers) on real responses. Each
/// test is its own client address, so its own count.</summary>
public sealed class RateLimitHeaderTests(HeaderLimitsApiFactory api) : IClassFixture<HeaderLimitsApiFactory>
{
    private const string Frontend = "https://app.example";

    [Fact]
    public async Task Every_response_counts_down_the_global_limit_and_says_when_it_resets()
    {
        var client = api.CreateClient().FromIp(ClientAddresses.NewIp());

        var responses = new List<HttpResponseMessage>();
        for (var i = 0; i < 3; i++)
        {
            // The catalog is served from the output cache after the first read: the headers still count.
            responses.Add(await client.GetAsync("/api/content?limit=1", Http.Ct));
        }

        Assert.All(responses, response => Assert.Equal(HttpStatusCode.OK, response.StatusCode));
        Assert.Equal([9, 8, 7], responses.Select(response => Number(response, "RateLimit-Remaining")));
        Assert.All(responses, response =>
        {
            Assert.Equal(HeaderLimitsApiFactory.GlobalLimit, Number(response, "RateLimit-Limit"));
            Assert.InRange(Number(response, "RateLimit-Reset"), 1, 3600);
            Assert.Equal("10;w=3600", Header(response, "RateLimit-Policy"));
        });
    }

    [Fact]
    public async Task An_endpoint_with_its_own_policy_reports_that_policy_while_it_is_the_closer_to_exhaustion()
    {
        var client = api.CreateClient().FromIp(ClientAddresses.NewIp());

        var first = await FailedLoginAsync(client);
        var second = await FailedLoginAsync(client);

        Assert.Equal(HttpStatusCode.Unauthorized, first.StatusCode);
        Assert.Equal(HeaderLimitsApiFactory.LoginLimit, Number(first, "RateLimit-Limit"));
        Assert.Equal(3, Number(first, "RateLimit-Remaining"));
        Assert.Equal(2, Number(second, "RateLimit-Remaining"));
        Assert.InRange(Number(second, "RateLimit-Reset"), 1, 3600);
        Assert.Equal("4;w=3600, 10;w=3600", Header(second, "RateLimit-Policy"));
    }

    [Fact]
    public async Task The_global_limit_is_reported_on_an_endpoint_with_its_own_policy_once_it_is_the_closer_to_exhaustion()
    {
        var client = api.CreateClient().FromIp(ClientAddresses.NewIp());
        for (var i = 0; i < 7; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/taxonomy", Http.Ct)).StatusCode);
        }

        var login = await FailedLoginAsync(client);

        Assert.Equal(HttpStatusCode.Unauthorized, login.StatusCode);
        Assert.Equal(HeaderLimitsApiFactory.GlobalLimit, Number(login, "RateLimit-Limit"));
        Assert.Equal(2, Number(login, "RateLimit-Remaining"));
        Assert.Equal("10;w=3600, 4;w=3600", Header(login, "RateLimit-Policy"));
    }

    [Fact]
    public async Task A_429_has_no_permit_left_its_retry_after_matches_the_reset_and_a_frontend_may_read_it()
    {
        var client = api.CreateClient().FromIp(ClientAddresses.NewIp());
        client.DefaultRequestHeaders.Add("Origin", Frontend);
        for (var i = 0; i < HeaderLimitsApiFactory.LoginLimit; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await FailedLoginAsync(client)).StatusCode);
        }

        var limited = await FailedLoginAsync(client);

        await limited.AssertProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.Equal(0, Number(limited, "RateLimit-Remaining"));
        Assert.Equal(HeaderLimitsApiFactory.LoginLimit, Number(limited, "RateLimit-Limit"));
        var retryAfter = (int)(limited.Headers.RetryAfter?.Delta ?? throw new InvalidOperationException("no Retry-After")).TotalSeconds;
        Assert.InRange(retryAfter, 1, 3600);
        Assert.InRange(Number(limited, "RateLimit-Reset") - retryAfter, -1, 1);
        Assert.Equal(Frontend, Header(limited, "Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task Health_is_not_rate_limited_and_says_nothing_of_limits()
    {
        var response = await api.CreateClient().FromIp(ClientAddresses.NewIp()).GetAsync("/health/live", Http.Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(Header(response, "RateLimit-Limit"));
        Assert.Null(Header(response, "RateLimit-Policy"));
    }

    /// <summary>A sign-in with an unknown email (a new one each time, so no lockout is involved).</summary>
    private static Task<HttpResponseMessage> FailedLoginAsync(HttpClient client) =>
        client.PostJsonAsync("/api/auth/login", new { email = TestUsers.NewEmail("nobody"), password = TestUsers.Password, device = TestUsers.Device() });

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(',', values) : null;

    private static int Number(HttpResponseMessage response, string name) =>
        int.Parse(Header(response, name) ?? throw new Xunit.Sdk.XunitException($"no {name} header"), System.Globalization.CultureInfo.InvariantCulture);
}
