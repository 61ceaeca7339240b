using MongoDB.Bson;

namespace BayitPlus.MongoEmulator.Engine;

/// <summary>One client connection as the command layer sees it.</summary>
public sealed class ConnectionInfo(int connectionId)
{
    public int ConnectionId { get; } = connectionId;

    /// <summary>The application name the client gave in its handshake, if any.</summary>
    public string? AppName { get; set; }
}

/// <summary>Executes a command document (OP_MSG document sequences already folded into it as
/// arrays) and answers the reply document, <c>ok: 0</c> replies included. hello/isMaster are
/// answered by the wire layer.</summary>
public interface ICommandExecutor
{
    ValueTask<BsonDocument> ExecuteAsync(string database, BsonDocument command, ConnectionInfo connection, CancellationToken cancellationToken);

    /// <summary>Registers the logical session (<c>lsid</c>) of a command the wire layer answers
    /// itself (hello): without authentication the server registers the session of every command
    /// that carries one.</summary>
    void AttachSession(BsonValue lsid);
}
