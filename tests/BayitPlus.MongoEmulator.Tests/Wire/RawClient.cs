using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using MongoDB.Bson;
using MongoDB.Bson.Serialization;

namespace BayitPlus.MongoEmulator.Tests.Wire;

/// <summary>A bare TCP client that speaks (and mis-speaks) the wire protocol byte by byte.</summary>
internal sealed class RawClient : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };

    private RawClient()
    {
    }

    public static async Task<RawClient> ConnectAsync(int port)
    {
        var client = new RawClient();
        await client._socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), TestContext.Current.CancellationToken);
        return client;
    }

    public static byte[] OpMsg(int requestId, BsonDocument body, uint flags = 0, params (string Identifier, BsonDocument[] Documents)[] sequences)
    {
        var payload = new List<byte>();
        payload.AddRange(BitConverter.GetBytes(flags));
        payload.Add(0);
        payload.AddRange(body.ToBson());
        foreach (var (identifier, documents) in sequences)
        {
            var sequence = new List<byte>();
            sequence.AddRange(Encoding.UTF8.GetBytes(identifier));
            sequence.Add(0);
            foreach (var document in documents)
            {
                sequence.AddRange(document.ToBson());
            }

            payload.Add(1);
            payload.AddRange(BitConverter.GetBytes(sequence.Count + 4));
            payload.AddRange(sequence);
        }

        return Message(requestId, 2013, [.. payload]);
    }

    public static byte[] OpQuery(int requestId, string fullCollectionName, BsonDocument query)
    {
        var payload = new List<byte>();
        payload.AddRange(BitConverter.GetBytes(0));
        payload.AddRange(Encoding.UTF8.GetBytes(fullCollectionName));
        payload.Add(0);
        payload.AddRange(BitConverter.GetBytes(0));
        payload.AddRange(BitConverter.GetBytes(-1));
        payload.AddRange(query.ToBson());
        return Message(requestId, 2004, [.. payload]);
    }

    public static byte[] Message(int requestId, int opCode, byte[] payload)
    {
        var message = new byte[16 + payload.Length];
        BinaryPrimitives.WriteInt32LittleEndian(message, message.Length);
        BinaryPrimitives.WriteInt32LittleEndian(message.AsSpan(4), requestId);
        BinaryPrimitives.WriteInt32LittleEndian(message.AsSpan(12), opCode);
        payload.CopyTo(message, 16);
        return message;
    }

    public async Task SendAsync(byte[] bytes) => await _socket.SendAsync(bytes, TestContext.Current.CancellationToken);

    /// <summary>Reads one reply: OP_MSG gives flagBits and its body, OP_REPLY its responseFlags and first document.</summary>
    public async Task<Reply> ReadReplyAsync()
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(Patience);
        var header = new byte[16];
        await ReadExactlyAsync(header, timeout.Token);
        var length = BinaryPrimitives.ReadInt32LittleEndian(header);
        var body = new byte[length - 16];
        await ReadExactlyAsync(body, timeout.Token);
        var opCode = BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(12));
        var responseTo = BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(8));
        var flags = BinaryPrimitives.ReadInt32LittleEndian(body);
        return opCode switch
        {
            2013 => new Reply(opCode, responseTo, flags, body[4] == 0 ? BsonSerializer.Deserialize<BsonDocument>(body[5..]) : throw new InvalidDataException("no body section")),
            1 => new Reply(opCode, responseTo, flags, BsonSerializer.Deserialize<BsonDocument>(body[20..]), BinaryPrimitives.ReadInt32LittleEndian(body.AsSpan(16))),
            _ => throw new InvalidDataException($"unexpected opCode {opCode}"),
        };
    }

    /// <summary>Passes once the server has closed the connection (end of stream or reset).</summary>
    public async Task AssertClosedByServerAsync()
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(Patience);
        var buffer = new byte[256];
        try
        {
            Assert.Equal(0, await _socket.ReceiveAsync(buffer, timeout.Token));
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionReset)
        {
            // Closing a socket with unread input sends a reset: closed all the same.
        }
    }

    public void Dispose() => _socket.Dispose();

    private async Task ReadExactlyAsync(byte[] buffer, CancellationToken cancellationToken)
    {
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await _socket.ReceiveAsync(buffer.AsMemory(read), cancellationToken);
            if (n == 0)
            {
                throw new EndOfStreamException("server closed the connection");
            }

            read += n;
        }
    }

    internal sealed record Reply(int OpCode, int ResponseTo, int Flags, BsonDocument Document, int NumberReturned = 1);
}
