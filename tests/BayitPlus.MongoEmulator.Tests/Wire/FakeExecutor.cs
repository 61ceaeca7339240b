using System.Collections.Concurrent;
using BayitPlus.MongoEmulator.Bson;
using BayitPlus.MongoEmulator.Engine;
using MongoDB.Bson;

namespace BayitPlus.MongoEmulator.Tests.Wire;

/// <summary>A command layer stand-in: records what reaches it and answers a few fixed commands.</summary>
internal sealed class FakeExecutor : ICommandExecutor, IAsyncDisposable
{
    public ConcurrentQueue<(string Database, BsonDocument Command, int ConnectionId)> Received { get; } = new();

    public bool Disposed { get; private set; }

    public ValueTask<BsonDocument> ExecuteAsync(string database, BsonDocument command, ConnectionInfo connection, CancellationToken cancellationToken)
    {
        Received.Enqueue((database, command, connection.ConnectionId));
        var reply = command.GetElement(0).Name switch
        {
            "ping" => new BsonDocument("ok", 1.0),
            "echo" => new BsonDocument { { "echo", command.DeepClone() }, { "ok", 1.0 } },
            "insert" => new BsonDocument { { "n", command["documents"].AsBsonArray.Count }, { "ok", 1.0 } },
            "huge" => new BsonDocument { { "blob", new BsonBinaryData(new byte[17 * 1024 * 1024]) }, { "ok", 1.0 } },
            "throw" => throw new InvalidOperationException("executor exploded"),
            "fail" => throw new MongoErrorException(ErrorCodes.BadValue, "fail was asked for"),
            var name => new BsonDocument { { "ok", 0.0 }, { "errmsg", $"no such command: '{name}'" }, { "code", 59 }, { "codeName", "CommandNotFound" } },
        };
        return ValueTask.FromResult(reply);
    }

    /// <summary>The wire tests send no handshake with a session; one that did would need a real engine.</summary>
    public void AttachSession(BsonValue lsid) => throw new NotSupportedException("the fake command layer keeps no sessions");

    public ValueTask DisposeAsync()
    {
        Disposed = true;
        return ValueTask.CompletedTask;
    }

    public static Task<MongoEmulatorServer> StartServerAsync(FakeExecutor executor, MongoEmulatorOptions? options = null) =>
        MongoEmulatorServer.StartAsync(options ?? new MongoEmulatorOptions(), _ => executor, TestContext.Current.CancellationToken);
}
