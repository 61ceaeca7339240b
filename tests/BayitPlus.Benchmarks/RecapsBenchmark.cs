extern alias api;

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using api::BayitPlus.Api.Features.Recaps;
using api::BayitPlus.Api.Infrastructure.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Benchmarks;

/// <summary>
/// Catch-up recaps (<c>recaps</c> mode). First the local extractive summarizer alone, on a
/// 15-minute and a 30-minute transcript (a line every 6 s) and on the most sentences it ranks. Then
/// the whole API in process, with the local summarizer: <c>members</c> Beta members ask for the same
/// channel's recap at the same moment (one summarization must serve them all, each charged once),
/// then all ask again (their recap, free), then every member asks for one of <c>channels</c>
/// channels in one of three languages at once (one summary per channel: the local summarizer
/// answers in the transcript's language whatever is asked). Afterwards the stored summaries, recaps and charges
/// are counted, and the run fails on any mismatch.
/// </summary>
internal static class RecapsBenchmark
{
    private const int Credits = 1_000;
    private const int Price = 5;
    private static readonly string[] Languages = ["he", "en", "es"];

    public static async Task<IReadOnlyList<Result>> RunAsync(string connectionString, IMongoClient client, string databaseName, int members, int channels)
    {
        List<Result> results =
        [
            Summarizer("extractive summary, 15-minute transcript (150 lines)", Transcript(150), 200),
            Summarizer("extractive summary, 30-minute transcript (300 lines)", Transcript(300), 100),
            Summarizer($"extractive summary, {ExtractiveSummarizer.MaxSentences} sentences (its bound)", Transcript(ExtractiveSummarizer.MaxSentences), 30),
        ];

        await using var host = new BenchmarkApiHost(connectionString, databaseName, new Dictionary<string, string>());
        var database = client.GetDatabase(databaseName);
        await Task.WhenAll(host.Services.GetRequiredService<ReadinessGates>().Gates.Select(g => g.Settled)).WaitAsync(TimeSpan.FromMinutes(1));
        var users = Enumerable.Range(0, members).Select(_ => ObjectId.GenerateNewId()).ToArray();
        var channelIds = Enumerable.Range(0, channels + 1).Select(_ => ObjectId.GenerateNewId().ToString()).ToArray();
        await SeedAsync(database, users, channelIds);
        var tokens = users.Select(u => BenchmarkAccounts.Token(host, u)).ToArray();

        var burst = await AskAllAsync(host, tokens, _ => (channelIds[0], "en"));
        results.Add(Summary($"POST recaps, {members} members on one channel at once", burst));
        var repeat = await AskAllAsync(host, tokens, _ => (channelIds[0], "en"));
        results.Add(Summary($"POST recaps, the same {members} again (their recap, free)", repeat));
        var spread = await AskAllAsync(host, tokens, i => (channelIds[1 + (i % channels)], Languages[i / channels % Languages.Length]));
        results.Add(Summary($"POST recaps, {members} members over {channels} channels × 3 languages", spread));

        // The local summarizer cannot translate: one summary per channel serves its three languages.
        var shared = host.Services.GetRequiredService<SharedRecaps>();
        var spreadKeys = Enumerable.Range(0, members).Select(i => (channelIds[1 + (i % channels)], shared.KeyLanguage(Languages[i / channels % Languages.Length]))).Distinct().Count();
        await VerifyAsync(database, members, channelIds[0], spreadKeys, burst, repeat);
        return results;
    }

    private static Result Summarizer(string name, List<TranscriptLine> transcript, int runs)
    {
        ExtractiveSummarizer.Summarize(transcript, "en");
        var micros = new List<double>();
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < runs; i++)
        {
            var started = Stopwatch.GetTimestamp();
            ExtractiveSummarizer.Summarize(transcript, "en");
            micros.Add(Stopwatch.GetElapsedTime(started).TotalMicroseconds);
        }

