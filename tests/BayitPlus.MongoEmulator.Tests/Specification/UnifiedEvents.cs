using MongoDB.Bson;
using MongoDB.Driver.Core.Configuration;
using MongoDB.Driver.Core.Events;

namespace BayitPlus.MongoEmulator.Tests.Specification;

/// <summary>
/// The command monitoring events one client entity observes (its <c>observeEvents</c>), less those
/// the format says to ignore: the client's <c>ignoreCommandMonitoringEvents</c>, the fail points the
/// runner configures, connection handshakes, and security-sensitive commands unless
/// <c>observeSensitiveCommands</c> is true.
/// </summary>
internal sealed class UnifiedEventRecorder
{
    /// <summary>The command monitoring specification's security-sensitive commands (hello and
    /// legacy hello are sensitive only when they carry speculativeAuthenticate).</summary>
    private static readonly HashSet<string> SensitiveCommands = new(StringComparer.OrdinalIgnoreCase)
    {
        "authenticate", "saslStart", "saslContinue", "getnonce", "createUser", "updateUser", "copydbgetnonce", "copydbsaslstart", "copydb",
    };

    private static readonly HashSet<string> HelloCommands = new(StringComparer.OrdinalIgnoreCase) { "hello", "isMaster" };

    private static readonly HashSet<string> CommandEventTypes = ["commandStartedEvent", "commandSucceededEvent", "commandFailedEvent"];

    private readonly HashSet<string> observed;
    private readonly HashSet<string> ignoredCommands;
    private readonly bool observeSensitiveCommands;
    private readonly HashSet<int> ignoredRequests = [];
    private readonly List<ObservedEvent> events = [];
    private bool listening = true;

    public UnifiedEventRecorder(BsonDocument client)
    {
        observed = [.. client["observeEvents"].AsBsonArray.Select(e => e.AsString)];
        var unsupported = observed.Where(e => !CommandEventTypes.Contains(e)).ToList();
        if (unsupported.Count > 0)
        {
            throw new UnifiedRunnerLimitation($"observing {string.Join(", ", unsupported)} (connection pool or topology events) is not supported by the runner");
        }

        ignoredCommands = [.. client.GetValue("ignoreCommandMonitoringEvents", new BsonArray()).AsBsonArray.Select(c => c.AsString), "configureFailPoint"];
        observeSensitiveCommands = client.GetValue("observeSensitiveCommands", false).ToBoolean();
    }

    public void Subscribe(ClusterBuilder cluster)
    {
        cluster.Subscribe<CommandStartedEvent>(e =>
        {
            // The .NET driver reports each new connection's handshake (a hello carrying the client
            // metadata) as a command (CSHARP-3823); the format's tests, like the driver's own runner,
            // expect none.
            var hello = HelloCommands.Contains(e.CommandName);
            var ignored = Ignored(e.CommandName)
                || (hello && e.Command.Contains("client"))
                || (hello && !observeSensitiveCommands && (e.Command.ElementCount == 0 || e.Command.Contains("speculativeAuthenticate")));
            Record(e.RequestId, ignored, () => new ObservedEvent("commandStartedEvent", e.CommandName, e.DatabaseNamespace.DatabaseName,
                Copy(e.Command), null, e.ServiceId, e.ConnectionId.LongServerValue));
        });
        cluster.Subscribe<CommandSucceededEvent>(e => Record(e.RequestId, Ignored(e.CommandName), () => new ObservedEvent("commandSucceededEvent",
            e.CommandName, e.DatabaseNamespace?.DatabaseName, Copy(e.Reply), null, e.ServiceId, e.ConnectionId.LongServerValue)));
        cluster.Subscribe<CommandFailedEvent>(e => Record(e.RequestId, Ignored(e.CommandName), () => new ObservedEvent("commandFailedEvent",
            e.CommandName, e.DatabaseNamespace?.DatabaseName, null, e.Failure.Message, e.ServiceId, e.ConnectionId.LongServerValue)));
    }

    /// <summary>Disables the listeners: what the driver does after the test's operations (ending
    /// sessions, closing connections) is not part of the test.</summary>
    public void Stop()
    {
        lock (events)
        {
            listening = false;
        }
    }

    public IReadOnlyList<ObservedEvent> Events
    {
        get
        {
            lock (events)
            {
                return [.. events];
            }
        }
    }

    private bool Ignored(string commandName) =>
        ignoredCommands.Contains(commandName) || (!observeSensitiveCommands && SensitiveCommands.Contains(commandName));

    /// <summary>The driver's documents live only as long as the event's handler runs.</summary>
    private static BsonDocument Copy(BsonDocument document) => new BsonDocument(document).DeepClone().AsBsonDocument;

