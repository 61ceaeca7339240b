using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

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
        var port = FreePort();
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var assembly = ApiAssembly();
        start.WorkingDirectory = Path.GetDirectoryName(assembly)!;
        start.ArgumentList.Add(assembly);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://127.0.0.1:{port}");
        foreach (var name in start.Environment.Keys.Where(IsApiSetting).ToList())
        {
            start.Environment.Remove(name);
        }

        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["BAYITPLUS_BOOTSTRAP_ADMIN_EMAIL"] = AdminEmail;
        start.Environment["BAYITPLUS_BOOTSTRAP_ADMIN_PASSWORD"] = AdminPassword;
        start.Environment["Jwt__AccessTokenLifetime"] = "04:00:00";
        start.Environment["Content__Rss__SyncInterval"] = "00:00:00";
        start.Environment["Logging__LogLevel__Default"] = "Error";
        foreach (var policy in new[] { "Global", "register", "login", "refresh" })
        {
            start.Environment[$"RateLimits__{policy}__PermitLimit"] = "100000000";
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
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

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
    }

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

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static bool IsApiSetting(string name) =>
        name.StartsWith("ASPNETCORE_", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("DOTNET_ENVIRONMENT", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("MONGODB_", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("OTEL_", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("BAYITPLUS_", StringComparison.OrdinalIgnoreCase)
        || name.Contains("__", StringComparison.Ordinal);

    /// <summary>The API's Debug build (the embedded emulator exists only there), built with this project.</summary>
    private static string ApiAssembly()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "BayitPlus.sln")))
        {
            root = root.Parent;
        }

        var assembly = Path.Combine(root?.FullName ?? ".", "src", "BayitPlus.Api", "bin", "Debug", "net10.0", "BayitPlus.Api.dll");
        return File.Exists(assembly) ? assembly : throw new FileNotFoundException("the API is not built in Debug", assembly);
    }
}
