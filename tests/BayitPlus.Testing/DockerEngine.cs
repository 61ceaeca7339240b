using System.IO.Pipes;
using System.Net.Sockets;

namespace BayitPlus.Testing;

/// <summary>
/// Finds a Docker engine that answers <c>GET /_ping</c> within a short timeout. Testcontainers' own
/// discovery can wait much longer and throws when Docker is absent; the test run must decide in
/// about a second and silently fall back to the emulator.
/// </summary>
internal static class DockerEngine
{
    public static async Task<Uri?> FindAsync(TimeSpan timeout)
    {
        foreach (var endpoint in Candidates())
        {
            if (await AnswersAsync(endpoint, timeout))
            {
                return endpoint;
            }
        }

        return null;
    }

    private static IEnumerable<Uri> Candidates()
    {
        var dockerHost = Environment.GetEnvironmentVariable("DOCKER_HOST");
        if (!string.IsNullOrWhiteSpace(dockerHost) && Uri.TryCreate(dockerHost, UriKind.Absolute, out var configured))
        {
            yield return configured;
        }

        if (OperatingSystem.IsWindows())
        {
            yield return new Uri("npipe://./pipe/docker_engine");
            yield break;
        }

        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var runtimeDir = Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR");
        string[] sockets =
        [
            "/var/run/docker.sock",
            Path.Combine(home, ".docker", "run", "docker.sock"),
            Path.Combine(home, ".docker", "desktop", "docker.sock"),
            Path.Combine(home, ".colima", "default", "docker.sock"),
            Path.Combine(home, ".rd", "docker.sock"),
            string.IsNullOrEmpty(runtimeDir) ? "" : Path.Combine(runtimeDir, "docker.sock"),
        ];
        foreach (var socket in sockets)
        {
            if (socket.Length > 0 && File.Exists(socket))
            {
                yield return new Uri("unix://" + socket);
            }
        }
    }

    private static async Task<bool> AnswersAsync(Uri endpoint, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            if (endpoint.Scheme == "tcp" && Environment.GetEnvironmentVariable("DOCKER_TLS_VERIFY") == "1")
            {
                // Pinging through TLS needs the client certificates Testcontainers loads itself; a TCP
                // connect is the best quick evidence available here.
                await using var probe = await ConnectAsync(endpoint, cts.Token);
                return true;
            }

            using var handler = new SocketsHttpHandler { ConnectCallback = (_, ct) => ConnectAsync(endpoint, ct) };
            using var http = new HttpClient(handler) { Timeout = timeout };
            using var response = await http.GetAsync(new Uri("http://docker/_ping"), cts.Token);
            return response.IsSuccessStatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or IOException or SocketException or OperationCanceledException
                                      or UnauthorizedAccessException or TimeoutException or ArgumentException)
        {
            return false;
        }
    }

    private static async ValueTask<Stream> ConnectAsync(Uri endpoint, CancellationToken cancellationToken)
    {
        if (endpoint.Scheme == "npipe")
        {
            var pipe = new NamedPipeClientStream(".", endpoint.Segments[^1], PipeDirection.InOut, PipeOptions.Asynchronous);
            try
            {
                await pipe.ConnectAsync(cancellationToken);
                return pipe;
            }
            catch
            {
                await pipe.DisposeAsync();
                throw;
            }
        }

        var unix = endpoint.Scheme == "unix";
        var socket = unix
            ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
            : new Socket(SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (unix)
            {
                await socket.ConnectAsync(new UnixDomainSocketEndPoint(endpoint.AbsolutePath), cancellationToken);
            }
            else
            {
                await socket.ConnectAsync(endpoint.Host, endpoint.Port, cancellationToken);
            }

            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
