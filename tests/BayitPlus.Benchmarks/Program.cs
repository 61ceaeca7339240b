using System.Globalization;
using System.Runtime.InteropServices;
using BayitPlus.Benchmarks;
using BayitPlus.MongoEmulator;
using MongoDB.Driver;

// `seed-catalog <mongodb-uri> <database> <count>` fills a catalog for the API load run
// (tests/BayitPlus.Benchmarks/load/catalog-load.sh) instead of benchmarking.
if (args is ["seed-catalog", var seedUri, var seedDatabase, var seedCount])
{
    using var seedClient = new MongoClient(seedUri);
    await CatalogSeeder.SeedAsync(seedClient.GetDatabase(seedDatabase), int.Parse(seedCount, CultureInfo.InvariantCulture));
    Console.WriteLine($"Seeded {seedCount} content items into {seedDatabase}.");
    return;
}

// `ledger` measures the Beta 500 credit ledger's charges instead (LedgerBenchmark), kept apart from
// the database benchmarks below.
// `ledger <clients> <charges per client>` changes the defaults (32, 500).
var ledgerMode = args is ["ledger", ..];
var ledgerClients = args is ["ledger", var c, ..] ? int.Parse(c, CultureInfo.InvariantCulture) : 32;
var ledgerCharges = args is ["ledger", _, var n] ? int.Parse(n, CultureInfo.InvariantCulture) : 500;

// `enroll` measures Beta 500 enrollment (EnrollmentBenchmark); `enroll <clients> <seats> <candidates>`
// changes the defaults (32, 500, 1,000).
var enrollMode = args is ["enroll", ..];
var enrollClients = args is ["enroll", var ec, ..] ? int.Parse(ec, CultureInfo.InvariantCulture) : 32;
var enrollSeats = args is ["enroll", _, var es, ..] ? int.Parse(es, CultureInfo.InvariantCulture) : 500;
var enrollCandidates = args is ["enroll", _, _, var en] ? int.Parse(en, CultureInfo.InvariantCulture) : 1_000;

// `webhooks` measures the payment webhook through the whole API (WebhookBenchmark);
// `webhooks <clients> <customers> <copies>` changes the defaults (32, 500, 3).
var webhooksMode = args is ["webhooks", ..];
var webhookClients = args is ["webhooks", var wc, ..] ? int.Parse(wc, CultureInfo.InvariantCulture) : 32;
var webhookCustomers = args is ["webhooks", _, var wn, ..] ? int.Parse(wn, CultureInfo.InvariantCulture) : 500;
var webhookCopies = args is ["webhooks", _, _, var wk] ? int.Parse(wk, CultureInfo.InvariantCulture) : 3;

// `progress` measures watch-progress reports through the whole API (ProgressBenchmark);
// `progress <players> <reports per player>` changes the defaults (64, 200).
var progressMode = args is ["progress", ..];
var progressPlayers = args is ["progress", var pp, ..] ? int.Parse(pp, CultureInfo.InvariantCulture) : 64;
var progressReports = args is ["progress", _, var pr] ? int.Parse(pr, CultureInfo.InvariantCulture) : 200;

// `chat` measures the live chat's delivery over real WebSockets (ChatBenchmark), on one API instance
// and then on two; `chat <receivers> <messages per second> <seconds>` changes the defaults (1,000, 20, 30).
var chatMode = args is ["chat", ..];
var chatReceivers = args is ["chat", var cr, ..] ? int.Parse(cr, CultureInfo.InvariantCulture) : 1_000;
var chatRate = args is ["chat", _, var cm, ..] ? int.Parse(cm, CultureInfo.InvariantCulture) : 20;
var chatSeconds = args is ["chat", _, _, var cs] ? int.Parse(cs, CultureInfo.InvariantCulture) : 30;

// `ai-eval` measures AI search's ranking quality on the demo catalog (AiSearchEvaluation) and exits
// non-zero when the issue's targets are missed; `ai-eval <seconds>` changes how long it waits for the
// embeddings (300).
var aiEvalMode = args is ["ai-eval", ..];
var aiEvalTimeout = TimeSpan.FromSeconds(args is ["ai-eval", var at] ? int.Parse(at, CultureInfo.InvariantCulture) : 300);

// `ai-search` measures AI search's indexing throughput and query latency (AiSearchBenchmark);
// `ai-search <items> <indexing timeout seconds>` changes the defaults (10,000, 3,600).
var aiSearchMode = args is ["ai-search", ..];
var aiSearchItems = args is ["ai-search", var ai, ..] ? int.Parse(ai, CultureInfo.InvariantCulture) : 10_000;
var aiSearchTimeout = TimeSpan.FromSeconds(args is ["ai-search", _, var ast] ? int.Parse(ast, CultureInfo.InvariantCulture) : 3_600);

