using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using BayitPlus.Api.Tests.Support;

namespace BayitPlus.Api.Tests.Infrastructure;

/// <summary>The built API started as a process, as a deployment or <c>dotnet run</c> starts it.</summary>
public sealed class StartupTests
{
    private static readonly TimeSpan StartDeadline = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task Outside_development_without_MONGODB_URI_it_refuses_to_start_with_one_line_naming_it()
    {
        var (exitCode, stderr) = await RunToExitAsync(new()
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Jwt__SigningKey"] = ApiFactory.JwtSigningKey,
        });

        Assert.Equal(1, exitCode);
        var line = Assert.Single(Lines(stderr));
        Assert.StartsWith("BayitPlus cannot start: MONGODB_URI is not set", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Outside_development_without_a_jwt_signing_key_it_refuses_to_start_with_one_line_naming_it()
    {
        var (exitCode, stderr) = await RunToExitAsync(new()
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["MONGODB_URI"] = "mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=100",
        });

        Assert.Equal(1, exitCode);
        var line = Assert.Single(Lines(stderr));
        Assert.StartsWith("BayitPlus cannot start: Jwt:SigningKey must be set", line, StringComparison.Ordinal);
        Assert.Contains("Jwt__SigningKey", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task In_development_with_nothing_configured_it_starts_on_the_embedded_emulator_and_serves_requests()
    {
        var port = FreePort();
        using var api = Start(new() { ["ASPNETCORE_ENVIRONMENT"] = "Development" }, "--urls", $"http://127.0.0.1:{port}");
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            await WaitUntilReadyAsync(api, client);

            var register = await client.PostJsonAsync("/api/auth/register", new { email = TestUsers.NewEmail("dev"), name = "Dev", password = TestUsers.Password });
            var reference = await client.GetAsync("/scalar", Http.Ct);

            Assert.Equal(HttpStatusCode.Created, register.StatusCode);
            Assert.Equal(HttpStatusCode.OK, reference.StatusCode);
            Assert.Contains("DATA IS KEPT IN MEMORY ONLY", api.Output, StringComparison.Ordinal);
        }
        finally
        {
            api.Stop();
        }
    }

    private static IEnumerable<string> Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static async Task<(int ExitCode, string Stderr)> RunToExitAsync(Dictionary<string, string> environment)
    {
        using var api = Start(environment);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Http.Ct);
        deadline.CancelAfter(StartDeadline);
        try
        {
            await api.Process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException) when (!Http.Ct.IsCancellationRequested)
        {
            api.Stop();
            Assert.Fail($"the API did not exit within {StartDeadline}; output:\n{api.Output}");
        }

        return (api.Process.ExitCode, api.Errors);
    }

    private static async Task WaitUntilReadyAsync(ApiProcess api, HttpClient client)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < StartDeadline)
        {
            Assert.False(api.Process.HasExited, $"the API exited with {(api.Process.HasExited ? api.Process.ExitCode : 0)}:\n{api.Output}\n{api.Errors}");
            try
            {
                if ((await client.GetAsync("/health/ready", Http.Ct)).StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), Http.Ct);
        }

        Assert.Fail($"/health/ready did not answer 200 within {StartDeadline}; output:\n{api.Output}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Starts the API's own build output with only the given settings: every variable that
    /// could configure it is removed from the inherited environment.</summary>
    private static ApiProcess Start(Dictionary<string, string> environment, params string[] arguments)
    {
        var assembly = ApiAssembly();
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(assembly)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(assembly);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var name in start.Environment.Keys.Where(IsApiSetting).ToList())
        {
            start.Environment.Remove(name);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        return new ApiProcess(Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start"));
    }

    private static bool IsApiSetting(string name) =>
        name.StartsWith("ASPNETCORE_", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("DOTNET_ENVIRONMENT", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("MONGODB_", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("OTEL_", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("BAYITPLUS_", StringComparison.OrdinalIgnoreCase)
        || name.Contains("__", StringComparison.Ordinal);

    /// <summary>The API's build output beside this test project's, in the same configuration.</summary>
    private static string ApiAssembly()
    {
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var framework = output.Name;
        var configuration = output.Parent!.Name;
        var root = output;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "BayitPlus.sln")))
        {
            root = root.Parent;
        }

        Assert.NotNull(root);
        var assembly = Path.Combine(root.FullName, "src", "BayitPlus.Api", "bin", configuration, framework, "BayitPlus.Api.dll");
        Assert.True(File.Exists(assembly), $"the API is not built at {assembly}");
        return assembly;
    }

    private sealed class ApiProcess : IDisposable
    {
        private readonly StringBuilder _output = new();
        private readonly StringBuilder _errors = new();

        public ApiProcess(Process process)
        {
            Process = process;
            process.OutputDataReceived += (_, e) => Append(_output, e.Data);
            process.ErrorDataReceived += (_, e) => Append(_errors, e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }

        public Process Process { get; }

        public string Output => Read(_output);

        /// <summary>Standard error, complete once the process has exited.</summary>
        public string Errors
        {
            get
            {
                if (Process.HasExited)
                {
                    Process.WaitForExit();
                }

                return Read(_errors);
            }
        }

        public void Stop()
        {
            if (!Process.HasExited)
            {
                Process.Kill(entireProcessTree: true);
                Process.WaitForExit();
            }
        }

        public void Dispose()
        {
            Stop();
            Process.Dispose();
        }

        private static void Append(StringBuilder text, string? line)
        {
            if (line is not null)
            {
                lock (text)
                {
                    text.AppendLine(line);
                }
            }
        }

        private static string Read(StringBuilder text)
        {
            lock (text)
            {
                return text.ToString();
            }
        }
    }
}
