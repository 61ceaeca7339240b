extern alias api;

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using api::BayitPlus.Api.Infrastructure.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Benchmarks;

/// <summary>
/// Watch-progress reports under load (<c>progress</c> mode), the most frequent write of a streaming
/// service: the whole API in process (HTTP pipeline, token and account check, the catalog lookup and
/// the one-upsert update pipeline) on the benchmark's database. Each of <c>players</c> signed-in
/// users plays a few catalog items, reporting every 10 s of playback without pause between reports,
/// and now and then one report arrives late (behind the position already stored). Afterwards each
/// user's entries are read back: one per item, at the furthest position, or the run fails. Then the
/// same number of players are one user's devices all playing the same item at once, so every report
/// contends on one document (the findAndModify upsert's hardest case); it must end as one entry at
/// the furthest position with the watched time counted once.
/// </summary>
internal static class ProgressBenchmark
{
    private const int ItemsPerPlayer = 4;
    private const int Duration = 3_600;

    public static async Task<IReadOnlyList<Result>> RunAsync(string connectionString, IMongoClient client, string databaseName, int players, int reportsPerPlayer)
    {
        var warmupName = $"{databaseName}_warmup";
        try
        {
            await using var warmup = Host(connectionString, warmupName);
            await ReportAllAsync(warmup, client.GetDatabase(warmupName), players, 20);
        }
        finally
        {
            await client.DropDatabaseAsync(warmupName);
        }

        await using var host = Host(connectionString, databaseName);
        var database = client.GetDatabase(databaseName);
        var run = await ReportAllAsync(host, database, players, reportsPerPlayer);
        await VerifyAsync(database, run.Expected);
        var contended = await ContendAsync(host, database, players, reportsPerPlayer / ItemsPerPlayer);
        return
        [
            Summary($"progress reports (PUT /api/users/me/history/{{id}}), {players} players, 1 in 10 late", run),
            Summary($"progress reports, {players} devices of one user on one item", contended),
        ];
    }

    private static Result Summary(string name, Run run)
    {
        var sorted = run.Micros.Order().ToArray();
        return new Result(name, 0, sorted.Length, sorted.Length / run.Elapsed.TotalSeconds, sorted[sorted.Length / 2], sorted[(int)(sorted.Length * 0.99)]);
    }

