using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace BayitPlus.Testing;

/// <summary>Starts the built API as its own process, as a deployment or <c>dotnet run</c> starts it,
/// with only the given settings: every variable that could configure it is removed from the
/// inherited environment. Used by the tests' <c>ApiProcess</c> and by the fuzzer.</summary>
public static class ApiProcessStart
{
    /// <summary>The API process, its output redirected for the caller to read.</summary>
    public static Process Start(IReadOnlyDictionary<string, string> environment, IEnumerable<string> arguments)
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

        return Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Ends the process and everything it started, if it is still running.</summary>
    public static void Stop(Process process)
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }

        process.Dispose();
    }

    private static bool IsApiSetting(string name) =>
        name.StartsWith("ASPNETCORE_", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("DOTNET_ENVIRONMENT", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("MONGODB_", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("OTEL_", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("BAYITPLUS_", StringComparison.OrdinalIgnoreCase)
        || name.Contains("__", StringComparison.Ordinal);

    /// <summary>The API's build output in the caller's configuration (built with it: the caller's
    /// project references the API), so a Debug run gets the API with its embedded emulator.</summary>
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

        var assembly = Path.Combine(root?.FullName ?? ".", "src", "BayitPlus.Api", "bin", configuration, framework, "BayitPlus.Api.dll");
        return File.Exists(assembly) ? assembly : throw new FileNotFoundException("the API is not built beside this program", assembly);
    }
}
