using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using BayitPlus.MongoEmulator.Bson;
using BayitPlus.MongoEmulator.Engine;
using Microsoft.Extensions.Logging;
using MongoDB.Bson;

namespace BayitPlus.MongoEmulator.Wire;

/// <summary>Serves one client socket: reads a message, runs it, writes the reply, until the client
/// leaves, breaks the protocol or the server stops. Requests on one connection run one at a time,
/// as drivers never pipeline them.</summary>
internal sealed class WireConnection
{
    private const int HeaderLength = 16;
    private const int ReadBufferSize = 64 * 1024;

    // OP_REPLY responseFlags.
    private const int QueryFailure = 2;
    private const int AwaitCapable = 8;

    // The server's own codes for legacy requests it no longer serves.
    private const int UnsupportedOpQueryCommand = 352;
    private const int OpQueryRemoved = 5739101;
    private const int MissingDatabase = 40571;

    private readonly Socket _socket;

    /// <summary>Read when the connection is accepted: a server stopping at once may dispose the
    /// socket before <see cref="RunAsync"/> starts, and a disposed socket has no endpoint to log.</summary>
    private readonly EndPoint? _remote;
    private readonly NetworkStream _network;
    private readonly BufferedStream _input;
    private readonly CommandRunner _runner;
    private readonly ConnectionInfo _info;
    private readonly int _maxMessageSize;
    private readonly ILogger _logger;
    private readonly ReplyBuffer _replies;
    private int _lastRequestId;

    public WireConnection(Socket socket, ConnectionInfo info, CommandRunner runner, MongoEmulatorOptions options)
    {
        _socket = socket;
        _remote = socket.RemoteEndPoint;
        _network = new NetworkStream(socket, ownsSocket: true);
        _input = new BufferedStream(_network, ReadBufferSize);
        _info = info;
        _runner = runner;
        _maxMessageSize = options.MaxMessageSizeBytes;
        _logger = options.Logger;
        _replies = new ReplyBuffer(_logger, info.ConnectionId);
    }

    public int Id => _info.ConnectionId;

