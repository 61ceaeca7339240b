using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using BayitPlus.Api.Infrastructure.Telemetry;
using MongoDB.Bson;
using MongoDB.Driver.Core.Events;

namespace BayitPlus.Api.Infrastructure.Mongo;

/// <summary>Times every MongoDB command from the driver's command events: the spec's
/// <c>mongodb_query_duration</c> histogram (by command and collection), plus a warning and a
/// counter for commands slower than the threshold.</summary>
/// <remarks>The slow-command warning and counter are the spec's slow-query profile: they point at a
/// query or index that makes the API slow for its clients and jobs, so an operator can alert on
/// them. Start-up work (index builds, migrations, seed data) is left out of them: its commands are
/// expected to take as long as the data they build on (and, on the embedded emulator, as long as the
/// emulator's own first-use compilation), no client waits on any one of them, and readiness waits
/// for the whole of it — which <see cref="Telemetry.ReadinessGates"/> times per task instead. They
/// are still recorded in the duration histogram, like every command.</remarks>
public sealed partial class MongoCommandMetrics(MongoSettings settings, ILogger<MongoCommandMetrics> logger)
{
    private static readonly AsyncLocal<bool> InStartupWork = new();

    private static readonly Histogram<double> Duration = BayitPlusTelemetry.Meter.CreateHistogram<double>(
        "mongodb_query_duration", "s", "Duration of MongoDB commands");

    private static readonly Counter<long> SlowCommands = BayitPlusTelemetry.Meter.CreateCounter<long>(
        "bayitplus.mongodb.slow_commands", "{command}", "MongoDB commands slower than the slow-command threshold");

    private readonly ConcurrentDictionary<long, (string Collection, bool StartupWork)> _started = new();

    /// <summary>Marks the commands the calling flow sends, until disposed, as start-up work: not
    /// reported as slow (see the remarks above). A start-up task calls it first thing in its
    /// <c>ExecuteAsync</c>.</summary>
    public static IDisposable StartupWork()
    {
        InStartupWork.Value = true;
        return new StartupWorkScope();
    }

    public void Subscribe(MongoDB.Driver.Core.Configuration.ClusterBuilder cluster)
    {
        cluster.Subscribe<CommandStartedEvent>(Started);
        cluster.Subscribe<CommandSucceededEvent>(e => Finished(e.RequestId, e.CommandName, e.Duration, succeeded: true));
        cluster.Subscribe<CommandFailedEvent>(e => Finished(e.RequestId, e.CommandName, e.Duration, succeeded: false));
    }

    /// <summary>Runs in the flow that sends the command, so it sees that flow's
    /// <see cref="StartupWork"/> mark (the reply may be read elsewhere).</summary>
    private void Started(CommandStartedEvent e)
    {
        var collection = e.Command.ElementCount > 0 && e.Command[0] is BsonString name ? name.Value : "";
        _started[e.RequestId] = (collection, InStartupWork.Value);
    }

    private void Finished(long requestId, string command, TimeSpan duration, bool succeeded)
    {
        var (collection, startupWork) = _started.TryRemove(requestId, out var started) ? started : ("", false);
        Duration.Record(duration.TotalSeconds,
            new KeyValuePair<string, object?>("db.operation.name", command),
            new KeyValuePair<string, object?>("db.collection.name", collection),
            new KeyValuePair<string, object?>("outcome", succeeded ? "success" : "failure"));
        if (duration > settings.SlowCommandThreshold && !startupWork && !IsAwaitingCommand(command))
        {
            SlowCommands.Add(1, new KeyValuePair<string, object?>("db.operation.name", command), new KeyValuePair<string, object?>("db.collection.name", collection));
            LogSlowCommand(logger, command, collection, duration.TotalMilliseconds);
        }
    }

    /// <summary>Commands that wait on purpose (change streams, server monitoring) are not slow.</summary>
    private static bool IsAwaitingCommand(string command) => command is "getMore" or "hello" or "isMaster";

    private sealed class StartupWorkScope : IDisposable
    {
        public void Dispose() => InStartupWork.Value = false;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Slow MongoDB command {Command} on {Collection}: {ElapsedMs:F1} ms")]
    private static partial void LogSlowCommand(ILogger logger, string command, string collection, double elapsedMs);
}
