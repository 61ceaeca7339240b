extern alias api;

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using api::BayitPlus.Api.Features.AiSearch;
using api::BayitPlus.Api.Features.Beta500;
using api::BayitPlus.Api.Features.Content;
using api::BayitPlus.Api.Infrastructure.Auth;
using api::BayitPlus.Api.Infrastructure.Mongo;
using api::BayitPlus.Api.Infrastructure.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Benchmarks;

/// <summary>
/// AI search at catalog scale (<c>ai-search</c> mode): <c>items</c> synthetic items (the demo
/// catalog's items, each renamed and given another item's descriptions, so texts have a real
/// catalog's length and vary) are stored before the whole API starts in process; the indexer's throughput is the items
/// embedded per second from start until <c>contentembedding</c> holds them all. Then one Beta member
/// with ample credits runs about 200 varied queries (the evaluation set's and generated ones) through
/// <c>GET /api/ai-search</c> at several concurrency levels: latency p50/p99 per level. Any answer but
/// 200 fails the run.
/// </summary>
internal static class AiSearchBenchmark
{
    private const int Credits = 100_000_000;
    private static readonly int[] Concurrency = [1, 4, 16];

    private static readonly string[] Openings = ["a film about", "a series about", "a documentary on", "something for kids about"];

    private static readonly string[] Subjects =
    [
        "the desert", "family dinners", "football", "a music school", "space travel", "a lost dog", "a wedding", "archaeology",
        "startups", "the sea", "the holidays", "cooking", "a detective", "immigrants", "life on a kibbutz", "old Jerusalem",
        "chess", "bees", "grandparents", "a rock band", "hospitals", "spies", "birds", "first love", "the Holocaust", "a bus driver",
        "running", "letters from the past",
    ];

    public static async Task<IReadOnlyList<Result>> RunAsync(string connectionString, IMongoClient client, string databaseName, int items, TimeSpan indexingTimeout)
    {
        MongoConventions.Register();
        await SeedCatalogAsync(client.GetDatabase(databaseName).GetCollection<ContentDocument>(ContentDocument.CollectionName), items);

        var clock = Stopwatch.StartNew();
        // One member spends far more than a person would: its hourly spend alert is not what is measured.
        await using var host = new BenchmarkApiHost(connectionString, databaseName, new Dictionary<string, string> { ["Beta:HourlySpendAlert"] = "1000000000" });
        var db = host.Services.GetRequiredService<MongoContext>();
        var indexing = await WaitForIndexAsync(db, items, clock, indexingTimeout);

        await Task.WhenAll(host.Services.GetRequiredService<ReadinessGates>().Gates.Select(g => g.Settled)).WaitAsync(TimeSpan.FromMinutes(1));
        var queries = await QueriesAsync();
        using var http = host.CreateClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await MemberTokenAsync(host, db));
        await QueryAllAsync(http, queries.Take(20).ToList(), 4);

        var results = new List<Result> { new($"AI search indexing ({EmbeddingModel.Local.Id}), items embedded", items, items, items / indexing.TotalSeconds) };
        foreach (var concurrency in Concurrency)
        {
            var run = Stopwatch.StartNew();
            var micros = await QueryAllAsync(http, queries, concurrency);
            var sorted = micros.Order().ToArray();
            results.Add(new Result($"GET /api/ai-search, {queries.Count} queries, {concurrency} concurrent", items, sorted.Length, sorted.Length / run.Elapsed.TotalSeconds,
                sorted[sorted.Length / 2], sorted[(int)(sorted.Length * 0.99)]));
        }

