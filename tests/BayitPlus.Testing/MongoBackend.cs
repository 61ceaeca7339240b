using System.Text;
using BayitPlus.MongoEmulator;
using MongoDB.Driver;
using Testcontainers.MongoDb;

namespace BayitPlus.Testing;

/// <summary>Which kind of MongoDB server the tests of this process talk to.</summary>
public enum MongoBackendKind
{
    /// <summary>A server named by <see cref="MongoBackend.UriVariable"/>.</summary>
    Real,

    /// <summary>A <c>mongo:8.0</c> single-node replica set started through Testcontainers.</summary>
    Container,

    /// <summary>The in-process BayitPlus MongoDB emulator.</summary>
    Emulator,
}

/// <summary>An emulator started in this process: its connection strings and the handle that stops it.</summary>
public sealed record StartedEmulator(string ConnectionString, string DirectConnectionString, IAsyncDisposable Server);

/// <summary>
/// The MongoDB server of this test process, chosen once: the server named by
/// <c>BAYITPLUS_TEST_MONGODB_URI</c> when set, else a <c>mongo:8.0</c> replica set in Docker when a
/// Docker engine answers, else the in-process emulator. One <see cref="MongoClient"/> is shared
/// because a client owns connection pools and monitoring threads.
/// </summary>
public sealed class MongoBackend
{
    public const string UriVariable = "BAYITPLUS_TEST_MONGODB_URI";

    /// <summary>The file, beside the test assembly, that names the backend of the last run.</summary>
    public const string BackendReportFile = "mongo-backend.txt";

    /// <summary>How often the emulator's TTL monitor runs in tests, so TTL tests finish quickly.</summary>
    public static readonly TimeSpan EmulatorTtlMonitorInterval = TimeSpan.FromMilliseconds(200);

    private static readonly TimeSpan ServerTtlMonitorInterval = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan DockerProbeTimeout = TimeSpan.FromSeconds(2);
    private static readonly Lazy<Task<MongoBackend>> Shared = new(StartAsync, LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly MongoClientSettings settings;
    private readonly IAsyncDisposable? owned;
    private int holders;

    private MongoBackend(MongoBackendKind kind, string connectionString, string? directConnectionString, string description, IAsyncDisposable? owned)
    {
        Kind = kind;
        ConnectionString = connectionString;
        DirectConnectionString = directConnectionString;
        Description = description;
        this.owned = owned;
        settings = MongoClientSettings.FromConnectionString(connectionString);
        Client = CreateClient("BayitPlus.Tests");
    }

    public MongoBackendKind Kind { get; }

    public string ConnectionString { get; }

    /// <summary>A <c>directConnection=true</c> form of the connection string, when the backend offers one.</summary>
    public string? DirectConnectionString { get; }

    /// <summary>One line saying which server is used, as printed at start-up.</summary>
    public string Description { get; }

    /// <summary>The client shared by all tests of the process.</summary>
    public IMongoClient Client { get; }

    /// <summary>The longest a TTL index may take to remove an expired document (one monitor pass plus slack).</summary>
    public TimeSpan TtlRemovalDeadline =>
        (Kind == MongoBackendKind.Emulator ? EmulatorTtlMonitorInterval : ServerTtlMonitorInterval) + TimeSpan.FromSeconds(10);

    /// <summary>The backend of this process, started on first use and stopped only when every caller
    /// has released it (<see cref="ReleaseAsync"/>): xunit disposes assembly fixtures in no set order,
    /// and an API host that is one of them still writes to the database while it stops.</summary>
    public static async Task<MongoBackend> AcquireAsync()
    {
        var backend = await Shared.Value;
        Interlocked.Increment(ref backend.holders);
        return backend;
    }

    /// <summary>A separate client with its own connection pool (the application name keeps the driver
    /// from sharing the cluster of another client), optionally further configured (e.g. to subscribe
    /// to command events); the caller disposes it.</summary>
    public IMongoClient CreateClient(string applicationName, Action<MongoClientSettings>? configure = null)
    {
        var clientSettings = settings.Clone();
        clientSettings.ApplicationName = applicationName;
        configure?.Invoke(clientSettings);
        return new MongoClient(clientSettings);
    }

    /// <summary>A database whose name no other test run uses, so runs against a shared server never collide.</summary>
    public IMongoDatabase CreateUniqueDatabase(string hint) => Client.GetDatabase(UniqueName(hint, 40));

    /// <summary><paramref name="hint"/> reduced to name-safe characters plus a random suffix.</summary>
    public static string UniqueName(string hint, int maxHintLength = 60)
    {
        var safe = new StringBuilder("bp_");
        foreach (var c in hint)
        {
            if (safe.Length - 3 == maxHintLength)
            {
                break;
            }

            safe.Append(char.IsAsciiLetterOrDigit(c) ? c : '_');
        }

        return safe.Append('_').Append(Guid.NewGuid().ToString("N")[..10]).ToString();
    }

    private static async Task<StartedEmulator> StartEmulatorAsync(TimeSpan ttlMonitorInterval)
    {
        var server = await MongoEmulatorServer.StartAsync(new MongoEmulatorOptions { Port = 0, TtlMonitorInterval = ttlMonitorInterval });
        return new StartedEmulator(server.ConnectionString, server.DirectConnectionString, server);
    }

    /// <summary>Releases one <see cref="AcquireAsync"/>; the last release stops the server.</summary>
    public async ValueTask ReleaseAsync()
    {
        if (Interlocked.Decrement(ref holders) > 0)
        {
            return;
        }

        if (Client is IDisposable disposable)
        {
            disposable.Dispose();
        }

        if (owned is not null)
        {
            await owned.DisposeAsync();
        }
    }

    private static async Task<MongoBackend> StartAsync()
    {
        var backend = await ChooseAsync();
        var line = $"[BayitPlus.Testing] MongoDB backend: {backend.Description}";
        Console.WriteLine(line);
        TestContext.Current.SendDiagnosticMessage(line);

        // dotnet test shows a passing run's output to nobody, so the choice is also left beside the
        // test assembly, where .ci/run prints it.
        await File.WriteAllTextAsync(Path.Combine(AppContext.BaseDirectory, BackendReportFile), line + Environment.NewLine);
        return backend;
    }

    private static async Task<MongoBackend> ChooseAsync()
    {
        var uri = Environment.GetEnvironmentVariable(UriVariable);
        if (!string.IsNullOrWhiteSpace(uri))
        {
            var host = string.Join(",", MongoUrl.Create(uri).Servers);
            return new MongoBackend(MongoBackendKind.Real, uri, null, $"real server {host} (from {UriVariable})", null);
        }

        var docker = await DockerEngine.FindAsync(DockerProbeTimeout);
        if (docker is not null)
        {
            var builder = new MongoDbBuilder("mongo:8.0").WithReplicaSet();
            if (docker.Scheme is "unix" or "npipe")
            {
                builder = builder.WithDockerEndpoint(docker);
            }

            var container = builder.Build();
            await container.StartAsync();
            return new MongoBackend(MongoBackendKind.Container, container.GetConnectionString(), null, $"mongo:8.0 replica set in Docker via {docker}", container);
        }

        var emulator = await StartEmulatorAsync(EmulatorTtlMonitorInterval);
        return new MongoBackend(MongoBackendKind.Emulator, emulator.ConnectionString, emulator.DirectConnectionString,
            $"in-process emulator at {emulator.ConnectionString} (no Docker engine answered, {UriVariable} unset)", emulator.Server);
    }
}
