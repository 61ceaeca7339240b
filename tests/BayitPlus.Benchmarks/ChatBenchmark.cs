extern alias api;

using System.Diagnostics;
using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using api::BayitPlus.Api.Features.ChannelChat;
using api::BayitPlus.Api.Infrastructure.Telemetry;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Benchmarks;

/// <summary>
/// The live chat under load (<c>chat</c> mode): the API on Kestrel, <c>receivers</c> real
/// <see cref="ClientWebSocket"/>s on one channel, and one more socket sending at <c>rate</c> messages
/// a second for <c>seconds</c>. Each message carries its sequence number and the sender's
/// <see cref="Stopwatch"/> timestamp; each receiver notes when it arrived, so a delivery's latency is
/// send → that receiver's read (clients, server and emulator share this process and its clock). Run
/// once on one instance, then on two instances on one database with the receivers split between them
/// and the sender on the first. A discarded room of 200 receivers goes first, in a database of its own,
/// and each room sends for 10 s (not counted) before it is measured: the runtime recompiles the hot
/// paths with full optimization (tiered compilation) a while after their first calls, thousands of
/// methods, which would otherwise fall in the measurement.
/// </summary>
internal static class ChatBenchmark
{
    private const int ConnectInParallel = 32;
    private const int WarmupSeconds = 10;
    private const int WarmupReceivers = 200;
    private static readonly TimeSpan Drain = TimeSpan.FromSeconds(15);

    public static async Task RunAsync(string connectionString, IMongoClient client, string databaseName, int receivers, int rate, int seconds)
    {
        Console.WriteLine($"Live chat: {receivers:N0} receiving sockets and one sender on one channel, {rate} messages/s for {seconds} s.");
        var warmup = $"{databaseName}_warmup";
        var second = $"{databaseName}_two";
        try
        {
            await RunRoomAsync(connectionString, client, warmup, instances: 1, Math.Min(receivers, WarmupReceivers), rate, seconds: 0);
            await RunRoomAsync(connectionString, client, databaseName, instances: 1, receivers, rate, seconds);
            await RunRoomAsync(connectionString, client, second, instances: 2, receivers, rate, seconds);
        }
        finally
        {
            await client.DropDatabaseAsync(warmup);
            await client.DropDatabaseAsync(second);
        }
    }