    /// <summary>A reply or failure is ignored with the command it answers, so a sensitive hello's
    /// redacted reply goes with its redacted command.</summary>
    private void Record(int requestId, bool ignored, Func<ObservedEvent> observe)
    {
        lock (events)
        {
            if (!listening)
            {
                return;
            }

            if (ignored || ignoredRequests.Contains(requestId))
            {
                ignoredRequests.Add(requestId);
                return;
            }

            var e = observe();
            if (observed.Contains(e.Type))
            {
                events.Add(e);
            }
        }
    }
}

/// <summary>The format's <c>expectEvents</c> checks: each client's observed command events, in
/// order and in number, against the expected ones.</summary>
internal static class UnifiedEventChecks
{
    /// <summary>Checks one <c>expectEvents</c> entry; answers whether it could have failed (an
    /// entry of no events that ignores extra ones checks nothing).</summary>
    public static bool Check(BsonDocument expected, IReadOnlyList<ObservedEvent> actual, UnifiedMatcher matcher)
    {
        var client = expected["client"].AsString;
        var known = new HashSet<string> { "client", "eventType", "events", "ignoreExtraEvents" };
        if (expected.Names.FirstOrDefault(n => !known.Contains(n)) is { } unknown)
        {
            throw new UnifiedRunnerLimitation($"expectEvents.{unknown} is not supported by the runner");
        }

        if (expected.GetValue("eventType", "command").AsString is var eventType && eventType != "command")
        {
            throw new UnifiedRunnerLimitation($"expectEvents of eventType {eventType} (connection pool or topology events) are not supported by the runner");
        }

        var events = expected["events"].AsBsonArray.Select(e => e.AsBsonDocument).ToList();
        var ignoreExtra = expected.GetValue("ignoreExtraEvents", false).ToBoolean();
        var observed = string.Join(", ", actual.Select(Describe));
        Assert.True(ignoreExtra ? actual.Count >= events.Count : actual.Count == events.Count,
            $"events of {client}: expected {events.Count}{(ignoreExtra ? " or more" : "")} {new BsonArray(events).ToJson()}, observed {actual.Count}: [{observed}]");
        for (var i = 0; i < events.Count; i++)
        {
            var failure = Match(events[i], actual[i], matcher);
            Assert.True(failure is null, $"event {i} of {client}: {failure}; observed: [{observed}]");
        }

        return events.Count > 0 || !ignoreExtra;
    }

    private static string? Match(BsonDocument expected, ObservedEvent actual, UnifiedMatcher matcher)
    {
        var type = expected.GetElement(0).Name;
        if (type != actual.Type)
        {
            return $"expected a {type}, observed {Describe(actual)}";
        }

        foreach (var assertion in expected[0].AsBsonDocument)
        {
            var failure = assertion.Name switch
            {
                "command" when type == "commandStartedEvent" => matcher.Match(assertion.Value, actual.Document, true, "command"),
                "reply" when type == "commandSucceededEvent" => matcher.Match(assertion.Value, actual.Document, true, "reply"),
                "commandName" => actual.CommandName == assertion.Value.AsString ? null : $"expected command {assertion.Value}, observed {actual.CommandName}",
                "databaseName" => actual.DatabaseName == assertion.Value.AsString ? null : $"expected database {assertion.Value}, observed {actual.DatabaseName}",
                "hasServiceId" => (actual.ServiceId is { } id && id != ObjectId.Empty) == assertion.Value.ToBoolean()
                    ? null
                    : $"expected {(assertion.Value.ToBoolean() ? "a" : "no")} serviceId, observed {actual.ServiceId?.ToString() ?? "none"}",
                "hasServerConnectionId" => actual.ServerConnectionId > 0 == assertion.Value.ToBoolean()
                    ? null
                    : $"expected {(assertion.Value.ToBoolean() ? "a" : "no")} server connection id, observed {actual.ServerConnectionId?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}",
                _ => throw new UnifiedRunnerLimitation($"{type}.{assertion.Name} is not supported by the runner"),
            };
            if (failure is not null)
            {
                return $"{type} {actual.CommandName}: {failure}";
            }
        }

        return null;
    }

    private static string Describe(ObservedEvent e) => e.Type switch
    {
        "commandStartedEvent" => $"started {e.Document.ToJson()}",
        "commandSucceededEvent" => $"succeeded {e.CommandName} {e.Document.ToJson()}",
        _ => $"failed {e.CommandName} {e.Failure}",
    };
}

/// <summary>A command monitoring event as observed: the command (started) or reply (succeeded), or
/// the failure's message (failed).</summary>
internal sealed record ObservedEvent(
    string Type, string CommandName, string? DatabaseName, BsonDocument? Document, string? Failure, ObjectId? ServiceId, long? ServerConnectionId);