        var perRun = (GC.GetAllocatedBytesForCurrentThread() - allocated) / runs;
        Console.WriteLine($"{name}: {perRun / 1024.0 / 1024.0:F1} MB allocated per summary");
        var sorted = micros.Order().ToArray();
        return new Result(name, transcript.Count, runs, runs / clock.Elapsed.TotalSeconds, sorted[sorted.Length / 2], sorted[(int)(sorted.Length * 0.99)]);
    }

    /// <summary>A bulletin of <paramref name="lines"/> varied sentences (subjects and places mixed, so
    /// the ranking has overlaps to weigh), one line every 6 seconds.</summary>
    private static List<TranscriptLine> Transcript(int lines)
    {
        string[] subjects = ["The storm", "The government", "The festival", "The match", "The startup", "The hospital", "The court", "The museum"];
        string[] verbs = ["reached", "surprised", "closed", "opened", "divided", "delayed", "lifted", "changed"];
        string[] places = ["Haifa", "the northern coast", "Jerusalem", "the Negev", "Tel Aviv", "the Galilee", "Eilat"];
        var start = DateTime.UtcNow.AddMinutes(-30);
        return [.. Enumerable.Range(0, lines).Select(i => new TranscriptLine(
            $"{subjects[i % subjects.Length]} {verbs[i * 3 % verbs.Length]} {places[i * 5 % places.Length]} in report {i % 37} of the evening.",
            start.AddSeconds(i * 6), start.AddSeconds((i * 6) + 6), "en", null))];
    }

    private static async Task SeedAsync(IMongoDatabase database, ObjectId[] users, string[] channels)
    {
        var now = DateTime.UtcNow;
        await BenchmarkAccounts.StoreAsync(database, users, "Benchmark member", now);
        await database.GetCollection<BsonDocument>("betauser").InsertManyAsync(users.Select(id => new BsonDocument
        {
            ["user_id"] = id.ToString(),
            ["email"] = $"{id}@bayitplus.test",
            ["credits_balance"] = Credits,
            ["total_credits_granted"] = Credits,
            ["fraud_score"] = 0.0,
            ["fingerprint_hash"] = id.ToString(),
            ["is_active"] = true,
            ["enrolled_at"] = now,
            ["last_credit_update"] = now,
            ["expires_at"] = now.AddDays(90),
        }));
        await database.GetCollection<BsonDocument>("livechannel").InsertManyAsync(channels.Select((id, i) => new BsonDocument
        {
            ["_id"] = ObjectId.Parse(id),
            ["channel_name"] = $"Benchmark channel {i}",
            ["channel_number"] = 1_000 + i,
            ["stream_url"] = "https://streams.example/live.m3u8",
            ["is_active"] = true,
            ["created_at"] = now,
        }));

        // Ten minutes of speech per channel, a line every 6 s, ending a minute ago.
        var transcript = Transcript(100);
        var first = now.AddMinutes(-11);
        await database.GetCollection<BsonDocument>(LiveTranscriptSegmentDocument.CollectionName).InsertManyAsync(channels.SelectMany(channel => transcript.Select((line, i) =>
        {
            var start = first.AddSeconds(i * 6);
            return new BsonDocument
            {
                ["segment_key"] = IngestTranscript.KeyOf(channel, start, line.Text),
                ["channel_id"] = channel,
                ["text"] = line.Text,
                ["start_time"] = start,
                ["end_time"] = start.AddSeconds(6),
                ["language"] = "en",
                ["received_at"] = now,
            };
        })));
    }

    private static async Task<Run> AskAllAsync(BenchmarkApiHost host, string[] tokens, Func<int, (string Channel, string Language)> ask)
    {
        var micros = new ConcurrentBag<double>();
        var bodies = new ConcurrentBag<RecapBody>();
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(tokens.Select((token, i) => Task.Run(async () =>
        {
            using var http = host.CreateClient();
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            var (channel, language) = ask(i);
            var started = Stopwatch.GetTimestamp();
            using var response = await http.PostAsJsonAsync($"/api/live/channels/{channel}/recaps", new { windowMinutes = 15, language });
            micros.Add(Stopwatch.GetElapsedTime(started).TotalMicroseconds);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw new InvalidOperationException($"A recap was answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            }

            bodies.Add((await response.Content.ReadFromJsonAsync<RecapBody>())!);
        })));
        return new Run(micros, bodies, clock.Elapsed);
    }

    /// <summary>Fails the run unless the burst made one summary and one charged recap per member, the
    /// repeat was free, and the spread made one summary per channel and language asked.</summary>
    private static async Task VerifyAsync(IMongoDatabase database, int members, string burstChannel, int spreadSummaries, Run burst, Run repeat)
    {
        var summaries = database.GetCollection<BsonDocument>(RecapSummaryDocument.CollectionName);
        var burstMade = await summaries.CountDocumentsAsync(new BsonDocument("channel_id", burstChannel));
        var spreadMade = await summaries.CountDocumentsAsync(new BsonDocument("channel_id", new BsonDocument("$ne", burstChannel)));
        var recaps = await database.GetCollection<BsonDocument>(RecapSessionDocument.CollectionName).CountDocumentsAsync(FilterDefinition<BsonDocument>.Empty);
        var charges = await database.GetCollection<BsonDocument>("betacredittransaction").CountDocumentsAsync(new BsonDocument("feature_used", CreateRecap.Feature));
        Console.WriteLine($"Recaps verified: {burstMade} summary for the burst, {spreadMade} for the spread, {recaps} recaps, {charges} charges.");
        if (burstMade != 1 || spreadMade != spreadSummaries || recaps != 2L * members || charges != 2L * members
            || burst.Bodies.Any(b => b.Cached || b.CreditsCharged != Price) || repeat.Bodies.Any(b => !b.Cached || b.CreditsCharged != 0))
        {
            throw new InvalidOperationException("The recaps' summaries, charges or cache flags are not what the run asked for.");
        }
    }

    private static Result Summary(string name, Run run)
    {
        var sorted = run.Micros.Order().ToArray();
        return new Result(name, 0, sorted.Length, sorted.Length / run.Elapsed.TotalSeconds, sorted[sorted.Length / 2], sorted[(int)(sorted.Length * 0.99)]);
    }

    private sealed record Run(ConcurrentBag<double> Micros, ConcurrentBag<RecapBody> Bodies, TimeSpan Elapsed);

    private sealed record RecapBody(bool Cached, int CreditsCharged);
}