    /// <summary>The running loop; set by the server right after it registers the connection.</summary>
    public Task Completion { get; set; } = Task.CompletedTask;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        WireLog.ConnectionOpened(_logger, Id, _remote);
        try
        {
            await ServeAsync(cancellationToken);
        }
        catch (WireProtocolException ex)
        {
            WireLog.ProtocolViolation(_logger, Id, ex.Message);
        }
        catch (FailPointConnectionClose)
        {
            // A test asked for this connection to drop; the finally block closes it.
        }
        catch (Exception ex) when (cancellationToken.IsCancellationRequested && ex is OperationCanceledException or IOException or ObjectDisposedException)
        {
            // The server is stopping and has cut this connection.
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            WireLog.ConnectionDropped(_logger, Id, ex.Message);
        }
        catch (Exception ex)
        {
            WireLog.ConnectionFaulted(_logger, Id, ex);
        }
        finally
        {
            Abort();
            WireLog.ConnectionClosed(_logger, Id);
        }
    }

    /// <summary>Closes the socket, which also ends a pending read.</summary>
    public void Abort() => _network.Dispose();

    private async Task ServeAsync(CancellationToken cancellationToken)
    {
        var header = new byte[HeaderLength];
        while (true)
        {
            var read = await _input.ReadAtLeastAsync(header, HeaderLength, throwOnEndOfStream: false, cancellationToken);
            if (read == 0)
            {
                return;
            }

            if (read < HeaderLength)
            {
                throw new EndOfStreamException("the client closed the connection inside a message header");
            }

            var length = BinaryPrimitives.ReadInt32LittleEndian(header);
            var requestId = BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(4));
            var opCode = (OpCode)BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(12));
            if (length < HeaderLength || length > _maxMessageSize)
            {
                throw new WireProtocolException($"message length {length} is outside {HeaderLength}..{_maxMessageSize}");
            }

            if (opCode is not (OpCode.Msg or OpCode.Query))
            {
                throw new WireProtocolException($"opCode {(int)opCode} is not supported (only OP_MSG and OP_QUERY are; compression is never offered)");
            }

            var reply = opCode == OpCode.Msg
                ? await HandleMsgAsync(await ReadBodyAsync(length - HeaderLength, RequestParser.ParseMsg, cancellationToken), requestId, cancellationToken)
                : await HandleQueryAsync(await ReadBodyAsync(length - HeaderLength, RequestParser.ParseQuery, cancellationToken), requestId, cancellationToken);
            if (!reply.IsEmpty)
            {
                try
                {
                    await _network.WriteAsync(reply, cancellationToken);
                }
                finally
                {
                    _replies.Reset();
                }
            }
        }
    }

    /// <summary>Reads the rest of a message into a pooled buffer, parses it and gives the buffer back
    /// before the command runs; the length has been checked against the maximum before renting.</summary>
    private async ValueTask<T> ReadBodyAsync<T>(int length, Func<byte[], int, T> parse, CancellationToken cancellationToken)
    {
        var body = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            await _input.ReadExactlyAsync(body.AsMemory(0, length), cancellationToken);
            return parse(body, length);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(body);
        }
    }

    private async ValueTask<ReadOnlyMemory<byte>> HandleMsgAsync(MsgRequest request, int requestId, CancellationToken cancellationToken)
    {
        var body = request.Body;
        var database = body.GetValue("$db", BsonNull.Value);
        var reply = database switch
        {
            BsonString name => await _runner.RunAsync(name.Value, body, _info, cancellationToken),
            BsonNull => CommandRunner.Failure(MissingDatabase, "Location40571", "OP_MSG requests require a $db argument"),
            _ => CommandRunner.Failure(ErrorCodes.TypeMismatch, ErrorCodes.NameOf(ErrorCodes.TypeMismatch), $"BSON field '$db' is the wrong type '{database.BsonType}', expected type 'string'"),
        };

        // moreToCome from a client means fire-and-forget (w: 0): the driver will not read a reply.
        return request.MoreToCome ? ReadOnlyMemory<byte>.Empty : _replies.Msg(++_lastRequestId, requestId, reply);
    }

    private ValueTask<ReadOnlyMemory<byte>> HandleQueryAsync(QueryRequest request, int requestId, CancellationToken cancellationToken)
    {
        var dot = request.FullCollectionName.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0 || request.FullCollectionName[(dot + 1)..] != "$cmd")
        {
            var error = new BsonDocument
            {
                { "$err", "OP_QUERY is no longer supported; the client driver may require an upgrade" },
                { "code", OpQueryRemoved },
                { "ok", 0.0 },
            };
            return ValueTask.FromResult(_replies.Reply(++_lastRequestId, requestId, QueryFailure, error));
        }

        return RunLegacyCommandAsync(request.FullCollectionName[..dot], request.Query, requestId, cancellationToken);
    }

    // Like MongoDB 5.1+, OP_QUERY serves only the handshake that drivers send before they know the server speaks OP_MSG.
    private async ValueTask<ReadOnlyMemory<byte>> RunLegacyCommandAsync(string database, BsonDocument query, int requestId, CancellationToken cancellationToken)
    {
        var command = query.ElementCount > 0 && query.GetElement(0) is { Name: "$query", Value: BsonDocument wrapped } ? wrapped : query;
        var name = command.ElementCount > 0 ? command.GetElement(0).Name : "";
        var reply = Handshake.IsHandshake(name, out _)
            ? await _runner.RunAsync(database, command, _info, cancellationToken)
            : CommandRunner.Failure(
                UnsupportedOpQueryCommand,
                "UnsupportedOpQueryCommand",
                $"Unsupported OP_QUERY command: {name}. The client driver may require an upgrade");
        return _replies.Reply(++_lastRequestId, requestId, AwaitCapable, reply);
    }
}
