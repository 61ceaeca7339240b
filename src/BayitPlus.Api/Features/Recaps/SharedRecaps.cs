using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using BayitPlus.Api.Infrastructure.Mongo;
using BayitPlus.Api.Infrastructure.Telemetry;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.Recaps;

/// <summary>A window of a channel's transcript, asked for in a language.</summary>
public sealed record RecapRequest(string ChannelId, int WindowMinutes, string Language);

/// <summary>The transcript of a window: its lines in time order, the seconds of speech they cover
/// within the window, and their characters.</summary>
public sealed record WindowTranscript(IReadOnlyList<TranscriptLine> Lines, double Seconds, int Length);

/// <summary>
/// One summarization per (channel, window length, language) at a time, shared by every instance
/// through MongoDB: the newest live summary is reused until it expires (<c>Recaps:RecapLifetime</c>);
/// when there is none, the first request claims the current window (ending at the last whole minute)
/// by inserting its id, and every other request, here or on another instance, waits for that one
/// instead of summarizing again. A claimer that dies leaves a claim that lapses after the timeout, so
/// another request takes over; a failure is remembered for <c>Recaps:RetryAfterFailure</c>, so a
/// failing model is not called again by everyone waiting.
/// </summary>
public sealed partial class SharedRecaps(MongoContext db, IRecapSummarizer summarizer, RecapsSettings settings, TimeProvider time, ILogger<SharedRecaps> logger)
{
    /// <summary>The newest segments read for one window, at most (a window holds far fewer).</summary>
    public const int MaxSegmentsRead = 3_000;

    /// <summary>How long after the timeout a claim still holds: time for its claimer to store the
    /// result after the summarizer answered at the last moment.</summary>
    private static readonly TimeSpan ClaimGrace = TimeSpan.FromSeconds(10);

    private static readonly TimeSpan FirstPoll = TimeSpan.FromMilliseconds(25);
    private static readonly TimeSpan MaxPoll = TimeSpan.FromMilliseconds(400);

    private static readonly Counter<long> Summarizations = BayitPlusTelemetry.Meter.CreateCounter<long>(
        "bayitplus.recaps.summarizations", unit: "{summarization}",
        description: "Recap summarizations, by outcome (ready, failed, not_enough_transcript, claim_lost); reused summaries are not counted.");

    /// <summary>The lookups in progress on this instance, one per request key: the requests that
    /// arrive meanwhile await it instead of reading the database themselves.</summary>
    private readonly ConcurrentDictionary<RecapRequest, Task<RecapSummaryDocument>> _inFlight = new();

    public IMongoCollection<RecapSummaryDocument> Summaries => db.Collection<RecapSummaryDocument>(RecapSummaryDocument.CollectionName);

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    /// <summary>The language a request's summary is shared under: the one asked when the summarizer
    /// translates, else <see cref="RecapSummaryDocument.OriginalLanguage"/> for all three.</summary>
    public string KeyLanguage(string asked) => summarizer.Translates ? asked : RecapSummaryDocument.OriginalLanguage;

