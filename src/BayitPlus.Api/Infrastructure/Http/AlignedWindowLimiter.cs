using System.Threading.RateLimiting;

namespace BayitPlus.Api.Infrastructure.Http;

/// <summary>
/// A fixed-window limiter whose windows start at whole multiples of their length since the Unix
/// epoch, so the moment the current window ends follows from the clock alone: the rate-limit
/// headers need it, and the built-in <see cref="FixedWindowRateLimiter"/> keeps it to itself.
/// No queue: a request over the limit is refused at once, with the time left in the window as
/// its <see cref="MetadataName.RetryAfter"/>.
/// </summary>
public sealed class AlignedWindowLimiter(int permitLimit, TimeSpan window, TimeProvider time) : RateLimiter
{
    private static readonly RateLimitLease Granted = new Lease(null);

    private readonly Lock _gate = new();
    private long _window = long.MinValue;
    private int _used;
    private long _successful;
    private long _failed;
    private long _lastGranted = time.GetTimestamp();

    /// <summary>Idle (and so safe for its partitioned limiter to drop) once the current window has
    /// taken no permit: a new limiter would start in the same state.</summary>
    public override TimeSpan? IdleDuration
    {
        get
        {
            lock (_gate)
            {
                Roll(time.GetUtcNow());
                return _used == 0 ? time.GetElapsedTime(_lastGranted) : null;
            }
        }
    }

    /// <summary>How long until the window <paramref name="now"/> falls in ends: between a tick and the window's length.</summary>
    public static TimeSpan UntilReset(DateTimeOffset now, TimeSpan window) =>
        TimeSpan.FromTicks(window.Ticks - ((now - DateTimeOffset.UnixEpoch).Ticks % window.Ticks));

    public override RateLimiterStatistics GetStatistics()
    {
        lock (_gate)
        {
            Roll(time.GetUtcNow());
            return new RateLimiterStatistics
            {
                CurrentAvailablePermits = permitLimit - _used,
                CurrentQueuedCount = 0,
                TotalSuccessfulLeases = _successful,
                TotalFailedLeases = _failed,
            };
        }
    }

    protected override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(permitCount, permitLimit);
        lock (_gate)
        {
            var now = time.GetUtcNow();
            Roll(now);

            // As the built-in limiters: zero permits asks whether any is left.
            if (permitCount == 0 ? _used < permitLimit : _used + permitCount <= permitLimit)
            {
                _used += permitCount;
                _successful++;
                _lastGranted = time.GetTimestamp();
                return Granted;
            }

            _failed++;
            return new Lease(UntilReset(now, window));
        }
    }

    protected override ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken) =>
        ValueTask.FromResult(AttemptAcquireCore(permitCount));

    private void Roll(DateTimeOffset now)
    {
        var current = (now - DateTimeOffset.UnixEpoch).Ticks / window.Ticks;
        if (current != _window)
        {
            _window = current;
            _used = 0;
        }
    }

    /// <summary>Granted when it has no wait; nothing to release (a fixed window gives no permit back).</summary>
    private sealed class Lease(TimeSpan? retryAfter) : RateLimitLease
    {
        public override bool IsAcquired => retryAfter is null;

        public override IEnumerable<string> MetadataNames => retryAfter is null ? [] : [MetadataName.RetryAfter.Name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = retryAfter is { } wait && metadataName == MetadataName.RetryAfter.Name ? wait : null;
            return metadata is not null;
        }
    }
}
