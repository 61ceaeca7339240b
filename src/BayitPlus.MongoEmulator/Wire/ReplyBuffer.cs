using System.Buffers.Binary;
using BayitPlus.MongoEmulator.Bson;
using Microsoft.Extensions.Logging;
using MongoDB.Bson;
using MongoDB.Bson.IO;
using MongoDB.Bson.Serialization;
using MongoDB.Bson.Serialization.Serializers;

namespace BayitPlus.MongoEmulator.Wire;

/// <summary>Frames reply documents into one connection's reusable output buffer, so that a reply
/// costs a single socket write and no per-reply array.</summary>
internal sealed class ReplyBuffer(ILogger logger, int connectionId)
{
    private const int HeaderLength = 16;

    // header, flagBits, section kind
    private const int MsgPrefixLength = HeaderLength + 4 + 1;

    // header, responseFlags, cursorID, startingFrom, numberReturned
    private const int ReplyPrefixLength = HeaderLength + 4 + 8 + 4 + 4;

    // One large reply must not pin its buffer for the rest of a long-lived connection.
    private const int RetainedCapacity = 1024 * 1024;

    // A reply may exceed the 16 MB document limit by the server's internal slack, no more.
    private static readonly BsonBinaryWriterSettings WriterSettings = new() { MaxDocumentSize = (16 * 1024 * 1024) + (16 * 1024) };

    private readonly MemoryStream _stream = new();

    public ReadOnlyMemory<byte> Msg(int requestId, int responseTo, BsonDocument document)
    {
        Write(MsgPrefixLength, document);
        WriteHeader(requestId, responseTo, OpCode.Msg);
        return Written;
    }

    public ReadOnlyMemory<byte> Reply(int requestId, int responseTo, int responseFlags, BsonDocument document)
    {
        Write(ReplyPrefixLength, document);
        WriteHeader(requestId, responseTo, OpCode.Reply);
        var span = _stream.GetBuffer().AsSpan();
        BinaryPrimitives.WriteInt32LittleEndian(span[HeaderLength..], responseFlags);
        BinaryPrimitives.WriteInt32LittleEndian(span[(ReplyPrefixLength - 4)..], 1);
        return Written;
    }

    /// <summary>Call once the framed reply has been sent.</summary>
    public void Reset()
    {
        _stream.SetLength(0);
        if (_stream.Capacity > RetainedCapacity)
        {
            _stream.Capacity = RetainedCapacity;
        }
    }

    private ReadOnlyMemory<byte> Written => _stream.GetBuffer().AsMemory(0, (int)_stream.Length);

    private void Write(int prefixLength, BsonDocument document)
    {
        try
        {
            Serialize(prefixLength, document);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Typically a reply over the size limit: the client gets an error instead of a dead connection.
            WireLog.ReplyFailed(logger, connectionId, ex);
            var message = $"the reply could not be serialized: {ex.Message}";
            Serialize(prefixLength, CommandRunner.Failure(ErrorCodes.InternalError, ErrorCodes.NameOf(ErrorCodes.InternalError), message));
        }
    }

    private void Serialize(int prefixLength, BsonDocument document)
    {
        _stream.SetLength(prefixLength);
        _stream.GetBuffer().AsSpan(0, prefixLength).Clear();
        _stream.Position = prefixLength;
        using var writer = new BsonBinaryWriter(_stream, WriterSettings);
        BsonDocumentSerializer.Instance.Serialize(BsonSerializationContext.CreateRoot(writer), document);
    }

    private void WriteHeader(int requestId, int responseTo, OpCode opCode)
    {
        var span = _stream.GetBuffer().AsSpan();
        BinaryPrimitives.WriteInt32LittleEndian(span, (int)_stream.Length);
        BinaryPrimitives.WriteInt32LittleEndian(span[4..], requestId);
        BinaryPrimitives.WriteInt32LittleEndian(span[8..], responseTo);
        BinaryPrimitives.WriteInt32LittleEndian(span[12..], (int)opCode);
    }
}
