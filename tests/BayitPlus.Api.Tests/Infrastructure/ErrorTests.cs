using System.Net;
using System.Text;
using BayitPlus.Api.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BayitPlus.Api.Tests.Infrastructure;

/// <summary>The API with the test-only endpoints and its logs captured.</summary>
public sealed class ErrorsApiFactory : ApiFactory
{
    public CapturedLogs Logs { get; } = new();

    protected override void ConfigureServices(IServiceCollection services)
    {
        services.AddSingleton<IStartupFilter, TestEndpoints>();
        services.AddSingleton<ILoggerProvider>(Logs);
    }
}

public sealed class ErrorTests(ErrorsApiFactory api) : IClassFixture<ErrorsApiFactory>
{
    private static StringContent Body(string text, string mediaType = "application/json") => new(text, Encoding.UTF8, mediaType);

    [Theory]
    [InlineData("{\"email\": ")]
    [InlineData("{\"email\": \"a@example.com\",}")]
    [InlineData("not json at all")]
    public async Task Malformed_json_is_a_400_problem(string json)
    {
        var response = await api.CreateClient().PostAsync("/api/auth/register", Body(json), Http.Ct);

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal("The request body is not valid JSON for this endpoint.", problem["detail"]?.GetValue<string>());
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_a_415_problem()
    {
        var response = await api.CreateClient().PostAsync("/api/auth/register", Body("{\"email\": \"a@example.com\"}", "text/plain"), Http.Ct);

        await response.AssertProblemAsync(HttpStatusCode.UnsupportedMediaType);
    }

    [Theory]
    [InlineData("text/html")]
    [InlineData("application/xml")]
    [InlineData("text/plain")]
    public async Task Errors_are_problem_json_with_the_security_headers_whatever_the_client_accepts(string accept)
    {
        var client = api.CreateClient();
        client.DefaultRequestHeaders.Accept.ParseAdd(accept);

        var notFound = await client.GetAsync("/api/content/000000000000000000000000", Http.Ct);
        var unauthorized = await client.GetAsync("/api/users/me", Http.Ct);
        var unexpected = await client.GetAsync(TestEndpoints.Throw, Http.Ct);
        var noRoute = await client.GetAsync("/api/no-such-thing", Http.Ct);

        await notFound.AssertProblemAsync(HttpStatusCode.NotFound);
        await unauthorized.AssertProblemAsync(HttpStatusCode.Unauthorized);
        var problem = await unexpected.AssertProblemAsync(HttpStatusCode.InternalServerError);
        await noRoute.AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal("https://tools.ietf.org/html/rfc9110#section-15.6.1", problem["type"]!.GetValue<string>());
        foreach (var response in new[] { notFound, unauthorized, unexpected, noRoute })
        {
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.Equal("default-src 'none'; frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy").Single());
        }
    }

    [Fact]
    public async Task An_unknown_route_is_a_404_problem()
    {
        var response = await api.CreateClient().GetAsync("/api/no-such-thing", Http.Ct);

        await response.AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_wrong_method_is_a_405_problem_naming_the_allowed_method()
    {
        var response = await api.CreateClient().DeleteAsync("/api/auth/register", Http.Ct);

        await response.AssertProblemAsync(HttpStatusCode.MethodNotAllowed);
        Assert.Contains("POST", response.Content.Headers.Allow);
    }

    [Fact]
    public async Task An_unexpected_exception_is_a_500_problem_without_internals_and_is_logged()
    {
        var response = await api.CreateClient().GetAsync(TestEndpoints.Throw, Http.Ct);

        var problem = await response.AssertProblemAsync(HttpStatusCode.InternalServerError);
        var body = problem.ToJsonString();
        Assert.Equal("The server could not complete the request.", problem["detail"]?.GetValue<string>());
        Assert.DoesNotContain("hunter2", body, StringComparison.Ordinal);
        Assert.DoesNotContain("mongodb://", body, StringComparison.Ordinal);
        Assert.DoesNotContain(nameof(InvalidOperationException), body, StringComparison.Ordinal);
        Assert.DoesNotContain("TestEndpoints", body, StringComparison.Ordinal);
        Assert.Contains(api.Logs.Entries, e => e.Level == LogLevel.Error && e.Message == $"Unhandled exception for GET {TestEndpoints.Throw}");
    }

    [Fact]
    public async Task A_500_for_a_configured_frontend_origin_carries_its_cors_and_rate_limit_headers()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, TestEndpoints.Throw);
        request.Headers.Add("Origin", "https://app.example");

        var response = await api.CreateClient().SendAsync(request, Http.Ct);

        await response.AssertProblemAsync(HttpStatusCode.InternalServerError);
        Assert.Equal("https://app.example", response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.True(response.Headers.Contains("RateLimit-Remaining"), "the rate-limit headers were lost with the failed response");
    }

    [Fact]
    public async Task A_saturated_database_connection_pool_is_a_503_problem_with_retry_after()
    {
        var response = await api.CreateClient().GetAsync(TestEndpoints.Overloaded, Http.Ct);

        var problem = await response.AssertProblemAsync(HttpStatusCode.ServiceUnavailable);
        Assert.Equal("The service is busy; retry shortly.", problem["detail"]?.GetValue<string>());
        Assert.Equal(TimeSpan.FromSeconds(1), response.Headers.RetryAfter?.Delta);
    }

    [Fact]
    public async Task A_problem_carries_the_trace_id_of_the_request()
    {
        var traceId = System.Diagnostics.ActivityTraceId.CreateRandom().ToString();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/no-such-thing");
        request.Headers.Add("traceparent", $"00-{traceId}-{System.Diagnostics.ActivitySpanId.CreateRandom()}-01");

        var response = await api.CreateClient().SendAsync(request, Http.Ct);

        var problem = await response.AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Contains(traceId, problem["traceId"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}

/// <summary>In Development the framework adds its exception page, which an HTML client used to get
/// (with the stack trace and source paths) for any error the API answers by exception.</summary>
[Collection<DevelopmentCollection>]
public sealed class DevelopmentErrorTests(DevelopmentApiFactory api)
{
    [Fact]
    public async Task An_html_client_gets_a_problem_not_the_exception_page()
    {
        var client = api.CreateClient();
        client.DefaultRequestHeaders.Accept.ParseAdd("text/html");

        var response = await client.GetAsync("/api/content/000000000000000000000000", Http.Ct);

        await response.AssertProblemAsync(HttpStatusCode.NotFound);
    }
}
