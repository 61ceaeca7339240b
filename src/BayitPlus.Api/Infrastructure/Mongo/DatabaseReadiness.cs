using System.Threading.Channels;
using BayitPlus.Api.Infrastructure.Telemetry;
using MongoDB.Driver;
using MongoDB.Driver.Core.Configuration;
using MongoDB.Driver.Core.Events;
using MongoDB.Driver.Core.Servers;

namespace BayitPlus.Api.Infrastructure.Mongo;

/// <summary>
/// Whether the declared indexes exist. The "indexes" readiness gate completes on their first
/// creation (start-up work awaits <see cref="WhenIndexesReady"/>). After that the database may lose
/// them (restarted empty, a new primary, a restored backup), so the driver's events put them in
/// doubt — a lost or regained connection, a server that restarted, a command that found an index
/// missing — and <see cref="MongoReadinessCheck"/> reports 503 until
/// <see cref="MongoIndexInitializer"/>, woken at once, has checked (and recreated) them.
/// </summary>
public sealed class DatabaseReadiness(ReadinessGates gates)
{
    private const int IndexNotFound = 27;

    private readonly ReadinessGate _indexes = gates.Open("indexes");
    private readonly Channel<bool> _checkRequests = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly Lock _lock = new();
    private long _doubts;
    private string? _problem = "not created yet";

    /// <summary>Completes once every declared index has been created the first time.</summary>
    public Task WhenIndexesReady => _indexes.Settled;

    /// <summary>Why the indexes may be missing now; null while the last check found them all and
    /// nothing has put them in doubt since.</summary>
    public string? IndexProblem
    {
        get
        {
            lock (_lock)
            {
                return _problem;
            }
        }
    }

    /// <summary>Called as a check starts; its result is passed to <see cref="MarkIndexesReady"/>, so
    /// a doubt raised while the check ran is not cleared by it.</summary>
    public long BeginCheck()
    {
        lock (_lock)
        {
            return _doubts;
        }
    }

    public void MarkIndexesReady(long check)
    {
        lock (_lock)
        {
            if (check == _doubts)
            {
                _problem = null;
            }
        }

        _indexes.Complete();
    }

    /// <summary>A check found indexes missing, or could not recreate them.</summary>
    public void MarkIndexesMissing(string problem)
    {
        lock (_lock)
        {
            _problem = problem;
        }
    }

    /// <summary>The indexes may be gone: readiness reports it until the next check, asked for now.</summary>
    public void Doubt(string reason)
    {
        lock (_lock)
        {
            _doubts++;
            _problem ??= reason;
        }

        _checkRequests.Writer.TryWrite(true);
    }

    /// <summary>Returns when a check is asked for, or after <paramref name="timeout"/>.</summary>
    public async Task WaitForCheckRequestAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        wait.CancelAfter(timeout);
        try
        {
            await _checkRequests.Reader.WaitToReadAsync(wait.Token);
            _checkRequests.Reader.TryRead(out _);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The interval passed without a request: time for the periodic check.
        }
    }

    public void Subscribe(ClusterBuilder cluster)
    {
        cluster.Subscribe<ServerDescriptionChangedEvent>(ServerChanged);
        cluster.Subscribe<CommandFailedEvent>(e =>
        {
            if (e.Failure is MongoCommandException { Code: IndexNotFound })
            {
                Doubt("a command found an index missing");
            }
        });
    }

    private void ServerChanged(ServerDescriptionChangedEvent e)
    {
        var (before, after) = (e.OldDescription, e.NewDescription);
        if (before.State == ServerState.Connected && after.State == ServerState.Disconnected)
        {
            Doubt("the database connection was lost");
        }
        else if (before.State == ServerState.Disconnected && after.State == ServerState.Connected)
        {
            Doubt("not checked since the database connection came back");
        }
        else if (before.TopologyVersion is { } was && after.TopologyVersion is { } now && was.ProcessId != now.ProcessId)
        {
            Doubt("the database server restarted");
        }
    }
}