    /// <summary>Connects the room, warms it up, then measures <paramref name="seconds"/> of sending
    /// and prints the figures; with no seconds, a discarded room that only warms up the process.</summary>
    private static async Task RunRoomAsync(string connectionString, IMongoClient client, string databaseName, int instances, int receivers, int rate, int seconds)
    {
        var database = client.GetDatabase(databaseName);
        var hosts = Enumerable.Range(0, instances).Select(_ => Host(connectionString, databaseName)).ToArray();
        var sockets = new List<ChatClient>();
        try
        {
            foreach (var host in hosts)
            {
                await Task.WhenAll(host.Services.GetRequiredService<ReadinessGates>().Gates.Select(g => g.Settled)).WaitAsync(TimeSpan.FromMinutes(1));
                await host.Services.GetRequiredService<ChatFanout>().Watching.WaitAsync(TimeSpan.FromMinutes(1));
            }

            var channel = await NewChannelAsync(database);
            var tokens = await NewUsersAsync(database, hosts[0], receivers + 1);
            var before = Memory.Now();
            var connecting = Stopwatch.StartNew();
            var sender = await ChatClient.JoinAsync(ChatUri(hosts[0], channel), tokens[receivers], messages: 0);
            sockets.Add(sender);
            using (var gate = new SemaphoreSlim(ConnectInParallel))
            {
                var joined = await Task.WhenAll(Enumerable.Range(0, receivers).Select(async i =>
                {
                    await gate.WaitAsync();
                    try
                    {
                        return await ChatClient.JoinAsync(ChatUri(hosts[i % instances], channel), tokens[i], rate * seconds);
                    }
                    finally
                    {
                        gate.Release();
                    }
                }));
                sockets.AddRange(joined);
            }

            var receiving = sockets.Skip(1).ToArray();
            var connected = connecting.Elapsed;
            await SendAsync(sender, receiving, rate, rate * WarmupSeconds, warmup: true);
            if (seconds == 0)
            {
                return;
            }

            Console.WriteLine();
            Console.WriteLine($"{instances} instance(s): {receiving.Length:N0} receivers and the sender connected in {connected.TotalSeconds:N1} s.");
            foreach (var socket in receiving)
            {
                socket.Measure();
            }

            var loadBefore = LoadAverage();
            var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            var runtimeBefore = Runtime.Now();
            using var sampling = new CancellationTokenSource();
            var pool = SampleThreadPoolAsync(sampling.Token);
            var clock = Stopwatch.StartNew();
            var sent = await SendAsync(sender, receiving, rate, rate * seconds, warmup: false);
            var elapsed = clock.Elapsed;
            await sampling.CancelAsync();
            var (queued, threads) = await pool;
            var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore) / elapsed / Environment.ProcessorCount;
            var runtime = Runtime.Now() - runtimeBefore;
            var after = Memory.Now();
            await ReportAsync(database, channel, instances, receiving, sent, elapsed, cpu, before, after);
            Console.WriteLine($"  load average of the machine (1 min): {loadBefore} before sending, {LoadAverage()} after");
            Console.WriteLine($"  thread pool while sending (every 10 ms): work items waiting {Percentiles(queued, unit: "")}; up to {threads} threads");
            Console.WriteLine($"  while sending: {runtime.Gen0} gen0, {runtime.Gen1} gen1 and {runtime.Gen2} gen2 collections pausing {runtime.GcPause.TotalMilliseconds:N0} ms in all; {runtime.JitMethods:N0} methods compiled in {runtime.Jit.TotalMilliseconds:N0} ms");
            var renewing = Stopwatch.StartNew();
            await hosts[0].Services.GetRequiredService<ChatConnections>().RenewAsync(CancellationToken.None);
            Console.WriteLine($"  one renewal of instance 1's {receiving.Length / instances + 1:N0} socket records (every {hosts[0].Services.GetRequiredService<ChatSettings>().ConnectionHeartbeat.TotalSeconds:N0} s), timed after the run: {renewing.Elapsed.TotalMilliseconds:N0} ms");
        }
        finally
        {
            foreach (var socket in sockets)
            {
                socket.Dispose();
            }

            foreach (var host in hosts)
            {
                await host.DisposeAsync();
            }
        }
    }

    /// <summary>Sends <paramref name="count"/> messages at <paramref name="rate"/> a second (each on
    /// its own schedule, so a late one does not push back the rest), then waits until every receiver
    /// has them all or <see cref="Drain"/> has passed since the last; the send times, by sequence number.</summary>
    private static async Task<Sent> SendAsync(ChatClient sender, ChatClient[] receivers, int rate, int count, bool warmup)
    {
        var ticks = new long[count];
        var utc = new DateTime[count];
        var start = Stopwatch.GetTimestamp();
        var late = 0;
        for (var seq = 0; seq < count; seq++)
        {
            var due = start + (seq * Stopwatch.Frequency / rate);
            var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait);
            }
            else if (wait < TimeSpan.FromMilliseconds(-10))
            {
                late++;
            }

            ticks[seq] = Stopwatch.GetTimestamp();
            utc[seq] = DateTime.UtcNow;
            var text = warmup ? $"warm-up {seq}" : $"{seq} {ticks[seq]}";
            await sender.SendAsync(new { type = "chat", message = text, sessionToken = sender.SessionToken });
        }

        var last = Stopwatch.GetTimestamp();
        var expected = (long)count * receivers.Length;
        while (Stopwatch.GetElapsedTime(last) < Drain && receivers.Sum(r => (long)r.Counted) < expected)
        {
            await Task.Delay(50);
        }

        return new Sent(ticks, utc, late, sender.Errors);
    }

    private sealed record Sent(long[] Ticks, DateTime[] Utc, int Late, IReadOnlyList<string> SenderErrors);

    private static async Task ReportAsync(IMongoDatabase database, string channel, int instances, ChatClient[] receivers, Sent sent, TimeSpan elapsed, double cpu, Memory before, Memory after)
    {
        var count = sent.Ticks.Length;
        var latencies = new List<double>(count * receivers.Length);
        var first = new double[count];
        var last = new double[count];
        Array.Fill(first, double.MaxValue);
        var byInstance = Enumerable.Range(0, instances).Select(_ => new List<double>()).ToArray();
        for (var r = 0; r < receivers.Length; r++)
        {
            for (var seq = 0; seq < count; seq++)
            {
                if (receivers[r].Arrived[seq] is var arrived and > 0)
                {
                    var ms = Stopwatch.GetElapsedTime(sent.Ticks[seq], arrived).TotalMilliseconds;
                    latencies.Add(ms);
                    byInstance[r % instances].Add(ms);
                    first[seq] = Math.Min(first[seq], ms);
                    last[seq] = Math.Max(last[seq], ms);
                }
            }
        }

        // Send → stored: the server's created_at (milliseconds) against the sender's clock.
        var stored = (await database.GetCollection<BsonDocument>("channelchatmessage")
                .Find(new BsonDocument { ["channel_id"] = channel, ["message"] = new BsonDocument("$not", new BsonRegularExpression("^warm-up")) })
                .ToListAsync())
            .Select(m => (Seq: int.Parse(m["message"].AsString.Split(' ')[0], CultureInfo.InvariantCulture), At: m["created_at"].ToUniversalTime()))
            .Select(m => (m.At - sent.Utc[m.Seq]).TotalMilliseconds)
            .ToList();

        var expected = (long)count * receivers.Length;
        var closed = receivers.Where(r => r.ClosedEarly is not null).ToList();
        Console.WriteLine($"  sent {count:N0} in {elapsed.TotalSeconds:N1} s ({sent.Late} sent more than 10 ms behind schedule), stored {stored.Count:N0}, sender errors: {(sent.SenderErrors.Count == 0 ? "none" : string.Join("; ", sent.SenderErrors.Distinct()))}");
        Console.WriteLine($"  deliveries expected {expected:N0}, received {latencies.Count:N0}, dropped {expected - latencies.Count:N0}, duplicates {receivers.Sum(r => r.Duplicates):N0}, receivers closed early {closed.Count}{(closed.Count == 0 ? "" : $" ({string.Join(", ", closed.Select(r => r.ClosedEarly).Distinct())})")}");
        Console.WriteLine($"  delivery latency (send → each receiver): {Percentiles(latencies)}");
        if (instances > 1)
        {
            for (var i = 0; i < instances; i++)
            {
                Console.WriteLine($"    receivers on instance {i + 1}: {Percentiles(byInstance[i])}");
            }
        }

        Console.WriteLine($"  send → stored (created_at): {Percentiles(stored)}");
        Console.WriteLine($"  send → first receiver: {Percentiles([.. first.Where(f => f != double.MaxValue)])}");
        Console.WriteLine($"  send → last receiver: {Percentiles([.. last.Where(l => l > 0)])}");
        Console.WriteLine($"  process CPU while sending: {cpu:P0} of {Environment.ProcessorCount} cores (API host(s), emulator and clients together)");
        Console.WriteLine($"  memory of this process (hosts, emulator and clients): live heap {before.HeapMb:N0} MB before connecting, {after.HeapMb:N0} MB at the end; working set {before.WorkingSetMb:N0} MB → {after.WorkingSetMb:N0} MB");
    }

    /// <summary>Samples the thread pool's queue until cancelled: every continuation of the process
    /// (server writes, client reads, the send path's database round trips) waits in it.</summary>
    private static async Task<(List<double> Queued, int MaxThreads)> SampleThreadPoolAsync(CancellationToken cancellationToken)
    {
        var queued = new List<double>();
        var threads = 0;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                queued.Add(ThreadPool.PendingWorkItemCount);
                threads = Math.Max(threads, ThreadPool.ThreadCount);
                await Task.Delay(10, cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
            // Sending is over.
        }

        return (queued, threads);
    }

    /// <summary>The machine's 1-minute load average (Linux), to tell a slow run from a busy machine.</summary>
    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "unknown";

    private static string Percentiles(List<double> values, string unit = " ms")
    {
        if (values.Count == 0)
        {
            return "none";
        }

        values.Sort();
        double At(double p) => values[Math.Min(values.Count - 1, (int)(values.Count * p))];
        return string.Create(CultureInfo.InvariantCulture, $"p50 {At(0.50):N1}{unit}, p95 {At(0.95):N1}{unit}, p99 {At(0.99):N1}{unit}, max {values[^1]:N1}{unit}");
    }

    /// <summary>The runtime's own pauses: garbage collections and JIT compilation.</summary>
    private sealed record Runtime(int Gen0, int Gen1, int Gen2, TimeSpan GcPause, long JitMethods, TimeSpan Jit)
    {
        public static Runtime Now() => new(
            GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), GC.GetTotalPauseDuration(),
            System.Runtime.JitInfo.GetCompiledMethodCount(), System.Runtime.JitInfo.GetCompilationTime());

        public static Runtime operator -(Runtime a, Runtime b) =>
            new(a.Gen0 - b.Gen0, a.Gen1 - b.Gen1, a.Gen2 - b.Gen2, a.GcPause - b.GcPause, a.JitMethods - b.JitMethods, a.Jit - b.Jit);
    }

    private sealed record Memory(double HeapMb, double WorkingSetMb)
    {
        public static Memory Now()
        {
            var heap = GC.GetTotalMemory(forceFullCollection: true);
            return new Memory(heap / 1048576.0, Environment.WorkingSet / 1048576.0);
        }
    }

    private static BenchmarkApiHost Host(string connectionString, string databaseName)
    {
        var host = new BenchmarkApiHost(connectionString, databaseName, new Dictionary<string, string>
        {
            // Every socket comes from 127.0.0.1, and the sender needs more than 10 messages a minute.
            ["Chat:MaxSocketsPerIp"] = "100000",
            ["Chat:MaxSocketsPerUser"] = "100000",
            ["Chat:RateLimitMessages"] = "100000",
        });
        host.UseKestrel(0);
        host.StartServer();
        return host;
    }

    private static Uri ChatUri(BenchmarkApiHost host, string channel)
    {
        var address = new Uri(host.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return new Uri($"ws://127.0.0.1:{address.Port}/api/live/channels/{channel}/chat");
    }

    private static async Task<string> NewChannelAsync(IMongoDatabase database)
    {
        var id = ObjectId.GenerateNewId();
        await database.GetCollection<BsonDocument>("livechannel").InsertOneAsync(new BsonDocument
        {
            ["_id"] = id,
            ["channel_name"] = "Benchmark channel",
            ["channel_number"] = 1,
            ["stream_url"] = "https://streams.example/live.m3u8",
            ["is_active"] = true,
            ["created_at"] = DateTime.UtcNow,
        });
        return id.ToString();
    }

    /// <summary>Accounts stored directly, with access tokens from the host's own issuer.</summary>
    private static async Task<string[]> NewUsersAsync(IMongoDatabase database, BenchmarkApiHost host, int count)
    {
        var users = Enumerable.Range(0, count).Select(_ => ObjectId.GenerateNewId()).ToArray();
        await BenchmarkAccounts.StoreAsync(database, users, "Benchmark viewer", DateTime.UtcNow);
        return [.. users.Select(id => BenchmarkAccounts.Token(host, id))];
    }

    /// <summary>One chat socket: reads every frame in the background, answers pings, and for each
    /// benchmark message notes when it arrived (by its sequence number).</summary>
    private sealed class ChatClient : IDisposable
    {
        private readonly ClientWebSocket _socket = new();
        private readonly SemaphoreSlim _sending = new(1, 1);
        private readonly TaskCompletionSource<string> _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly List<string> _errors = [];
        private volatile bool _measuring;
        private volatile bool _disposed;
        private int _counted;

        private ChatClient(int messages) => Arrived = new long[messages];

        /// <summary>The Stopwatch timestamp at which each measured message arrived; 0 if it did not.</summary>
        public long[] Arrived { get; }

        public string SessionToken { get; private set; } = "";

        /// <summary>Messages counted so far: warm-up ones until <see cref="Measure"/>, then measured ones.</summary>
        public int Counted => Volatile.Read(ref _counted);

        public int Duplicates { get; private set; }

        /// <summary>How the socket ended, when it ended before the run did.</summary>
        public string? ClosedEarly { get; private set; }

        public IReadOnlyList<string> Errors
        {
            get
            {
                lock (_errors)
                {
                    return [.. _errors];
                }
            }
        }

        public static async Task<ChatClient> JoinAsync(Uri uri, string token, int messages)
        {
            var client = new ChatClient(messages);
            await client._socket.ConnectAsync(uri, CancellationToken.None);
            _ = client.ReadLoopAsync();
            await client.SendAsync(new { type = "authenticate", token });
            client.SessionToken = await client._connected.Task.WaitAsync(TimeSpan.FromSeconds(60));
            return client;
        }

        /// <summary>From now on messages count towards <see cref="Arrived"/> rather than the warm-up.</summary>
        public void Measure()
        {
            Volatile.Write(ref _counted, 0);
            _measuring = true;
        }

        public async Task SendAsync(object frame)
        {
            var payload = JsonSerializer.SerializeToUtf8Bytes(frame);
            await _sending.WaitAsync();
            try
            {
                await _socket.SendAsync(payload, WebSocketMessageType.Text, true, CancellationToken.None);
            }
            finally
            {
                _sending.Release();
            }
        }

        private async Task ReadLoopAsync()
        {
            var buffer = new byte[4096];
            try
            {
                while (true)
                {
                    var length = 0;
                    ValueWebSocketReceiveResult result;
                    do
                    {
                        if (length == buffer.Length)
                        {
                            Array.Resize(ref buffer, buffer.Length * 2);
                        }

                        result = await _socket.ReceiveAsync(buffer.AsMemory(length), CancellationToken.None);
                        length += result.Count;
                    }
                    while (!result.EndOfMessage);
                    var arrived = Stopwatch.GetTimestamp();
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        ClosedEarly = $"closed {_socket.CloseStatus} {_socket.CloseStatusDescription}";
                        return;
                    }

                    await HandleAsync(buffer.AsSpan(0, length), arrived);
                }
            }
            catch (Exception error) when (error is WebSocketException or OperationCanceledException or ObjectDisposedException)
            {
                if (!_disposed)
                {
                    ClosedEarly = $"dropped: {error.GetType().Name}";
                }
            }
            finally
            {
                _connected.TrySetException(new InvalidOperationException($"The socket ended before connected: {ClosedEarly}"));
            }
        }

        private Task HandleAsync(ReadOnlySpan<byte> json, long arrived)
        {
            var (type, message, sessionToken) = Read(json);
            switch (type)
            {
                case "message" when message is not null:
                    Count(message, arrived);
                    break;
                case "ping":
                    return SendAsync(new { type = "pong" });
                case "connected" when sessionToken is not null:
                    _connected.TrySetResult(sessionToken);
                    break;
                case "error":
                    lock (_errors)
                    {
                        _errors.Add(Encoding.UTF8.GetString(json));
                    }

                    break;
                default:
                    break;
            }

            return Task.CompletedTask;
        }

        private void Count(string message, long arrived)
        {
            if (!_measuring)
            {
                Interlocked.Increment(ref _counted);
                return;
            }

            var space = message.IndexOf(' ', StringComparison.Ordinal);
            if (space > 0 && int.TryParse(message.AsSpan(0, space), CultureInfo.InvariantCulture, out var seq) && seq < Arrived.Length)
            {
                if (Arrived[seq] != 0)
                {
                    Duplicates++;
                    return;
                }

                Arrived[seq] = arrived;
                Interlocked.Increment(ref _counted);
            }
        }

        /// <summary>The frame's type, message and session token, read without building a document.</summary>
        private static (string? Type, string? Message, string? SessionToken) Read(ReadOnlySpan<byte> json)
        {
            var reader = new Utf8JsonReader(json);
            string? type = null, message = null, sessionToken = null;
            while (reader.Read())
            {
                if (reader.TokenType != JsonTokenType.PropertyName || reader.CurrentDepth != 1)
                {
                    continue;
                }

                var name = reader.ValueTextEquals("type"u8) ? 1 : reader.ValueTextEquals("message"u8) ? 2 : reader.ValueTextEquals("sessionToken"u8) ? 3 : 0;
                reader.Read();
                if (name == 0 || reader.TokenType != JsonTokenType.String)
                {
                    reader.Skip();
                    continue;
                }

                var value = reader.GetString();
                (type, message, sessionToken) = name switch
                {
                    1 => (value, message, sessionToken),
                    2 => (type, value, sessionToken),
                    _ => (type, message, value),
                };
            }

            return (type, message, sessionToken);
        }

        public void Dispose()
        {
            _disposed = true;
            _socket.Abort();
            _socket.Dispose();
            _sending.Dispose();
        }
    }
}
