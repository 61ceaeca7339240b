using BayitPlus.MongoEmulator.Bson;
using MongoDB.Bson;

namespace BayitPlus.MongoEmulator.Engine;

/// <summary>
/// The server's <c>failCommand</c> fail point (<c>configureFailPoint</c>, a test command): the next
/// commands named in <c>failCommands</c> are held for <c>blockTimeMS</c> (<c>blockConnection</c>), fail
/// with <c>errorCode</c> (and <c>errorLabels</c>), have their connection closed, or succeed with a
/// <c>writeConcernError</c>. Modes: <c>alwaysOn</c>,
/// <c>off</c>, <c>{times: n}</c>, <c>{skip: n}</c>; <c>appName</c> limits it to one client. What it cannot honour
/// (<c>namespace</c>, mode <c>activationProbability</c>, failing the handshake) is refused.
/// </summary>
internal sealed class FailPoint
{
    private static readonly HashSet<string> DataFields =
        ["failCommands", "errorCode", "closeConnection", "writeConcernError", "errorLabels", "failInternalCommands", "appName", "blockConnection", "blockTimeMS"];

    private static readonly HashSet<string> HandshakeCommands = new(StringComparer.OrdinalIgnoreCase) { "hello", "isMaster" };

    private readonly HashSet<string> _commands;
    private long _remaining;
    private long _skip;

    private FailPoint(HashSet<string> commands, long remaining, long skip, BsonDocument data)
    {
        _commands = commands;
        _remaining = remaining;
        _skip = skip;
        Data = data;
    }

    public BsonDocument Data { get; }

    public int? ErrorCode => Data.GetValue("errorCode", null) is { } code ? code.ToInt32() : null;

    public bool CloseConnection => Data.GetValue("closeConnection", false).ToBoolean();

    public BsonDocument? WriteConcernError => Data.GetValue("writeConcernError", null) as BsonDocument;

    /// <summary>How long <c>blockConnection</c> holds each command it acts on; like the server, it
    /// checks <c>blockTimeMS</c> only then.</summary>
    public TimeSpan? BlockTime
    {
        get
        {
            if (!Data.GetValue("blockConnection", false).ToBoolean())
            {
                return null;
            }

            var milliseconds = Data.GetValue("blockTimeMS", null) is { IsNumeric: true } value
                ? value.ToInt64()
                : throw new MongoErrorException(ErrorCodes.InvalidOptions, "must specify 'blockTimeMS' when 'blockConnection' is true");
            return milliseconds >= 0
                ? TimeSpan.FromMilliseconds(milliseconds)
                : throw new MongoErrorException(ErrorCodes.InvalidOptions, "'blockTimeMS' must be non-negative");
        }
    }

    public IEnumerable<string> ErrorLabels => Data.GetValue("errorLabels", new BsonArray()).AsBsonArray.Select(l => l.AsString);

    /// <summary>The fail point a <c>configureFailPoint</c> command sets; null for mode <c>off</c>.</summary>
    public static FailPoint? Configure(BsonDocument command)
    {
        if (command.GetElement(0).Value is not BsonString { Value: "failCommand" })
        {
            throw MongoErrorException.BadValue($"the emulator offers only the failCommand fail point, not {command.GetElement(0).Value}");
        }

        // The checks and messages of the server's FailPoint::parseBSON, in its order.
        var mode = command.GetValue("mode", null) ?? throw new MongoErrorException(ErrorCodes.IllegalOperation, "When setting a failpoint, you must supply a 'mode'");
        (long Remaining, long Skip)? schedule = mode switch
        {
            BsonString { Value: "off" } => null,
            BsonString { Value: "alwaysOn" } => (long.MaxValue, 0),
            BsonString other => throw MongoErrorException.BadValue($"unknown mode: {other.Value}"),
            BsonDocument times when times.Contains("times") => (ModeCount(times, "times"), 0),
            BsonDocument skip when skip.Contains("skip") => (long.MaxValue, ModeCount(skip, "skip")),
            BsonDocument random when random.Contains("activationProbability") =>
                throw new MongoErrorException(ErrorCodes.NotImplemented, "the fail point mode activationProbability is not supported by the emulator"),
            BsonDocument => throw MongoErrorException.BadValue("'mode' must be one of 'off', 'alwaysOn', '{times:n}', '{skip:n}' or '{activationProbability:p}'"),
            _ => throw MongoErrorException.TypeMismatch("'mode' must be a string or JSON object"),
        };
        var data = command.GetValue("data", null) switch
        {
            null => null,
            BsonDocument document => document,
            _ => throw MongoErrorException.TypeMismatch("the 'data' option must be a JSON object"),
        };
        if (schedule is not { } active)
        {
            return null;
        }

        if (data is null)
        {
            throw MongoErrorException.BadValue("failCommand requires 'data'");
        }

        var unknown = data.Names.FirstOrDefault(n => !DataFields.Contains(n));
        if (unknown is not null)
        {
            throw new MongoErrorException(ErrorCodes.NotImplemented, $"the failCommand option '{unknown}' is not supported by the emulator");
        }

        var commands = data.GetValue("failCommands", null) as BsonArray ?? throw MongoErrorException.BadValue("failCommand requires a 'failCommands' array");
        if (commands.FirstOrDefault(c => c is BsonString name && HandshakeCommands.Contains(name.Value)) is { } handshake)
        {
            // The wire layer answers the handshake itself, out of the fail point's reach.
            throw new MongoErrorException(ErrorCodes.NotImplemented, $"failCommand on {handshake} is not supported by the emulator");
        }

        return new FailPoint([.. commands.Select(c => c.AsString)], active.Remaining, active.Skip, data);
    }

    /// <summary>A mode's <c>times</c> or <c>skip</c>: a whole number from 0 to the largest int.</summary>
    private static long ModeCount(BsonDocument mode, string field)
    {
        var value = mode[field];
        if (!value.IsNumeric)
        {
            throw MongoErrorException.TypeMismatch($"Expected field \"{field}\" to have numeric type, but found {BsonTypeNames.Of(value)}");
        }

        var count = value.ToDouble();
        if (count != Math.Truncate(count) || Math.Abs(count) >= 9223372036854775808d)
        {
            throw MongoErrorException.BadValue($"Expected field \"{field}\" to have a value exactly representable as a 64-bit integer, but found {field}: {value}");
        }

        return count switch
        {
            < 0 => throw MongoErrorException.BadValue($"'{field}' option to 'mode' must be positive"),
            > int.MaxValue => throw MongoErrorException.BadValue($"'{field}' option to 'mode' is too large"),
            _ => (long)count,
        };
    }

    /// <summary>Whether the fail point acts on this run of <paramref name="command"/> from a client
    /// named <paramref name="appName"/>; counts it if so.</summary>
    public bool Triggers(string command, string? appName)
    {
        // configureFailPoint never fails, even when listed, so a fail point can always be turned off.
        if (command == "configureFailPoint" || !_commands.Contains(command) || _remaining <= 0
            || (Data.GetValue("appName", null) is BsonString wanted && wanted.Value != appName))
        {
            return false;
        }

        if (_skip > 0)
        {
            _skip--;
            return false;
        }

        _remaining--;
        return true;
    }
}

/// <summary>Thrown to make the wire layer close the client's connection without replying, as a
/// <c>closeConnection</c> fail point does.</summary>
internal sealed class FailPointConnectionClose() : Exception("connection closed by the failCommand fail point");
