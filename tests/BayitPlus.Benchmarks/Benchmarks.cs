using System.Diagnostics;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Benchmarks;

/// <summary>One line of the result table; latency columns are empty for pure throughput figures.</summary>
internal sealed record Result(string Benchmark, int CollectionSize, int Operations, double PerSecond, double? P50Micros = null, double? P99Micros = null, long? DocsExamined = null);

/// <summary>
/// The measurements, all through the official driver. BenchmarkDotNet is deliberately not used: its
/// repeated launches and iterations would re-seed 100,000-document collections many times, which
/// takes far too long on the 2-core machines this runs on; a Stopwatch harness with a warm-up phase
/// gives stable enough medians and tails for the README.
/// </summary>
internal sealed class Benchmarks(string connectionString, IMongoDatabase database)
{
    private const int InsertBatchSize = 1_000;
    private const int WarmupOperations = 1_000;

    private int collectionCounter;

    private IMongoCollection<BsonDocument> NewCollection(string name) =>
        database.GetCollection<BsonDocument>($"{name}_{Interlocked.Increment(ref collectionCounter)}");

    private static BsonDocument User(int i) => new()
    {
        { "_id", i },
        { "email", $"user{i}@example.com" },
        { "city", $"city{i % 50}" },
        { "balance", 0 },
        { "bio", "Looking for a quiet two-room apartment close to the light rail." },
    };

    private static async Task SeedAsync(IMongoCollection<BsonDocument> collection, int count)
    {
        for (var start = 0; start < count; start += InsertBatchSize)
        {
            var size = Math.Min(InsertBatchSize, count - start);
            await collection.InsertManyAsync(Enumerable.Range(start, size).Select(User));
        }
    }

    public async Task<Result> InsertManyAsync(int count)
    {
        await SeedAsync(NewCollection("warmup_many"), WarmupOperations);
        var collection = NewCollection("insert_many");

        var clock = Stopwatch.StartNew();
        await SeedAsync(collection, count);

        return new Result($"insertMany (batches of {InsertBatchSize:N0})", 0, count, count / clock.Elapsed.TotalSeconds);
    }

    public async Task<Result> InsertOneAsync(int count)
    {
        var warmup = NewCollection("warmup_one");
        for (var i = 0; i < WarmupOperations; i++)
        {
            await warmup.InsertOneAsync(User(i));
        }

        var collection = NewCollection("insert_one");
        return await MeasureAsync("insertOne", 0, count, i => collection.InsertOneAsync(User(i)));
    }

    /// <summary>Point lookups on a collection of <paramref name="size"/> documents: by <c>_id</c>
    /// and by a field with a secondary index. Both should stay flat as the collection grows.</summary>
    public async Task<Result[]> LookupsAsync(int size, int operations)
    {
        var collection = NewCollection($"lookup_{size}");
        await SeedAsync(collection, size);
        await collection.Indexes.CreateOneAsync(new CreateIndexModel<BsonDocument>(Builders<BsonDocument>.IndexKeys.Ascending("email")));
        var random = new Random(42);

        async Task ById(int _)
        {
            var id = random.Next(size);
            if (await collection.Find(Builders<BsonDocument>.Filter.Eq("_id", id)).FirstOrDefaultAsync() is null)
            {
                throw new InvalidOperationException($"document {id} not found");
            }
        }

        async Task ByEmail(int _)
        {
            var email = $"user{random.Next(size)}@example.com";
            if (await collection.Find(Builders<BsonDocument>.Filter.Eq("email", email)).FirstOrDefaultAsync() is null)
            {
                throw new InvalidOperationException($"{email} not found");
            }
        }

        await WarmUpAsync(ById);
        var byId = await MeasureAsync("find by _id", size, operations, ById);
        await WarmUpAsync(ByEmail);
        var byEmail = await MeasureAsync("find by indexed field", size, operations, ByEmail);
        return
        [
            byId with { DocsExamined = await DocsExaminedAsync(collection, new BsonDocument("_id", size / 2)) },
            byEmail with { DocsExamined = await DocsExaminedAsync(collection, new BsonDocument("email", $"user{size / 2}@example.com")) },
        ];
    }

