using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using BayitPlus.Api.Infrastructure.Telemetry;
using MongoDB.Bson;
using MongoDB.Driver.Core.Events;

namespace BayitPlus.Api.Infrastructure.Mongo;

/// <summary>Times every MongoDB command from the driver's command events: the spec's
/// <c>mongodb_query_duration</c> histogram (by command and collection), plus a warning and a
/// counter for commands slower than the threshold.</summary>
public sealed partial class MongoCommandMetrics(MongoSettings settings, ILogger<MongoCommandMetrics> logger)
{
    private static readonly Histogram<double> Duration = BayitPlusTelemetry.Meter.CreateHistogram<double>(
        "mongodb_query_duration", "s", "Duration of MongoDB commands");

    private static readonly Counter<long> SlowCommands = BayitPlusTelemetry.Meter.CreateCounter<long>(
        "bayitplus.mongodb.slow_commands", "{command}", "MongoDB commands slower than the slow-command threshold");

    private readonly ConcurrentDictionary<long, string> _collections = new();

    public void Subscribe(MongoDB.Driver.Core.Configuration.ClusterBuilder cluster)
    {
        cluster.Subscribe<CommandStartedEvent>(Started);
        cluster.Subscribe<CommandSucceededEvent>(e => Finished(e.RequestId, e.CommandName, e.Duration, succeeded: true));
        cluster.Subscribe<CommandFailedEvent>(e => Finished(e.RequestId, e.CommandName, e.Duration, succeeded: false));
    }

    private void Started(CommandStartedEvent e)
    {
        if (e.Command.ElementCount > 0 && e.Command[0] is BsonString collection)
        {
            _collections[e.RequestId] = collection.Value;
        }
    }

    private void Finished(long requestId, string command, TimeSpan duration, bool succeeded)
    {
        var collection = _collections.TryRemove(requestId, out var name) ? name : "";
        Duration.Record(duration.TotalSeconds,
            new KeyValuePair<string, object?>("db.operation.name", command),
            new KeyValuePair<string, object?>("db.collection.name", collection),
            new KeyValuePair<string, object?>("outcome", succeeded ? "success" : "failure"));
        if (duration > settings.SlowCommandThreshold && !IsAwaitingCommand(command))
        {
            SlowCommands.Add(1, new KeyValuePair<string, object?>("db.operation.name", command), new KeyValuePair<string, object?>("db.collection.name", collection));
            LogSlowCommand(logger, command, collection, duration.TotalMilliseconds);
        }
    }

    /// <summary>Commands that wait on purpose (change streams, server monitoring) are not slow.</summary>
    private static bool IsAwaitingCommand(string command) => command is "getMore" or "hello" or "isMaster";

    [LoggerMessage(Level = LogLevel.Warning, Message = "Slow MongoDB command {Command} on {Collection}: {ElapsedMs:F1} ms")]
    private static partial void LogSlowCommand(ILogger logger, string command, string collection, double elapsedMs);
}
