using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using BayitPlus.MongoEmulator.Engine;
using BayitPlus.MongoEmulator.Wire;
using Microsoft.Extensions.Logging;

namespace BayitPlus.MongoEmulator;

/// <summary>An in-memory MongoDB server on 127.0.0.1 that the official driver talks to over the wire
/// protocol. It presents itself as the primary of a one-member replica set. Data lives in memory only
/// and is lost on dispose.</summary>
public sealed class MongoEmulatorServer : IAsyncDisposable
{
    private const int ListenBacklog = 512;

    private readonly TcpListener _listener;
    private readonly ICommandExecutor _executor;
    private readonly CommandRunner _runner;
    private readonly MongoEmulatorOptions _options;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<int, WireConnection> _connections = new();
    private readonly Task _acceptLoop;
    private int _lastConnectionId;
    private int _disposed;

    private MongoEmulatorServer(MongoEmulatorOptions options, TcpListener listener, ICommandExecutor executor)
    {
        _options = options;
        _logger = options.Logger;
        _listener = listener;
        _executor = executor;
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;
        _runner = new CommandRunner(executor, new Handshake(options, Port), _logger);
        WireLog.Started(_logger, listener.LocalEndpoint);
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    /// <summary>The port actually bound (the free one picked when the options asked for port 0).</summary>
    public int Port { get; }

    public string ReplicaSetName => _options.ReplicaSetName;

    /// <summary>Replica-set connection string: drivers discover the single primary and allow transactions.</summary>
    public string ConnectionString => $"mongodb://127.0.0.1:{Port}/?replicaSet={Uri.EscapeDataString(ReplicaSetName)}";

    /// <summary>Connection string that skips replica-set discovery.</summary>
    public string DirectConnectionString => $"mongodb://127.0.0.1:{Port}/?directConnection=true";

    public static Task<MongoEmulatorServer> StartAsync(int port = 0, CancellationToken cancellationToken = default) =>
        StartAsync(new MongoEmulatorOptions { Port = port }, cancellationToken);

    public static Task<MongoEmulatorServer> StartAsync(MongoEmulatorOptions options, CancellationToken cancellationToken = default) =>
        StartAsync(options, CreateExecutor, cancellationToken);

    /// <summary>Starts a server on a given command layer; tests use it to put a fake behind the wire.</summary>
    internal static Task<MongoEmulatorServer> StartAsync(
        MongoEmulatorOptions options,
        Func<MongoEmulatorOptions, ICommandExecutor> createExecutor,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        cancellationToken.ThrowIfCancellationRequested();
        var listener = new TcpListener(IPAddress.Loopback, options.Port);
        listener.Start(ListenBacklog);
        try
        {
            return Task.FromResult(new MongoEmulatorServer(options, listener, createExecutor(options)));
        }
        catch
        {
            listener.Stop();
            throw;
        }
    }

    /// <summary>Stops listening, closes every connection, then disposes the command layer.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        var endPoint = _listener.LocalEndpoint;
        await _stopping.CancelAsync();
        _listener.Stop();
        await _acceptLoop;
        var connections = _connections.Values.ToArray();
        foreach (var connection in connections)
        {
            connection.Abort();
        }

        await Task.WhenAll(connections.Select(c => c.Completion));
        switch (_executor)
        {
            case IAsyncDisposable asyncDisposable:
                await asyncDisposable.DisposeAsync();
                break;
            case IDisposable disposable:
                disposable.Dispose();
                break;
        }

        _stopping.Dispose();
        WireLog.Stopped(_logger, endPoint);
    }

    // The single place the real command layer is created.
    private static ICommandExecutor CreateExecutor(MongoEmulatorOptions options) => new CommandDispatcher(options);

    private async Task AcceptLoopAsync()
    {
        var stopping = _stopping.Token;
        while (!stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(stopping);
            }
            catch (Exception ex) when (stopping.IsCancellationRequested && ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException ex)
            {
                // A client that gave up while queued in the backlog; the listener itself is fine.
                WireLog.AcceptFailed(_logger, ex);
                continue;
            }

            socket.NoDelay = true;
            var id = Interlocked.Increment(ref _lastConnectionId);
            var connection = new WireConnection(socket, new ConnectionInfo(id), _runner, _options);
            _connections[id] = connection;
            connection.Completion = Task.Run(async () =>
            {
                await connection.RunAsync(stopping);
                _connections.TryRemove(id, out _);
            });
        }
    }
}
