using System.Diagnostics.Metrics;
using System.Threading.Channels;
using BayitPlus.Api.Infrastructure.Mongo;
using BayitPlus.Api.Infrastructure.Security;
using BayitPlus.Api.Infrastructure.Telemetry;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.Audit;

/// <summary>Queues security events without blocking the request that records them and writes them
/// to <c>securityauditlog</c> in batches from the background. High and critical events are also
/// logged, and every event is counted in <c>bayitplus.security.events</c> by type and severity.</summary>
public sealed partial class SecurityEventWriter(MongoContext db, TimeProvider time, ILogger<SecurityEventWriter> logger)
    : BackgroundService, ISecurityEvents
{
    public const int MaxBatch = 500;
    private const int Attempts = 4;
    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(100);

    private static readonly Counter<long> Events = BayitPlusTelemetry.Meter.CreateCounter<long>(
        "bayitplus.security.events", description: "Security events recorded, by event_type and severity");

    // Unbounded on purpose: no event may be lost under a burst, and a bounded queue would have to
    // either drop events or block the request path. Each event is a few hundred bytes and the
    // writer drains in batches of up to MaxBatch, so a burst costs memory only briefly.
    private readonly Channel<SecurityEventDocument> _queue = Channel.CreateUnbounded<SecurityEventDocument>(
        new UnboundedChannelOptions { SingleReader = true, SingleWriter = false });

    private long _queued;
    private long _handled;
    private TaskCompletionSource _progress = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Record(SecurityEvent securityEvent)
    {
        ArgumentNullException.ThrowIfNull(securityEvent);
        Events.Add(1, new("event_type", securityEvent.EventType), new("severity", securityEvent.Severity));
        if (securityEvent.Severity == Severity.Critical)
        {
            LogCritical(logger, securityEvent.EventType, securityEvent.UserId, securityEvent.IpAddress);
        }
        else if (securityEvent.Severity == Severity.High)
        {
            LogHigh(logger, securityEvent.EventType, securityEvent.UserId, securityEvent.IpAddress);
        }

        Interlocked.Increment(ref _queued);
        _queue.Writer.TryWrite(new SecurityEventDocument
        {
            Id = ObjectId.GenerateNewId().ToString(),
            EventType = securityEvent.EventType,
            Severity = securityEvent.Severity,
            UserId = securityEvent.UserId,
            IpAddress = securityEvent.IpAddress,
            Details = securityEvent.Details,
            CreatedAt = time.GetUtcNow().UtcDateTime,
        });
    }

    /// <summary>Completes once every event recorded before the call has been written (or given up
    /// on after the retries, which is logged).</summary>
    public async Task FlushAsync(CancellationToken ct)
    {
        var target = Interlocked.Read(ref _queued);
        while (true)
        {
            // Read before the check: a batch that finishes in between completes this very task.
            var progress = Volatile.Read(ref _progress);
            if (Interlocked.Read(ref _handled) >= target)
            {
                return;
            }

            await progress.Task.WaitAsync(ct);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stoppingToken))
            {
                await WriteBatchAsync();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: what is still queued is written below.
        }

        while (_queue.Reader.TryPeek(out _))
        {
            await WriteBatchAsync();
        }
    }

    /// <summary>Writes are not cancelled by shutdown: a batch taken from the queue is written or
    /// retried to the end, so stopping the host loses nothing that was recorded.</summary>
    private async Task WriteBatchAsync()
    {
        var batch = new List<SecurityEventDocument>(MaxBatch);
        while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var queued))
        {
            batch.Add(queued);
        }

        await InsertWithRetriesAsync(batch);
        Interlocked.Add(ref _handled, batch.Count);
        Interlocked.Exchange(ref _progress, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    private async Task InsertWithRetriesAsync(List<SecurityEventDocument> batch)
    {
        var collection = db.Collection<SecurityEventDocument>(SecurityEventDocument.CollectionName);
        var delay = FirstRetryDelay;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await collection.InsertManyAsync(batch, new InsertManyOptions { IsOrdered = false });
                return;
            }
            catch (MongoBulkWriteException<SecurityEventDocument> error)
                when (error.WriteConcernError is null && error.WriteErrors.All(w => w.Category == ServerErrorCategory.DuplicateKey))
            {
                // Only events an earlier attempt already stored were refused (ids are fixed at queue time).
                return;
            }
            catch (Exception error) when (error is MongoException or TimeoutException && attempt < Attempts)
            {
                LogRetrying(logger, error, batch.Count, attempt);
                await Task.Delay(delay);
                delay *= 4;
            }
            catch (Exception error) when (error is MongoException or TimeoutException)
            {
                LogLost(logger, error, batch.Count);
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Security event {EventType} (high) for user {UserId} from {IpAddress}")]
    private static partial void LogHigh(ILogger logger, string eventType, string? userId, string? ipAddress);

    [LoggerMessage(Level = LogLevel.Error, Message = "Security event {EventType} (critical) for user {UserId} from {IpAddress}")]
    private static partial void LogCritical(ILogger logger, string eventType, string? userId, string? ipAddress);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Writing {Count} security events failed (attempt {Attempt}); retrying")]
    private static partial void LogRetrying(ILogger logger, Exception error, int count, int attempt);

    [LoggerMessage(Level = LogLevel.Error, Message = "Writing {Count} security events failed after every retry; they are lost")]
    private static partial void LogLost(ILogger logger, Exception error, int count);
}
