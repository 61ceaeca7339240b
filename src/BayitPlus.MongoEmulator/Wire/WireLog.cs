using System.Net;
using Microsoft.Extensions.Logging;

namespace BayitPlus.MongoEmulator.Wire;

internal static partial class WireLog
{
    [LoggerMessage(1, LogLevel.Warning, "MongoDB emulator listening on {EndPoint}: data is kept in memory only and is lost when it stops")]
    public static partial void Started(ILogger logger, EndPoint endPoint);

    [LoggerMessage(2, LogLevel.Information, "MongoDB emulator on {EndPoint} stopped")]
    public static partial void Stopped(ILogger logger, EndPoint endPoint);

    [LoggerMessage(3, LogLevel.Warning, "Accepting a connection failed")]
    public static partial void AcceptFailed(ILogger logger, Exception exception);

    [LoggerMessage(4, LogLevel.Debug, "Connection {ConnectionId} opened from {RemoteEndPoint}")]
    public static partial void ConnectionOpened(ILogger logger, int connectionId, EndPoint? remoteEndPoint);

    [LoggerMessage(5, LogLevel.Debug, "Connection {ConnectionId} closed")]
    public static partial void ConnectionClosed(ILogger logger, int connectionId);

    [LoggerMessage(6, LogLevel.Warning, "Closing connection {ConnectionId}: {Reason}")]
    public static partial void ProtocolViolation(ILogger logger, int connectionId, string reason);

    [LoggerMessage(7, LogLevel.Debug, "Connection {ConnectionId} dropped by the client: {Reason}")]
    public static partial void ConnectionDropped(ILogger logger, int connectionId, string reason);

    [LoggerMessage(8, LogLevel.Error, "Connection {ConnectionId} failed unexpectedly")]
    public static partial void ConnectionFaulted(ILogger logger, int connectionId, Exception exception);

    [LoggerMessage(9, LogLevel.Error, "Command '{Command}' on database '{Database}' threw an unexpected exception")]
    public static partial void CommandFailed(ILogger logger, string command, string database, Exception exception);

    [LoggerMessage(10, LogLevel.Error, "A reply on connection {ConnectionId} could not be serialized")]
    public static partial void ReplyFailed(ILogger logger, int connectionId, Exception exception);
}
