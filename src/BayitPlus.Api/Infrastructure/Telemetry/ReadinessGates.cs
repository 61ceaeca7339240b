using System.Diagnostics;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace BayitPlus.Api.Infrastructure.Telemetry;

/// <summary>
/// The start-up work clients depend on (indexes, migrations, a slice's seed data or first account):
/// <c>/health/ready</c> answers 200 only once every gate opened here is complete. A start-up task
/// opens its gate in its constructor — hosted services are all constructed before the server
/// starts listening, so readiness never answers 200 before a gate exists — then completes or fails
/// it when its work ends. Infrastructure names no slice: each task names its own gate.
/// </summary>
public sealed partial class ReadinessGates(ILogger<ReadinessGates> logger)
{
    private readonly Lock _lock = new();
    private readonly List<ReadinessGate> _gates = [];
    private bool _announced;

    /// <summary>Every gate opened so far.</summary>
    public IReadOnlyList<ReadinessGate> Gates
    {
        get
        {
            lock (_lock)
            {
                return [.. _gates];
            }
        }
    }

    /// <summary>Opens a gate named for what clients wait for (the work, in a few words).</summary>
    public ReadinessGate Open(string name)
    {
        var gate = new ReadinessGate(name, this);
        lock (_lock)
        {
            _gates.Add(gate);
            _announced = false;
        }

        return gate;
    }

    /// <summary>Logs one line once the last pending gate settles: how long each piece of start-up
    /// work took (its commands are not reported one by one as slow, see MongoCommandMetrics), or
    /// which failed.</summary>
    internal void OnGateSettled()
    {
        lock (_lock)
        {
            if (_announced || _gates.Any(g => !g.Settled.IsCompleted))
            {
                return;
            }

            _announced = true;
            var failed = _gates.Where(g => g.Failure is not null).ToList();
            if (failed.Count == 0)
            {
                LogReady(logger, string.Join(", ", _gates.Select(g => $"{g.Name} {g.Elapsed.TotalSeconds:F1} s")));
            }
            else
            {
                LogNotReady(logger, string.Join("; ", failed.Select(g => $"{g.Name}: {g.Failure}")));
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Ready: start-up work done ({Work})")]
    private static partial void LogReady(ILogger logger, string work);

    [LoggerMessage(Level = LogLevel.Error, Message = "Not ready until the next start: start-up work failed ({Failures})")]
    private static partial void LogNotReady(ILogger logger, string failures);
}

/// <summary>One piece of start-up work, from <see cref="ReadinessGates.Open"/> until it is complete
/// or has failed.</summary>
public sealed class ReadinessGate
{
    private readonly ReadinessGates _owner;
    private readonly long _opened = Stopwatch.GetTimestamp();
    private readonly TaskCompletionSource _settled = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _lock = new();

    internal ReadinessGate(string name, ReadinessGates owner)
    {
        Name = name;
        _owner = owner;
    }

    public string Name { get; }

    /// <summary>Completes (never faults) once the work is done or has failed; see <see cref="Failure"/>.</summary>
    public Task Settled => _settled.Task;

    /// <summary>Why the work failed; null while it is pending or once it is done.</summary>
    public string? Failure { get; private set; }

    /// <summary>From opening to settling; zero while pending.</summary>
    public TimeSpan Elapsed { get; private set; }

    public void Complete() => Settle(null);

    /// <summary>The work will not be done in this run: readiness stays 503 and names the reason.</summary>
    public void Fail(string reason) => Settle(reason);

    private void Settle(string? failure)
    {
        lock (_lock)
        {
            if (Settled.IsCompleted)
            {
                return;
            }

            // Written before the task completes, so whoever sees it completed reads them final.
            Failure = failure;
            Elapsed = Stopwatch.GetElapsedTime(_opened);
            _settled.SetResult();
        }

        _owner.OnGateSettled();
    }
}

/// <summary>Unhealthy while any gate is pending or failed; the description names them.</summary>
public sealed class ReadinessGatesCheck(ReadinessGates gates) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var all = gates.Gates;
        var pending = all.Where(g => !g.Settled.IsCompleted).Select(g => g.Name).ToList();
        var problems = all.Where(g => g.Settled.IsCompleted && g.Failure is not null).Select(g => $"{g.Name} failed: {g.Failure}").ToList();
        if (pending.Count == 0 && problems.Count == 0)
        {
            return Task.FromResult(HealthCheckResult.Healthy());
        }

        if (pending.Count > 0)
        {
            problems.Add($"waiting for {string.Join(", ", pending)}");
        }

        return Task.FromResult(HealthCheckResult.Unhealthy(string.Join("; ", problems)));
    }
}
