using System.Diagnostics;
using System.Net;
using System.Text;
using BayitPlus.Api.Tests.Support;
using BayitPlus.Testing;

namespace BayitPlus.Api.Tests.Infrastructure;

/// <summary>The built API started as its own process on Kestrel, as a deployment or <c>dotnet run</c>
/// starts it, with only the given settings: every variable that could configure it is removed from
/// the inherited environment.</summary>
public sealed class ApiProcess : IDisposable
{
    public static readonly TimeSpan StartDeadline = TimeSpan.FromMinutes(2);

    private readonly StringBuilder _output = new();
    private readonly StringBuilder _errors = new();

    private ApiProcess(Process process)
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

    public static ApiProcess Start(IReadOnlyDictionary<string, string> environment, params string[] arguments) =>
        new(ApiProcessStart.Start(environment, arguments));

    /// <summary>Starts the API listening on a free loopback port and waits until it is ready.</summary>
    public static async Task<(ApiProcess Api, HttpClient Client)> StartListeningAsync(IReadOnlyDictionary<string, string> environment)
    {
        var port = ApiProcessStart.FreePort();
        var api = Start(environment, "--urls", $"http://127.0.0.1:{port}");
        var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        try
        {
            await api.WaitUntilReadyAsync(client);
            return (api, client);
        }
        catch
        {
            client.Dispose();
            api.Dispose();
            throw;
        }
    }

    /// <summary>Polls <c>/health/ready</c> until it answers 200, the process exits, or the deadline passes.</summary>
    public async Task WaitUntilReadyAsync(HttpClient client)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < StartDeadline)
        {
            if (Process.HasExited)
            {
                Assert.Fail($"the API exited with {Process.ExitCode}:\n{Output}\n{Errors}");
            }

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

        Assert.Fail($"/health/ready did not answer 200 within {StartDeadline}; output:\n{Output}");
    }

    /// <summary>Waits for the process to end by itself; returns its exit code.</summary>
    public async Task<int> WaitForExitAsync()
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Http.Ct);
        deadline.CancelAfter(StartDeadline);
        try
        {
            await Process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException) when (!Http.Ct.IsCancellationRequested)
        {
            Assert.Fail($"the API did not exit within {StartDeadline}; output:\n{Output}");
        }

        return Process.ExitCode;
    }

    public void Dispose() => ApiProcessStart.Stop(Process);

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
