extern alias api;

using System.Diagnostics;
using api::BayitPlus.Api.Features.AiSearch;
using api::BayitPlus.Api.Features.Content;
using api::BayitPlus.Api.Infrastructure.Catalog;
using api::BayitPlus.Api.Infrastructure.Mongo;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Benchmarks;

/// <summary>
/// The AI search evaluation (<c>ai-eval</c> mode): the whole API in process on the benchmark's
/// database, seeded with the demo catalog by its own seeder (as on the embedded emulator), waits until
/// the indexer has embedded every item, then ranks each query of <c>ai-search-eval.json</c> in the
/// keyword, vector and hybrid modes and prints recall@5 and MRR per language, kind and mode. Exits
/// non-zero when the evaluation set is inconsistent with the catalog or the issue's targets are missed
/// (<see cref="EvalReport.TargetFailures"/>). The ranking is the AI search slice's own
/// (<see cref="AiRetrieval"/>), unfiltered, in the mode measured.
/// </summary>
internal static class AiSearchEvaluation
{
    private const int Depth = 10;

    public static async Task<int> RunAsync(string connectionString, string databaseName, TimeSpan embeddingTimeout)
    {
        var queries = EvalSet.Parse(await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "ai-search-eval.json")));
        var demo = DemoCatalog.Create(DateTime.UtcNow);
        var problems = EvalSet.Problems(queries, demo.Content.ToDictionary(c => c.TitleEn!, EvalItemOf, StringComparer.Ordinal));
        if (problems.Count > 0)
        {
            Console.Error.WriteLine("The evaluation set does not fit the demo catalog:");
            problems.ToList().ForEach(p => Console.Error.WriteLine("  " + p));
            return 1;
        }

        Console.WriteLine(DescriptionOverlap(queries, demo.Content));
        await using var benchmarkHost = new BenchmarkApiHost(connectionString, databaseName, new Dictionary<string, string>());
        var host = benchmarkHost.WithWebHostBuilder(builder => builder.ConfigureTestServices(services => services.Replace(ServiceDescriptor.Singleton(
            new MongoSettings { ConnectionString = connectionString, DatabaseName = databaseName, IsEmbeddedEmulator = true }))));
        var seeder = host.Services.GetServices<IHostedService>().OfType<DemoCatalogSeeder>().Single();
        await seeder.ExecuteTask!;

        var database = host.Services.GetRequiredService<MongoContext>().Database;
        if (!await WaitForEmbeddingsAsync(database, embeddingTimeout))
        {
            return 1;
        }

        var retrieval = host.Services.GetRequiredService<AiRetrieval>();

        var ids = (await database.GetCollection<BsonDocument>(ContentDocument.CollectionName).Find(FilterDefinition<BsonDocument>.Empty)
            .Project(Builders<BsonDocument>.Projection.Include("title_en")).ToListAsync())
            .ToDictionary(d => d["title_en"].AsString, d => d["_id"].ToString()!, StringComparer.Ordinal);
        var outcomes = new List<QueryOutcome>();
        var hybridMisses = new List<string>();
        foreach (var query in queries)
        {
            var relevant = query.Relevant.Select(title => ids[title]).ToHashSet(StringComparer.Ordinal);
            foreach (var mode in EvalReport.Modes)
            {
                var ranked = await retrieval.RankAsync(query.Query, CatalogFilter.None, Mode(mode), Depth, CancellationToken.None);
                var outcome = new QueryOutcome(query.Language, query.Kind, mode, RankingMetrics.RecallAt(EvalReport.K, ranked, relevant), RankingMetrics.ReciprocalRank(ranked, relevant));
                outcomes.Add(outcome);
                if (mode == "hybrid" && outcome.Recall < 1)
                {
                    hybridMisses.Add($"{query.Id} \"{query.Query}\": {string.Join(", ", query.Relevant)} not all in the first {EvalReport.K}");
                }
            }
        }

        var cells = EvalReport.Aggregate(outcomes);
        Console.WriteLine();
        Console.WriteLine($"{queries.Count} queries over {ids.Count} demo items, the first {Depth} results of each mode (the local all-MiniLM-L6-v2; a benchmark never calls OpenAI):");
        Console.WriteLine();
        Console.WriteLine(EvalReport.Table(cells));
        Console.WriteLine($"Hybrid misses ({hybridMisses.Count}):");
        hybridMisses.ForEach(m => Console.WriteLine("  " + m));
        var failures = EvalReport.TargetFailures(cells);
        Console.WriteLine();
        Console.WriteLine(failures.Count == 0 ? "Targets met." : "Targets missed:\n  " + string.Join("\n  ", failures));
        return failures.Count == 0 ? 0 : 1;
    }

    /// <summary>How many paraphrases of each language share a content word with a relevant item's
    /// description in that language: words the keyword ranking's text index covers too, so the table
    /// can be read knowing how many paraphrases keyword search can reach at all.</summary>
    private static string DescriptionOverlap(IReadOnlyList<EvalQuery> queries, IReadOnlyList<ContentDocument> content)
    {
        var items = content.ToDictionary(c => c.TitleEn!, StringComparer.Ordinal);
        string Description(ContentDocument item, string language) => (language switch
        {
            "he" => item.Description,
            "es" => item.DescriptionEs,
            _ => item.DescriptionEn,
        }) ?? "";

        var counts = EvalSet.Languages.Select(language =>
        {
            var paraphrases = queries.Where(q => q.Language == language && q.Kind == "paraphrase").ToList();
            var sharing = paraphrases.Count(q => q.Relevant.Any(title => TitleOverlap.SharedWords(q.Query, Description(items[title], language), language).Count > 0));
            return $"{language} {sharing} of {paraphrases.Count}";
        });
        return $"Paraphrases sharing a content word with a relevant item's description: {string.Join(", ", counts)}.";
    }

    /// <summary>The texts of <paramref name="item"/> the catalog's keyword index covers.</summary>
    private static EvalItem EvalItemOf(ContentDocument item) => new(
        new Localized(item.Title, item.TitleEn ?? "", item.TitleEs ?? ""),
        new Localized(item.Description ?? "", item.DescriptionEn ?? "", item.DescriptionEs ?? ""),
        item.Director is null ? item.Cast : [.. item.Cast, item.Director]);

    private static RetrievalMode Mode(string mode) => mode switch
    {
        "keyword" => RetrievalMode.Keyword,
        "vector" => RetrievalMode.Vector,
        "hybrid" => RetrievalMode.Hybrid,
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "The evaluation's modes are keyword, vector and hybrid."),
    };

    /// <summary>Polls until every content item has an embedding, printing progress; false (with
    /// the reason on stderr) after <paramref name="timeout"/>.</summary>
    private static async Task<bool> WaitForEmbeddingsAsync(IMongoDatabase database, TimeSpan timeout)
    {
        var content = await database.GetCollection<BsonDocument>(ContentDocument.CollectionName).CountDocumentsAsync(FilterDefinition<BsonDocument>.Empty);
        var embeddings = database.GetCollection<BsonDocument>(ContentEmbeddingDocument.CollectionName);
        var clock = Stopwatch.StartNew();
        long embedded;
        while ((embedded = await embeddings.CountDocumentsAsync(FilterDefinition<BsonDocument>.Empty)) < content)
        {
            if (clock.Elapsed > timeout)
            {
                Console.Error.WriteLine($"After {timeout.TotalSeconds:0} s only {embedded} of {content} items have an embedding in {ContentEmbeddingDocument.CollectionName}: " +
                    "is the AI search indexer running (its log, GET /api/admin/ai-search/status)?");
                return false;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500));
        }

        Console.WriteLine($"{content} items embedded after {clock.Elapsed.TotalSeconds:0.0} s.");
        return true;
    }
}
