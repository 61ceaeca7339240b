using System.Diagnostics;
using System.Net;
using BayitPlus.Testing;

namespace BayitPlus.Fuzz;

/// <summary>The built API (Debug, beside this project's output) run as its own process in
/// Development on a free loopback port, on its embedded emulator, with a bootstrap admin and rate
/// limits high enough that hostile requests reach the endpoints instead of the limiter.</summary>
public sealed class ApiUnderTest : IDisposable
{
    public const string AdminEmail = "fuzz-admin@example.com";
    public static readonly string AdminPassword = "fuzz-" + Guid.NewGuid().ToString("N");

    private static readonly TimeSpan StartDeadline = TimeSpan.FromMinutes(3);
    private readonly Process _process;

    private ApiUnderTest(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public static async Task<ApiUnderTest> StartAsync()
    {
        var port = ApiProcessStart.FreePort();
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["BAYITPLUS_BOOTSTRAP_ADMIN_EMAIL"] = AdminEmail,
            ["BAYITPLUS_BOOTSTRAP_ADMIN_PASSWORD"] = AdminPassword,
            ["Jwt__AccessTokenLifetime"] = "04:00:00",
            ["Content__Rss__SyncInterval"] = "00:00:00",
            ["Logging__LogLevel__Default"] = "Error",
        };
        foreach (var policy in new[] { "Global", "register", "login", "refresh", "recaps" })
        {
            environment[$"RateLimits__{policy}__PermitLimit"] = "100000000";
        }

        var process = ApiProcessStart.Start(environment, ["--urls", $"http://127.0.0.1:{port}"]);
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                Console.Error.WriteLine("[api] " + e.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var api = new ApiUnderTest(process, new Uri($"http://127.0.0.1:{port}"));
        try
        {
            await api.WaitUntilReadyAsync();
            return api;
        }
        catch
        {
            api.Dispose();
            throw;
        }
    }

    public void Dispose() => ApiProcessStart.Stop(_process);

    private async Task WaitUntilReadyAsync()
    {
        using var client = new HttpClient { BaseAddress = BaseAddress };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < StartDeadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"the API exited with {_process.ExitCode}");
            }

            try
            {
                if ((await client.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250));
        }

        throw new TimeoutException($"/health/ready did not answer 200 within {StartDeadline}");
    }
}
