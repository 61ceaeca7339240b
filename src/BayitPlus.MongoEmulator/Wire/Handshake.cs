using MongoDB.Bson;

namespace BayitPlus.MongoEmulator.Wire;

/// <summary>Answers hello / isMaster as the primary of a one-member replica set, which is what lets
/// drivers use sessions and transactions against the emulator.</summary>
internal sealed class Handshake(MongoEmulatorOptions options, int port)
{
    // MongoDB 8.0.
    private const int MaxWireVersion = 25;
    private const int MaxBsonObjectSize = 16 * 1024 * 1024;
    private const int MaxWriteBatchSize = 100_000;
    private const int LogicalSessionTimeoutMinutes = 30;

    private readonly string _host = $"127.0.0.1:{port}";

    // Constant for the server's lifetime: drivers treat a changed electionId as a new primary.
    private readonly ObjectId _electionId = ObjectId.GenerateNewId();

    /// <summary>Whether <paramref name="commandName"/> is a handshake; <paramref name="legacy"/> tells isMaster from hello.</summary>
    public static bool IsHandshake(string commandName, out bool legacy)
    {
        legacy = commandName.Equals("isMaster", StringComparison.OrdinalIgnoreCase);
        return legacy || commandName.Equals("hello", StringComparison.OrdinalIgnoreCase);
    }

    /// <remarks>topologyVersion is left out on purpose: without it drivers poll with plain hello instead of
    /// holding an exhaust (streaming) hello open, which the emulator does not implement.</remarks>
    public BsonDocument Reply(BsonDocument command, bool legacy, int connectionId)
    {
        var now = options.Time.GetUtcNow();
        var reply = new BsonDocument();
        if (!legacy || command.GetValue("helloOk", false).ToBoolean())
        {
            reply.Add("helloOk", true);
        }

        reply.Add(legacy ? "ismaster" : "isWritablePrimary", true);
        reply.Add("secondary", false);
        reply.Add("setName", options.ReplicaSetName);
        reply.Add("setVersion", 1);
        reply.Add("hosts", new BsonArray { _host });
        reply.Add("primary", _host);
        reply.Add("me", _host);
        reply.Add("electionId", _electionId);
        reply.Add("lastWrite", new BsonDocument
        {
            { "opTime", new BsonDocument { { "ts", new BsonTimestamp((int)now.ToUnixTimeSeconds(), 1) }, { "t", 1L } } },
            { "lastWriteDate", new BsonDateTime(now.UtcDateTime) },
        });
        reply.Add("maxBsonObjectSize", MaxBsonObjectSize);
        reply.Add("maxMessageSizeBytes", options.MaxMessageSizeBytes);
        reply.Add("maxWriteBatchSize", MaxWriteBatchSize);
        reply.Add("localTime", new BsonDateTime(now.UtcDateTime));
        reply.Add("logicalSessionTimeoutMinutes", LogicalSessionTimeoutMinutes);
        reply.Add("connectionId", connectionId);
        reply.Add("minWireVersion", 0);
        reply.Add("maxWireVersion", MaxWireVersion);
        reply.Add("readOnly", false);
        reply.Add("ok", 1.0);
        return reply;
    }
}