// `recaps` measures the local summarizer and catch-up recaps through the whole API (RecapsBenchmark);
// `recaps <members> <channels>` changes the defaults (200, 20).
var recapsMode = args is ["recaps", ..];
var recapsMembers = args is ["recaps", var rm, ..] ? int.Parse(rm, CultureInfo.InvariantCulture) : 200;
var recapsChannels = args is ["recaps", _, var rc] ? int.Parse(rc, CultureInfo.InvariantCulture) : 20;

// Runs against the in-process emulator unless BAYITPLUS_BENCH_MONGODB_URI names another server, so
// the same figures can be taken from a real MongoDB for comparison.
var uri = Environment.GetEnvironmentVariable("BAYITPLUS_BENCH_MONGODB_URI");
await using var server = string.IsNullOrWhiteSpace(uri) ? await MongoEmulatorServer.StartAsync(new MongoEmulatorOptions()) : null;
var connectionString = server?.ConnectionString ?? uri!;
var target = server is null ? $"MongoDB at {MongoUrl.Create(connectionString).Server}" : "in-process emulator";
Console.WriteLine($"Benchmarking the {target} on {Environment.ProcessorCount} cores, {RuntimeInformation.FrameworkDescription}, {RuntimeInformation.OSDescription}");

using var client = new MongoClient(connectionString);
var databaseName = $"bayitplus_bench_{Guid.NewGuid():N}"[..28];
var benchmarks = new Benchmarks(connectionString, client.GetDatabase(databaseName));
var results = new List<Result>();
try
{
    if (ledgerMode)
    {
        results.Add(await LedgerBenchmark.RunAsync(client, databaseName, ledgerClients, ledgerCharges));
    }
    else if (webhooksMode)
    {
        results.AddRange(await WebhookBenchmark.RunAsync(connectionString, client, databaseName, webhookClients, webhookCustomers, webhookCopies));
    }
    else if (progressMode)
    {
        results.AddRange(await ProgressBenchmark.RunAsync(connectionString, client, databaseName, progressPlayers, progressReports));
    }
    else if (chatMode)
    {
        await ChatBenchmark.RunAsync(connectionString, client, databaseName, chatReceivers, chatRate, chatSeconds);
    }
    else if (aiEvalMode)
    {
        Environment.ExitCode = await AiSearchEvaluation.RunAsync(connectionString, databaseName, aiEvalTimeout);
    }
    else if (aiSearchMode)
    {
        results.AddRange(await AiSearchBenchmark.RunAsync(connectionString, client, databaseName, aiSearchItems, aiSearchTimeout));
    }
    else if (recapsMode)
    {
        results.AddRange(await RecapsBenchmark.RunAsync(connectionString, client, databaseName, recapsMembers, recapsChannels));
    }
    else if (enrollMode)
    {
        results.AddRange(await EnrollmentBenchmark.RunAsync(client, databaseName, enrollClients, enrollSeats, enrollCandidates));
    }
    else
    {
        await RunDatabaseBenchmarksAsync();
    }
}
finally
{
    await client.DropDatabaseAsync(databaseName);
}

async Task RunDatabaseBenchmarksAsync()
{
    // A discarded first pass lets tiered JIT finish optimizing the driver and server code paths;
    // without it the first measured rows carry compilation pauses in their tails.
    await benchmarks.LookupsAsync(1_000, 5_000);
    await benchmarks.ParallelFindAndModifyAsync(clients: 2, operationsPerClient: 1_000, documents: 1_000);

    results.Add(await benchmarks.InsertManyAsync(100_000));
    results.Add(await benchmarks.InsertOneAsync(5_000));
    results.AddRange(await benchmarks.LookupsAsync(1_000, 5_000));
    results.AddRange(await benchmarks.LookupsAsync(100_000, 5_000));
    results.Add(await benchmarks.ParallelFindAndModifyAsync(clients: 1, operationsPerClient: 4_000, documents: 1_000));
    results.Add(await benchmarks.ParallelFindAndModifyAsync(clients: 8, operationsPerClient: 1_000, documents: 1_000));
}

static string Number(double? value, string format) => value?.ToString(format, CultureInfo.InvariantCulture) ?? "";

// The chat and ai-eval modes print their own reports (the chat's latency in milliseconds, drops and
// memory; the evaluation's recall and MRR).
if (results.Count == 0)
{
    return;
}

Console.WriteLine();
Console.WriteLine("| Benchmark | Collection size | Operations | Ops/s | p50 (µs) | p99 (µs) | Docs examined per lookup |");
Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
foreach (var r in results)
{
    var size = r.CollectionSize == 0 ? "" : r.CollectionSize.ToString("N0", CultureInfo.InvariantCulture);
    Console.WriteLine($"| {r.Benchmark} | {size} | {r.Operations.ToString("N0", CultureInfo.InvariantCulture)} | {Number(r.PerSecond, "N0")} | {Number(r.P50Micros, "N0")} | {Number(r.P99Micros, "N0")} | {Number(r.DocsExamined, "N0")} |");
}
