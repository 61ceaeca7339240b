using System.Net;
using BayitPlus.Api.Tests.Support;

namespace BayitPlus.Api.Tests.Infrastructure;

public sealed class SecurityHeadersAndCorsTests(ApiFactory api)
{
    /// <summary>The frontend origin the test hosts configure (Cors:AllowedOrigins:0).</summary>
    private const string Frontend = "https://app.example";

    [Theory]
    [InlineData("/health/live")]
    [InlineData("/api/no-such-thing")]
    [InlineData("/openapi/v1.json")]
    public async Task Every_response_carries_the_security_headers(string path)
    {
        var response = await api.CreateClient().GetAsync(path, Http.Ct);

        Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
        Assert.Equal("DENY", Header(response, "X-Frame-Options"));
        Assert.Equal("default-src 'none'; frame-ancestors 'none'", Header(response, "Content-Security-Policy"));
        Assert.Equal("no-referrer", Header(response, "Referrer-Policy"));
    }

    [Fact]
    public async Task A_preflight_from_a_configured_origin_is_allowed_with_the_listed_methods()
    {
        var response = await PreflightAsync(Frontend, "PATCH");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(Frontend, Header(response, "Access-Control-Allow-Origin"));
        var methods = Header(response, "Access-Control-Allow-Methods")!.Split(',', StringSplitOptions.TrimEntries);
        Assert.Equal(["DELETE", "GET", "PATCH", "POST", "PUT"], methods.Order(StringComparer.Ordinal));
        var headers = Header(response, "Access-Control-Allow-Headers")!.Split(',', StringSplitOptions.TrimEntries);
        Assert.Contains("Authorization", headers, StringComparer.OrdinalIgnoreCase);
        Assert.Contains("Content-Type", headers, StringComparer.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_preflight_from_another_origin_is_not_allowed()
    {
        var response = await PreflightAsync("https://evil.example", "POST");

        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"), "another origin was allowed");
        Assert.False(response.Headers.Contains("Access-Control-Allow-Methods"), "another origin was given methods");
    }

    [Fact]
    public async Task Outside_development_the_development_origins_are_not_allowed()
    {
        var response = await PreflightAsync("http://localhost:3000", "GET");

        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"), "a development origin was allowed outside Development");
    }

    [Fact]
    public async Task A_preflight_answer_may_be_cached_for_ten_minutes()
    {
        var response = await PreflightAsync(Frontend, "GET");

        Assert.Equal("600", Header(response, "Access-Control-Max-Age"));
    }

    [Fact]
    public async Task A_request_from_a_configured_origin_may_read_the_retry_after_header()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/health/live");
        request.Headers.Add("Origin", Frontend);

        var response = await api.CreateClient().SendAsync(request, Http.Ct);

        Assert.Equal(Frontend, Header(response, "Access-Control-Allow-Origin"));
        var exposed = Header(response, "Access-Control-Expose-Headers")!.Split(',', StringSplitOptions.TrimEntries);
        Assert.Contains("Retry-After", exposed);
        Assert.Contains("Location", exposed);
        Assert.Contains("WWW-Authenticate", exposed);
        Assert.Contains("RateLimit-Limit", exposed);
        Assert.Contains("RateLimit-Remaining", exposed);
        Assert.Contains("RateLimit-Reset", exposed);
        Assert.Contains("RateLimit-Policy", exposed);
    }

    [Fact]
    public async Task An_error_for_a_configured_origin_carries_the_cors_headers_and_another_origin_gets_none()
    {
        var allowed = await GetAsync("/api/users/me", Frontend);
        var other = await GetAsync("/api/users/me", "https://evil.example");

        await allowed.AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal(Frontend, Header(allowed, "Access-Control-Allow-Origin"));
        Assert.Contains("WWW-Authenticate", Header(allowed, "Access-Control-Expose-Headers")!.Split(',', StringSplitOptions.TrimEntries));
        await other.AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Null(Header(other, "Access-Control-Allow-Origin"));
    }

    private async Task<HttpResponseMessage> GetAsync(string path, string origin)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("Origin", origin);
        return await api.CreateClient().SendAsync(request, Http.Ct);
    }

    private async Task<HttpResponseMessage> PreflightAsync(string origin, string method)
    {
        using var request = new HttpRequestMessage(HttpMethod.Options, "/api/auth/register");
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", method);
        request.Headers.Add("Access-Control-Request-Headers", "authorization,content-type");
        return await api.CreateClient().SendAsync(request, Http.Ct);
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
            ? string.Join(',', values)
            : null;
}

/// <summary>The development frontends (Vite, Next) are allowed in Development only.</summary>
[Collection<DevelopmentCollection>]
public sealed class DevelopmentCorsTests(DevelopmentApiFactory api)
{
    [Theory]
    [InlineData("http://localhost:3000")]
    [InlineData("http://localhost:5173")]
    public async Task In_development_the_local_frontends_are_allowed(string origin)
    {
        using var request = new HttpRequestMessage(HttpMethod.Options, "/api/auth/register");
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "POST");

        var response = await api.CreateClient().SendAsync(request, Http.Ct);

        Assert.Equal(origin, response.Headers.GetValues("Access-Control-Allow-Origin").Single());
    }
}
