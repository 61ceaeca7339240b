using System.Net;
using System.Text;
using BayitPlus.Api.Tests.Support;

namespace BayitPlus.Api.Tests.Infrastructure;

/// <summary>The built API on its real server (Kestrel), which the in-memory test server is not: it
/// enforces the request size limit and would add a Server header. Development, so it runs on its
/// embedded emulator, with a small body limit.</summary>
public sealed class KestrelApi : IAsyncLifetime
{
    public const int MaxRequestBodyBytes = 1024;

    private ApiProcess? _api;
    private HttpClient? _client;

    public HttpClient Client => _client ?? throw new InvalidOperationException("not started");

    public async ValueTask InitializeAsync() => (_api, _client) = await ApiProcess.StartListeningAsync(new Dictionary<string, string>
    {
        ["ASPNETCORE_ENVIRONMENT"] = "Development",
        ["Http__MaxRequestBodyBytes"] = MaxRequestBodyBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
    });

    public ValueTask DisposeAsync()
    {
        _client?.Dispose();
        _api?.Dispose();
        return ValueTask.CompletedTask;
    }
}

public sealed class KestrelTests(KestrelApi api) : IClassFixture<KestrelApi>
{
    [Fact]
    public async Task A_body_over_the_configured_limit_is_a_413_problem()
    {
        var json = $"{{\"email\": \"{TestUsers.NewEmail("big")}\", \"name\": \"{new string('n', KestrelApi.MaxRequestBodyBytes)}\", \"password\": \"{TestUsers.Password}\"}}";

        var response = await api.Client.PostAsync("/api/auth/register", new StringContent(json, Encoding.UTF8, "application/json"), Http.Ct);

        await response.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task A_body_within_the_limit_is_accepted()
    {
        var response = await api.Client.PostJsonAsync("/api/auth/register", new { email = TestUsers.NewEmail("small"), name = "Small", password = TestUsers.Password });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Theory]
    [InlineData("/health/live")]
    [InlineData("/api/no-such-thing")]
    public async Task Responses_name_no_server_software_and_carry_the_security_headers(string path)
    {
        var response = await api.Client.GetAsync(path, Http.Ct);

        Assert.False(response.Headers.Contains("Server"), $"Server: {string.Join(',', response.Headers.Server)}");
        Assert.Equal("nosniff", string.Join(',', response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("DENY", string.Join(',', response.Headers.GetValues("X-Frame-Options")));
    }
}