    /// <summary>Every device of one user reports the same item, 10 s further each time, all at once.</summary>
    private static async Task<Run> ContendAsync(BenchmarkApiHost host, IMongoDatabase database, int devices, int reportsPerDevice)
    {
        var user = ObjectId.GenerateNewId();
        var item = ObjectId.GenerateNewId();
        await SeedAsync(database, [user], [item]);
        var token = BenchmarkAccounts.Token(host, user);
        var micros = new ConcurrentBag<double>();
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, devices).Select(d => Task.Run(async () =>
        {
            using var http = host.CreateClient();
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            for (var r = 1; r <= reportsPerDevice; r++)
            {
                micros.Add(await ReportAsync(http, item.ToString(), Math.Min(Duration, r * 10), d % 2 == 0 ? "tv" : "mobile"));
            }
        })));
        var elapsed = clock.Elapsed;
        var expected = new Dictionary<(string User, string Item), int> { [(user.ToString(), item.ToString())] = Math.Min(Duration, reportsPerDevice * 10) };
        await VerifyAsync(database, expected, [user.ToString()]);
        return new Run(expected, micros, elapsed);
    }

    private static async Task SeedAsync(IMongoDatabase database, ObjectId[] users, ObjectId[] items)
    {
        var now = DateTime.UtcNow;
        await BenchmarkAccounts.StoreAsync(database, users, "Benchmark viewer", now);
        await database.GetCollection<BsonDocument>("content").InsertManyAsync(items.Select(id => new BsonDocument
        {
            ["_id"] = id,
            ["title"] = $"פריט {id}",
            ["audience_id"] = "general",
            ["duration"] = "1:00:00",
            ["created_at"] = now,
        }));
    }

    /// <summary>One report; its latency in microseconds. Anything but 200 fails the run.</summary>
    private static async Task<double> ReportAsync(HttpClient http, string item, int position, string deviceType)
    {
        var started = Stopwatch.GetTimestamp();
        using var response = await http.PutAsJsonAsync($"/api/users/me/history/{item}", new
        {
            positionSeconds = position,
            durationSeconds = Duration,
            deviceType,
            platform = "web",
        });
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"A report was answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }

        return Stopwatch.GetElapsedTime(started).TotalMicroseconds;
    }

    private sealed record Run(Dictionary<(string User, string Item), int> Expected, ConcurrentBag<double> Micros, TimeSpan Elapsed);

    private static async Task<Run> ReportAllAsync(BenchmarkApiHost host, IMongoDatabase database, int players, int reportsPerPlayer)
    {
        var users = Enumerable.Range(0, players).Select(_ => ObjectId.GenerateNewId()).ToArray();
        var items = Enumerable.Range(0, players * ItemsPerPlayer).Select(_ => ObjectId.GenerateNewId()).ToArray();
        await SeedAsync(database, users, items);
        await Task.WhenAll(host.Services.GetRequiredService<ReadinessGates>().Gates.Select(g => g.Settled)).WaitAsync(TimeSpan.FromMinutes(1));

        var expected = new ConcurrentDictionary<(string User, string Item), int>();
        var micros = new ConcurrentBag<double>();
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(users.Select((user, p) => Task.Run(async () =>
        {
            using var http = host.CreateClient();
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", BenchmarkAccounts.Token(host, user));
            var random = new Random(p);
            var positions = new int[ItemsPerPlayer];
            for (var r = 0; r < reportsPerPlayer; r++)
            {
                var slot = r * ItemsPerPlayer / reportsPerPlayer;
                var item = items[(p * ItemsPerPlayer) + slot].ToString();
                var late = r % 10 == 9 && positions[slot] > 30;
                var position = late ? positions[slot] - 20 : Math.Min(Duration, positions[slot] += 10);
                micros.Add(await ReportAsync(http, item, position, random.Next(2) == 0 ? "tv" : "mobile"));
                expected[(user.ToString(), item)] = positions[slot];
            }
        })));
        return new Run(new Dictionary<(string User, string Item), int>(expected), micros, clock.Elapsed);
    }

    /// <summary>Fails the run unless every (user, item) has exactly one entry at the furthest position
    /// reported, with that many seconds watched; only <paramref name="users"/>' entries when given.</summary>
    private static async Task VerifyAsync(IMongoDatabase database, Dictionary<(string User, string Item), int> expected, string[]? users = null)
    {
        var filter = users is null ? FilterDefinition<BsonDocument>.Empty : Builders<BsonDocument>.Filter.In("user_id", users);
        var entries = await database.GetCollection<BsonDocument>("watchhistory").Find(filter).ToListAsync();
        var stored = entries.GroupBy(e => (e["user_id"].AsString, e["content_id"].AsString)).ToDictionary(g => g.Key, g => g.ToList());
        if (stored.Count != expected.Count || entries.Count != expected.Count)
        {
            throw new InvalidOperationException($"Expected {expected.Count} history entries, one per user and item; found {entries.Count} for {stored.Count} pairs.");
        }

        foreach (var (key, position) in expected)
        {
            var entry = stored[key].Single();
            if (entry["position_seconds"].AsInt32 != position || entry["duration_watched"].AsInt32 != position)
            {
                throw new InvalidOperationException($"{key}: expected position and watched time {position}, found {entry["position_seconds"]} and {entry["duration_watched"]}.");
            }
        }

        Console.WriteLine($"Progress verified: {entries.Count} entries, each at its furthest position with its watched time counted once.");
    }

    private static BenchmarkApiHost Host(string connectionString, string databaseName) =>
        new(connectionString, databaseName, new Dictionary<string, string> { ["RateLimits:history-report:PermitLimit"] = "100000000" });
}
