extern alias api;

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using api::BayitPlus.Api.Infrastructure.Auth;
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
/// user's entries are read back: one per item, at the furthest position, or the run fails.
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
        var run = await ReportAllAsync(host, client.GetDatabase(databaseName), players, reportsPerPlayer);
        await VerifyAsync(client.GetDatabase(databaseName), run.Expected);
        var sorted = run.Micros.Order().ToArray();
        return
        [
            new Result($"progress reports (PUT /api/users/me/history/{{id}}), {players} players, 1 in 10 late", 0,
                sorted.Length, sorted.Length / run.Elapsed.TotalSeconds, sorted[sorted.Length / 2], sorted[(int)(sorted.Length * 0.99)]),
        ];
    }

    private sealed record Run(Dictionary<(string User, string Item), int> Expected, ConcurrentBag<double> Micros, TimeSpan Elapsed);

    private static async Task<Run> ReportAllAsync(BenchmarkApiHost host, IMongoDatabase database, int players, int reportsPerPlayer)
    {
        var now = DateTime.UtcNow;
        var users = Enumerable.Range(0, players).Select(_ => ObjectId.GenerateNewId()).ToArray();
        var items = Enumerable.Range(0, players * ItemsPerPlayer).Select(_ => ObjectId.GenerateNewId()).ToArray();
        await database.GetCollection<BsonDocument>("user").InsertManyAsync(users.Select(id => new BsonDocument
        {
            ["_id"] = id,
            ["email"] = $"{id}@bayitplus.test",
            ["name"] = "Benchmark viewer",
            ["role"] = "user",
            ["is_active"] = true,
            ["created_at"] = now,
            ["updated_at"] = now,
        }));
        await database.GetCollection<BsonDocument>("content").InsertManyAsync(items.Select(id => new BsonDocument
        {
            ["_id"] = id,
            ["title"] = $"פריט {id}",
            ["audience_id"] = "general",
            ["duration"] = "1:00:00",
            ["created_at"] = now,
        }));
        await Task.WhenAll(host.Services.GetRequiredService<ReadinessGates>().Gates.Select(g => g.Settled)).WaitAsync(TimeSpan.FromMinutes(1));
        var issuer = host.Services.GetRequiredService<AccessTokenIssuer>();

        var expected = new ConcurrentDictionary<(string User, string Item), int>();
        var micros = new ConcurrentBag<double>();
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(users.Select((user, p) => Task.Run(async () =>
        {
            using var http = host.CreateClient();
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", issuer.Issue(user.ToString(), $"{user}@bayitplus.test", "user", null).Token);
            var random = new Random(p);
            var positions = new int[ItemsPerPlayer];
            for (var r = 0; r < reportsPerPlayer; r++)
            {
                var slot = r * ItemsPerPlayer / reportsPerPlayer;
                var item = items[(p * ItemsPerPlayer) + slot].ToString();
                var late = r % 10 == 9 && positions[slot] > 30;
                var position = late ? positions[slot] - 20 : Math.Min(Duration, positions[slot] += 10);
                var started = Stopwatch.GetTimestamp();
                using var response = await http.PutAsJsonAsync($"/api/users/me/history/{item}", new
                {
                    positionSeconds = position,
                    durationSeconds = Duration,
                    deviceType = random.Next(2) == 0 ? "tv" : "mobile",
                    platform = "web",
                });
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    throw new InvalidOperationException($"A report was answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                }

                micros.Add(Stopwatch.GetElapsedTime(started).TotalMicroseconds);
                expected[(user.ToString(), item)] = positions[slot];
            }
        })));
        return new Run(new Dictionary<(string User, string Item), int>(expected), micros, clock.Elapsed);
    }

    /// <summary>Fails the run unless every (user, item) has exactly one entry at the furthest position reported.</summary>
    private static async Task VerifyAsync(IMongoDatabase database, Dictionary<(string User, string Item), int> expected)
    {
        var entries = await database.GetCollection<BsonDocument>("watchhistory").Find(FilterDefinition<BsonDocument>.Empty).ToListAsync();
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