        return results;
    }

    private static async Task SeedCatalogAsync(IMongoCollection<ContentDocument> content, int count)
    {
        var now = DateTime.UtcNow;
        var demo = DemoCatalog.Create(now).Content;
        var random = new Random(2026);
        for (var offset = 0; offset < count; offset += 1_000)
        {
            var batch = Enumerable.Range(offset, Math.Min(1_000, count - offset)).Select(i =>
            {
                var item = demo[i % demo.Count];
                var other = demo[random.Next(demo.Count)];
                var word = CatalogSeeder.EnglishWords[random.Next(CatalogSeeder.EnglishWords.Length)];
                return new ContentDocument
                {
                    Title = $"{item.Title} {i}",
                    TitleEn = $"{item.TitleEn} {word} {i}",
                    TitleEs = $"{item.TitleEs} {i}",
                    Description = other.Description,
                    DescriptionEn = other.DescriptionEn,
                    DescriptionEs = other.DescriptionEs,
                    SectionIds = item.SectionIds,
                    PrimarySectionId = item.PrimarySectionId,
                    ContentFormat = item.ContentFormat,
                    AudienceId = item.AudienceId,
                    GenreIds = item.GenreIds,
                    TopicTags = item.TopicTags,
                    StreamUrl = item.StreamUrl,
                    Duration = item.Duration,
                    Year = random.Next(1970, 2027),
                    Rating = item.Rating,
                    Cast = [.. item.Cast, .. other.Cast.Take(1)],
                    Director = item.Director,
                    ViewCount = random.Next(0, 100_000),
                    CreatedAt = now.AddMinutes(-i),
                };
            }).ToList();
            await content.InsertManyAsync(batch);
        }
    }

    /// <summary>How long the indexer took (from <paramref name="clock"/>'s start, the API's) until
    /// every item has an embedding; progress every 10 s.</summary>
    private static async Task<TimeSpan> WaitForIndexAsync(MongoContext db, int items, Stopwatch clock, TimeSpan timeout)
    {
        var embeddings = db.Collection<BsonDocument>(ContentEmbeddingDocument.CollectionName);
        var reported = TimeSpan.Zero;
        long embedded;
        while ((embedded = await embeddings.CountDocumentsAsync(FilterDefinition<BsonDocument>.Empty)) < items)
        {
            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"After {timeout.TotalSeconds:0} s only {embedded:N0} of {items:N0} items have an embedding: is the AI search indexer running?");
            }

            if (clock.Elapsed - reported >= TimeSpan.FromSeconds(10))
            {
                reported = clock.Elapsed;
                Console.WriteLine($"{reported.TotalSeconds:0} s: {embedded:N0} of {items:N0} items embedded");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250));
        }

        return clock.Elapsed;
    }

    /// <summary>The evaluation set's English and Spanish queries and generated English ones: the
    /// local model reads Latin script only, and AI search refuses Hebrew queries (422) with it.</summary>
    private static async Task<IReadOnlyList<string>> QueriesAsync()
    {
        var evaluation = EvalSet.Parse(await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "ai-search-eval.json")))
            .Where(q => q.Language != "he")
            .Select(q => q.Query);
        return [.. evaluation.Concat(Openings.SelectMany(opening => Subjects.Select(subject => $"{opening} {subject}"))).Distinct(StringComparer.Ordinal)];
    }

    /// <summary>A Beta member with credits for every query of the run, as enrollment leaves one (the
    /// account's role, the member, its grant); a token for it.</summary>
    private static async Task<string> MemberTokenAsync(BenchmarkApiHost host, MongoContext db)
    {
        var id = ObjectId.GenerateNewId();
        var email = $"{id}@bayitplus.test";
        var now = DateTime.UtcNow;
        await db.Collection<BsonDocument>("user").InsertOneAsync(new BsonDocument
        {
            ["_id"] = id,
            ["email"] = email,
            ["name"] = "Benchmark member",
            ["role"] = Roles.Beta,
            ["is_active"] = true,
            ["created_at"] = now,
            ["updated_at"] = now,
        });
        await db.Collection<BetaUserDocument>(BetaUserDocument.CollectionName).InsertOneAsync(new BetaUserDocument
        {
            UserId = id.ToString(),
            Email = email,
            FingerprintHash = id.ToString(),
            CreditsBalance = Credits,
            TotalCreditsGranted = Credits,
            IsActive = true,
            EnrolledAt = now,
            ExpiresAt = now.AddDays(90),
        });
        await db.Collection<BetaCreditTransactionDocument>(BetaCreditTransactionDocument.CollectionName).InsertOneAsync(new BetaCreditTransactionDocument
        {
            UserId = id.ToString(),
            TransactionType = BetaTransactionTypes.Grant,
            Amount = Credits,
            BalanceAfter = Credits,
            Reason = "benchmark grant",
            CreatedAt = now,
        });
        return host.Services.GetRequiredService<AccessTokenIssuer>().Issue(id.ToString(), email, Roles.Beta, null).Token;
    }

    /// <summary>Every query once, <paramref name="concurrency"/> at a time; each latency in microseconds.</summary>
    private static async Task<ConcurrentBag<double>> QueryAllAsync(HttpClient http, IReadOnlyList<string> queries, int concurrency)
    {
        var micros = new ConcurrentBag<double>();
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < queries.Count)
            {
                var started = Stopwatch.GetTimestamp();
                using var response = await http.GetAsync($"/api/ai-search?q={Uri.EscapeDataString(queries[i])}&limit=10");
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    throw new InvalidOperationException($"\"{queries[i]}\" was answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                }

                micros.Add(Stopwatch.GetElapsedTime(started).TotalMicroseconds);
            }
        })));
        return micros;
    }
}