    /// <summary>A ready summary for the request: reused, awaited or made. Throws a 422
    /// <see cref="RecapException"/> for too little transcript and a 503 one when the summarizer fails
    /// or the wait outlasts <c>Recaps:Timeout</c>. <paramref name="cancellationToken"/> ends this
    /// caller's wait only: the lookup goes on for the others.</summary>
    public Task<RecapSummaryDocument> GetAsync(RecapRequest request, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (_inFlight.TryGetValue(request, out var running))
            {
                return running.WaitAsync(cancellationToken);
            }

            var lookup = new TaskCompletionSource<RecapSummaryDocument>(TaskCreationOptions.RunContinuationsAsynchronously);
            if (_inFlight.TryAdd(request, lookup.Task))
            {
                // Not in the first caller's trace and logging scope: the work is everyone's.
                using (ExecutionContext.SuppressFlow())
                {
                    _ = Task.Run(() => LookUpAsync(request, lookup), CancellationToken.None);
                }

                return lookup.Task.WaitAsync(cancellationToken);
            }
        }
    }

    private async Task LookUpAsync(RecapRequest request, TaskCompletionSource<RecapSummaryDocument> lookup)
    {
        // A bound on the whole lookup, so a database call that never answers (a half-open
        // connection) cannot hold the key on this instance: a wait, a takeover and its summary.
        using var budget = new CancellationTokenSource((settings.Timeout * 2) + ClaimGrace + ClaimGrace);
        try
        {
            var summary = await FindOrMakeAsync(request, budget.Token);
            _inFlight.TryRemove(KeyValuePair.Create(request, lookup.Task));
            lookup.SetResult(summary);
        }
        catch (Exception error)
        {
            // Handed to every request waiting for it, which answers with it (a 422, a 503, or the
            // database's failure); the next request looks again.
            _inFlight.TryRemove(KeyValuePair.Create(request, lookup.Task));
            lookup.SetException(error is OperationCanceledException && budget.IsCancellationRequested
                ? RecapException.Unavailable("The recap is taking too long to make; nothing was charged. Try again shortly.", settings.RetryAfterFailure)
                : error);
        }
    }

    /// <summary>Bounded by <paramref name="budget"/>, not by any one request.</summary>
    private async Task<RecapSummaryDocument> FindOrMakeAsync(RecapRequest request, CancellationToken budget)
    {
        var waiting = Stopwatch.StartNew();
        var poll = FirstPoll;
        while (true)
        {
            var now = Now;
            var current = await Summaries
                .Find(s => s.ChannelId == request.ChannelId && s.WindowMinutes == request.WindowMinutes && s.Language == request.Language && s.ExpiresAt > now)
                .SortByDescending(s => s.CreatedAt)
                .FirstOrDefaultAsync(budget);
            switch (current?.Status)
            {
                case RecapSummaryStatus.Ready:
                    return current;
                case RecapSummaryStatus.Failed:
                    throw RecapException.Unavailable("The last attempt to summarize this channel failed; nothing was charged. Try again shortly.", current.ExpiresAt - now);
                case null when await TryClaimAsync(request, now, budget) is { } claimed:
                    return await SummarizeAsync(claimed, budget);
            }

            // Pending elsewhere (or claimed a moment ago by another request): wait for it.
            if (waiting.Elapsed > settings.Timeout + ClaimGrace)
            {
                throw RecapException.Unavailable("The recap is taking too long to make; nothing was charged. Try again shortly.", settings.RetryAfterFailure);
            }

            await Task.Delay(poll, budget);
            poll = poll * 2 < MaxPoll ? poll * 2 : MaxPoll;
        }
    }

    /// <summary>Claims the current window by inserting its id, or by replacing an expired summary
    /// still stored under it; null when another request holds it.</summary>
    private async Task<RecapSummaryDocument?> TryClaimAsync(RecapRequest request, DateTime now, CancellationToken budget)
    {
        var end = new DateTime(now.Ticks - (now.Ticks % TimeSpan.TicksPerMinute), DateTimeKind.Utc);
        var claim = new RecapSummaryDocument
        {
            Id = string.Create(CultureInfo.InvariantCulture, $"{request.ChannelId}:{end:yyyyMMdd'T'HHmm}:{request.WindowMinutes}:{request.Language}"),
            Computation = ObjectId.GenerateNewId().ToString(),
            ChannelId = request.ChannelId,
            WindowMinutes = request.WindowMinutes,
            Language = request.Language,
            WindowStart = end.AddMinutes(-request.WindowMinutes),
            WindowEnd = end,
            Status = RecapSummaryStatus.Pending,
            CreatedAt = now,
            ExpiresAt = now + settings.Timeout + ClaimGrace,
            PurgeAt = now + settings.Timeout + ClaimGrace + RecapSummaryDocument.PurgeDelay,
        };
        try
        {
            await Summaries.ReplaceOneAsync(s => s.Id == claim.Id && s.ExpiresAt <= now, claim, new ReplaceOptions { IsUpsert = true }, budget);
            return claim;
        }
        catch (MongoException error) when (MongoErrors.IsDuplicateKey(error))
        {
            return null;
        }
    }

    /// <summary>Makes the claimed summary and stores it for the others. Bounded by the timeout alone,
    /// not by the claiming request: others are waiting for it even if that client has gone.</summary>
    private async Task<RecapSummaryDocument> SummarizeAsync(RecapSummaryDocument claim, CancellationToken budget)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(budget);
        timeout.CancelAfter(settings.Timeout);
        try
        {
            var transcript = await ReadTranscriptAsync(claim.ChannelId, claim.WindowStart, claim.WindowEnd, timeout.Token);

            // A short window cannot hold a minute of speech with the pauses captions leave.
            var required = Math.Min(settings.MinTranscriptSeconds, claim.WindowMinutes * 30);
            if (transcript.Seconds < required)
            {
                throw await NothingToSummarizeAsync(claim, RecapException.NotEnoughTranscript(transcript.Seconds, required, claim.WindowMinutes));
            }

            var summary = await summarizer.SummarizeAsync(transcript.Lines, claim.Language, timeout.Token);

            claim.Status = RecapSummaryStatus.Ready;
            claim.Summary = summary.Summary;
            claim.KeyPoints = [.. summary.KeyPoints];
            claim.SummaryLanguage = summary.Language;
            claim.TranscriptLength = transcript.Length;
            claim.ExpiresAt = Now + settings.RecapLifetime;
            claim.PurgeAt = claim.ExpiresAt + RecapSummaryDocument.PurgeDelay;
            var stored = await Summaries.ReplaceOneAsync(s => s.Id == claim.Id && s.Computation == claim.Computation, claim, cancellationToken: budget);
            if (stored.MatchedCount == 0)
            {
                // Another instance took the claim over (its clock ran ahead of this one's): this
                // request still answers with its summary, which no one else will reuse.
                LogClaimLost(logger, claim.Id);
                Summarizations.Add(1, new KeyValuePair<string, object?>("outcome", "claim_lost"));
                return claim;
            }

            Summarizations.Add(1, new KeyValuePair<string, object?>("outcome", "ready"));
            return claim;
        }
        catch (Exception error) when (error is SummarizerFailedException || (error is OperationCanceledException && timeout.IsCancellationRequested))
        {
            LogSummarizerFailed(logger, error, claim.ChannelId, claim.Language);
            Summarizations.Add(1, new KeyValuePair<string, object?>("outcome", "failed"));
            await MarkFailedAsync(claim);
            throw RecapException.Unavailable(
                error is OperationCanceledException
                    ? "The recap took too long to make; nothing was charged. Try again shortly."
                    : "The recap could not be made; nothing was charged. Try again shortly.",
                settings.RetryAfterFailure);
        }
        catch (Exception error) when (error is not RecapException)
        {
            // The database failed: the claim is let go so the next request tries at once.
            await ReleaseAsync(claim);
            throw;
        }
    }

    /// <summary>Lets the claim go (not remembered: the transcript may arrive any second) and returns
    /// the 422 to throw.</summary>
    private async Task<RecapException> NothingToSummarizeAsync(RecapSummaryDocument claim, RecapException problem)
    {
        await ReleaseAsync(claim);
        Summarizations.Add(1, new KeyValuePair<string, object?>("outcome", "not_enough_transcript"));
        return problem;
    }

    private async Task MarkFailedAsync(RecapSummaryDocument claim)
    {
        using var bound = new CancellationTokenSource(ClaimGrace);
        try
        {
            await Summaries.UpdateOneAsync(
                s => s.Id == claim.Id && s.Computation == claim.Computation,
                Builders<RecapSummaryDocument>.Update
                    .Set(s => s.Status, RecapSummaryStatus.Failed)
                    .Set(s => s.ExpiresAt, Now + settings.RetryAfterFailure)
                    .Set(s => s.PurgeAt, Now + settings.RetryAfterFailure + RecapSummaryDocument.PurgeDelay),
                cancellationToken: bound.Token);
        }
        catch (Exception error) when (error is MongoException or OperationCanceledException)
        {
            // The claim then lapses on its own, after the timeout.
            LogClaimNotUpdated(logger, error, claim.Id);
        }
    }

    private async Task ReleaseAsync(RecapSummaryDocument claim)
    {
        using var bound = new CancellationTokenSource(ClaimGrace);
        try
        {
            await Summaries.DeleteOneAsync(s => s.Id == claim.Id && s.Computation == claim.Computation, bound.Token);
        }
        catch (Exception error) when (error is MongoException or OperationCanceledException)
        {
            LogClaimNotUpdated(logger, error, claim.Id);
        }
    }

    /// <summary>The segments that overlap the window (a segment lasts at most
    /// <see cref="IngestTranscript.MaxSegmentLength"/>, so the read starts that much earlier on the
    /// channel_id + start_time index), the newest <see cref="MaxSegmentsRead"/> at most.</summary>
    public async Task<WindowTranscript> ReadTranscriptAsync(string channelId, DateTime start, DateTime end, CancellationToken cancellationToken)
    {
        var from = start - IngestTranscript.MaxSegmentLength;
        var found = await db.Collection<LiveTranscriptSegmentDocument>(LiveTranscriptSegmentDocument.CollectionName)
            .Find(s => s.ChannelId == channelId && s.StartTime >= from && s.StartTime < end)
            .SortByDescending(s => s.StartTime)
            .Limit(MaxSegmentsRead)
            .ToListAsync(cancellationToken);
        List<TranscriptLine> lines =
        [
            .. found.Where(s => s.EndTime > start)
                .OrderBy(s => s.StartTime).ThenBy(s => s.EndTime).ThenBy(s => s.Text, StringComparer.Ordinal)
                .Select(s => new TranscriptLine(s.Text, s.StartTime, s.EndTime, s.Language, s.Speaker)),
        ];
        // Captions of music or noise ("♪♪") fill time with nothing to summarize: they do not count.
        var spoken = lines.Where(line => Words.Of(line.Text, line.Language).Count > 0);
        return new WindowTranscript(lines, CoveredSeconds(spoken, start, end), lines.Sum(line => line.Text.Length));
    }

    /// <summary>Seconds of the window during which someone was speaking: the union of the lines'
    /// spans, cut to the window, so overlapping captions are not counted twice.</summary>
    public static double CoveredSeconds(IEnumerable<TranscriptLine> lines, DateTime start, DateTime end)
    {
        var covered = TimeSpan.Zero;
        var reached = start;
        foreach (var line in lines.OrderBy(l => l.StartTime))
        {
            var from = line.StartTime > reached ? line.StartTime : reached;
            var to = line.EndTime < end ? line.EndTime : end;
            if (to > from)
            {
                covered += to - from;
                reached = to;
            }
        }

        return covered.TotalSeconds;
    }

    /// <summary>The id of a user's recap of a summary: the same for the same pair, so a user holds a
    /// summary once however many requests race. It leads with the summary's own creation time (the
    /// first 4 bytes of its ObjectId), so it dates and sorts like any ObjectId.</summary>
    public static string SessionId(string userId, string computation)
    {
        var bytes = new byte[12];
        Convert.FromHexString(computation.AsSpan(0, 8)).CopyTo(bytes, 0);
        SHA256.HashData(Encoding.UTF8.GetBytes($"{userId}:{computation}")).AsSpan(0, 8).CopyTo(bytes.AsSpan(4));
        return new ObjectId(bytes).ToString();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Recap summarizer failed for channel {ChannelId} in {Language}")]
    private static partial void LogSummarizerFailed(ILogger logger, Exception error, string channelId, string language);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Recap claim {ClaimId} was taken over by another instance before its summary was stored; the summary is not shared")]
    private static partial void LogClaimLost(ILogger logger, string claimId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Recap claim {ClaimId} could not be updated; it lapses after the timeout")]
    private static partial void LogClaimNotUpdated(ILogger logger, Exception error, string claimId);
}
