using System.Net;
using BayitPlus.Api.Tests.Support;

namespace BayitPlus.Api.Tests.Infrastructure;

/// <summary>Start-up as a deployment sees it: the built API run as a process.</summary>
public sealed class StartupTests
{
    [Fact]
    public async Task Outside_development_without_MONGODB_URI_it_refuses_to_start_with_one_line_naming_it()
    {
        using var api = ApiProcess.Start(new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Jwt__SigningKey"] = ApiFactory.JwtSigningKey,
        });

        Assert.Equal(1, await api.WaitForExitAsync());
        var line = Assert.Single(Lines(api.Errors));
        Assert.StartsWith("BayitPlus cannot start: MONGODB_URI is not set", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Outside_development_without_a_jwt_signing_key_it_refuses_to_start_with_one_line_naming_it()
    {
        using var api = ApiProcess.Start(new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["MONGODB_URI"] = "mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=100",
        });

        Assert.Equal(1, await api.WaitForExitAsync());
        var line = Assert.Single(Lines(api.Errors));
        Assert.StartsWith("BayitPlus cannot start: Jwt:SigningKey must be set", line, StringComparison.Ordinal);
        Assert.Contains("Jwt__SigningKey", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_anonymization_interval_beyond_what_a_timer_can_wait_refuses_to_start_with_one_line()
    {
        using var api = ApiProcess.Start(new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["MONGODB_URI"] = "mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=100",
            ["Jwt__SigningKey"] = ApiFactory.JwtSigningKey,
            ["Users__AnonymizationInterval"] = "60.00:00:00",
        });

        Assert.Equal(1, await api.WaitForExitAsync());
        var line = Assert.Single(Lines(api.Errors));
        Assert.StartsWith("BayitPlus cannot start: Users:AnonymizationInterval must be between", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_rate_limit_override_for_a_policy_no_slice_declares_refuses_to_start_naming_it()
    {
        using var api = ApiProcess.Start(new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["MONGODB_URI"] = "mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=100",
            ["Jwt__SigningKey"] = ApiFactory.JwtSigningKey,
            ["RateLimits__logn__PermitLimit"] = "3",
        });

        Assert.Equal(1, await api.WaitForExitAsync());
        var line = Assert.Single(Lines(api.Errors));
        Assert.StartsWith("BayitPlus cannot start: RateLimits:logn configures a rate-limit policy no slice declares", line, StringComparison.Ordinal);
        Assert.Contains("login", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Beta__SignalWeights__disposable_emial", "0.8", "Beta:SignalWeights:disposable_emial names no fraud signal")]
    [InlineData("Beta__ReviewScore", "0.9", "Beta:ReviewScore and Beta:BlockScore must be between 0 and 1, ReviewScore not above BlockScore")]
    [InlineData("Beta__Prices__ai_search__Per", "minute", "Beta:Prices:ai_search must have Credits of at least 1 and Per of")]
    [InlineData("RateLimits__login__WindowSeconds", "1.5", "RateLimits:login:WindowSeconds must be a whole number of at least 1")]
    [InlineData("RateLimits__Global__PermitLimit", "0", "RateLimits:Global:PermitLimit must be a whole number of at least 1")]
    public async Task A_setting_that_cannot_mean_what_it_says_refuses_to_start_naming_it(string variable, string value, string message)
    {
        using var api = ApiProcess.Start(new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["MONGODB_URI"] = "mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=100",
            ["Jwt__SigningKey"] = ApiFactory.JwtSigningKey,
            [variable] = value,
        });

        Assert.Equal(1, await api.WaitForExitAsync());
        var line = Assert.Single(Lines(api.Errors));
        Assert.StartsWith($"BayitPlus cannot start: {message}", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task In_development_with_nothing_configured_it_starts_on_the_embedded_emulator_and_serves_requests()
    {
        var (api, client) = await ApiProcess.StartListeningAsync(new Dictionary<string, string> { ["ASPNETCORE_ENVIRONMENT"] = "Development" });
        using (api)
        using (client)
        {
            var register = await client.PostJsonAsync("/api/auth/register", new { email = TestUsers.NewEmail("dev"), name = "Dev", password = TestUsers.Password });
            var reference = await client.GetAsync("/scalar", Http.Ct);

            Assert.Equal(HttpStatusCode.Created, register.StatusCode);
            Assert.Equal(HttpStatusCode.OK, reference.StatusCode);
            Assert.Contains("DATA IS KEPT IN MEMORY ONLY", api.Output, StringComparison.Ordinal);
        }
    }

    private static IEnumerable<string> Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
