using System.Collections.Concurrent;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using MongoDB.Bson;

namespace BayitPlus.MongoEmulator.Tests.Wire;

public sealed class ServerLifecycleTests
{
    [Fact]
    public async Task Dispose_closes_connections_stops_listening_and_disposes_the_executor()
    {
        var executor = new FakeExecutor();
        var server = await FakeExecutor.StartServerAsync(executor);
        var port = server.Port;
        using var client = await RawClient.ConnectAsync(port);
        await client.SendAsync(RawClient.OpMsg(1, new BsonDocument { { "ping", 1 }, { "$db", "admin" } }));
        await client.ReadReplyAsync();

        await server.DisposeAsync();
        await server.DisposeAsync();

        await client.AssertClosedByServerAsync();
        Assert.True(executor.Disposed);
        await Assert.ThrowsAsync<SocketException>(() => RawClient.ConnectAsync(port));
    }

    [Fact]
    public async Task Start_binds_a_free_loopback_port_and_warns_that_data_is_in_memory_only()
    {
        var logger = new ListLogger();
        await using var server = await FakeExecutor.StartServerAsync(new FakeExecutor(), new MongoEmulatorOptions { Logger = logger });

        Assert.InRange(server.Port, 1, 65535);
        Assert.Equal($"mongodb://127.0.0.1:{server.Port}/?directConnection=true", server.DirectConnectionString);
        Assert.Contains(logger.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("in memory only", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_protocol_violation_is_logged_as_a_warning()
    {
        var logger = new ListLogger();
        await using var server = await FakeExecutor.StartServerAsync(new FakeExecutor(), new MongoEmulatorOptions { Logger = logger });
        using var client = await RawClient.ConnectAsync(server.Port);

        await client.SendAsync(RawClient.Message(1, 2012, new byte[16]));
        await client.AssertClosedByServerAsync();

        Assert.Contains(logger.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("opCode 2012", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_port_in_use_fails_the_start()
    {
        await using var first = await FakeExecutor.StartServerAsync(new FakeExecutor());

        await Assert.ThrowsAsync<SocketException>(() => FakeExecutor.StartServerAsync(new FakeExecutor(), new MongoEmulatorOptions { Port = first.Port }));
    }

    [Theory]
    [InlineData(-1, "rs0", 48_000_000)]
    [InlineData(70_000, "rs0", 48_000_000)]
    [InlineData(0, "", 48_000_000)]
    [InlineData(0, "rs0", 10)]
    public async Task Invalid_options_are_rejected(int port, string replicaSet, int maxMessageSize)
    {
        var options = new MongoEmulatorOptions { Port = port, ReplicaSetName = replicaSet, MaxMessageSizeBytes = maxMessageSize };

        await Assert.ThrowsAnyAsync<ArgumentException>(() => FakeExecutor.StartServerAsync(new FakeExecutor(), options));
    }

    private sealed class ListLogger : ILogger
    {
        public ConcurrentQueue<(LogLevel Level, string Message)> Entries { get; } = new();

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            Entries.Enqueue((logLevel, formatter(state, exception)));
        }
    }
}