    /// <summary>What explain reports a query reads: the proof that a lookup uses its index, where
    /// latency alone also carries the index's logarithmic depth and the machine's caches.</summary>
    private async Task<long> DocsExaminedAsync(IMongoCollection<BsonDocument> collection, BsonDocument filter)
    {
        var explain = new BsonDocument
        {
            { "explain", new BsonDocument { { "find", collection.CollectionNamespace.CollectionName }, { "filter", filter } } },
            { "verbosity", "executionStats" },
        };
        var reply = await database.RunCommandAsync<BsonDocument>(explain);
        return reply["executionStats"]["totalDocsExamined"].ToInt64();
    }

    /// <summary><paramref name="clients"/> independent clients (own connection pools) each running
    /// <paramref name="operationsPerClient"/> findAndModify <c>$inc</c> calls on random documents.</summary>
    public async Task<Result> ParallelFindAndModifyAsync(int clients, int operationsPerClient, int documents)
    {
        var name = $"accounts_{Interlocked.Increment(ref collectionCounter)}";
        await SeedAsync(database.GetCollection<BsonDocument>(name), documents);
        var handles = Enumerable.Range(0, clients).Select(i =>
        {
            var settings = MongoClientSettings.FromConnectionString(connectionString);
            settings.ApplicationName = $"bench-client-{i}";
            return new MongoClient(settings);
        }).ToArray();
        try
        {
            var collections = handles.Select(c => c.GetDatabase(database.DatabaseNamespace.DatabaseName).GetCollection<BsonDocument>(name)).ToArray();
            var update = Builders<BsonDocument>.Update.Inc("balance", 1);

            async Task<double[]> RunClientAsync(int client, int count)
            {
                var random = new Random(client);
                var samples = new double[count];
                for (var i = 0; i < count; i++)
                {
                    var started = Stopwatch.GetTimestamp();
                    _ = await collections[client].FindOneAndUpdateAsync(Builders<BsonDocument>.Filter.Eq("_id", random.Next(documents)), update)
                        ?? throw new InvalidOperationException("findAndModify matched nothing");
                    samples[i] = Stopwatch.GetElapsedTime(started).TotalMicroseconds;
                }

                return samples;
            }

            await Task.WhenAll(Enumerable.Range(0, clients).Select(c => RunClientAsync(c, WarmupOperations / clients)));
            var clock = Stopwatch.StartNew();
            var perClient = await Task.WhenAll(Enumerable.Range(0, clients).Select(c => RunClientAsync(c, operationsPerClient)));
            var elapsed = clock.Elapsed;

            var total = clients * operationsPerClient;
            var samples = perClient.SelectMany(s => s).ToArray();
            Array.Sort(samples);
            return new Result($"findAndModify $inc, {clients} client(s) in parallel", documents, total, total / elapsed.TotalSeconds,
                Percentile(samples, 0.50), Percentile(samples, 0.99));
        }
        finally
        {
            foreach (var handle in handles)
            {
                handle.Dispose();
            }
        }
    }

    private static async Task WarmUpAsync(Func<int, Task> operation)
    {
        for (var i = 0; i < WarmupOperations; i++)
        {
            await operation(i);
        }
    }

    private static async Task<Result> MeasureAsync(string benchmark, int size, int operations, Func<int, Task> operation)
    {
        var samples = new double[operations];
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < operations; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await operation(i);
            samples[i] = Stopwatch.GetElapsedTime(started).TotalMicroseconds;
        }

        var elapsed = clock.Elapsed;
        Array.Sort(samples);
        return new Result(benchmark, size, operations, operations / elapsed.TotalSeconds, Percentile(samples, 0.50), Percentile(samples, 0.99));
    }

    private static double Percentile(double[] sorted, double fraction) =>
        sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(fraction * sorted.Length) - 1)];
}
