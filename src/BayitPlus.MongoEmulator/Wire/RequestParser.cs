using System.Buffers.Binary;
using System.Text;
using MongoDB.Bson;
using MongoDB.Bson.IO;
using MongoDB.Bson.Serialization;
using MongoDB.Bson.Serialization.Serializers;

namespace BayitPlus.MongoEmulator.Wire;

/// <summary>An OP_MSG request: its body with every document sequence folded in as an array.</summary>
internal readonly record struct MsgRequest(bool MoreToCome, BsonDocument Body);

/// <summary>A legacy OP_QUERY request; only its namespace and query document matter to the emulator.</summary>
internal readonly record struct QueryRequest(string FullCollectionName, BsonDocument Query);

/// <summary>Parses message bodies (everything after the 16-byte header), validating every length
/// against the bytes actually present so that a lying client cannot make us read past its message.</summary>
internal static class RequestParser
{
    private const uint ChecksumPresent = 1;
    private const uint MoreToCome = 1 << 1;

    // Bits 0-15 are "required": a receiver must reject a message carrying one it does not understand.
    private const uint RequiredBits = 0xFFFF;

    private const int MinDocumentLength = 5;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static MsgRequest ParseMsg(byte[] buffer, int length)
    {
        if (length < 4)
        {
            throw new WireProtocolException("OP_MSG is too short to hold its flagBits");
        }

        var flags = BinaryPrimitives.ReadUInt32LittleEndian(buffer);
        var unknownRequired = flags & RequiredBits & ~(ChecksumPresent | MoreToCome);
        if (unknownRequired != 0)
        {
            throw new WireProtocolException($"OP_MSG flagBits 0x{flags:X8} carry unknown required bits 0x{unknownRequired:X}");
        }

        // The CRC-32C trailer is only a transport check; loopback TCP already guarantees integrity.
        var end = (flags & ChecksumPresent) != 0 ? length - 4 : length;
        if (end < 4)
        {
            throw new WireProtocolException("OP_MSG is too short to hold its checksum");
        }

        using var documents = new DocumentReader(buffer, end);
        BsonDocument? body = null;
        List<(string Identifier, BsonArray Documents)>? sequences = null;
        var position = 4;
        while (position < end)
        {
            var kind = buffer[position++];
            switch (kind)
            {
                case 0 when body is not null:
                    throw new WireProtocolException("OP_MSG has more than one body section");
                case 0:
                    body = documents.Read(ref position, end);
                    break;
                case 1:
                    (sequences ??= []).Add(ReadSequence(buffer, documents, ref position, end));
                    break;
                default:
                    throw new WireProtocolException($"OP_MSG section kind {kind} is not supported");
            }
        }

        if (body is null)
        {
            throw new WireProtocolException("OP_MSG has no body section");
        }

        foreach (var (identifier, sequence) in sequences ?? [])
        {
            if (body.Contains(identifier))
            {
                throw new WireProtocolException($"OP_MSG document sequence '{identifier}' duplicates a body field");
            }

            body.Add(identifier, sequence);
        }

        return new MsgRequest((flags & MoreToCome) != 0, body);
    }

    public static QueryRequest ParseQuery(byte[] buffer, int length)
    {
        // flags(4) cstring fullCollectionName, numberToSkip(4), numberToReturn(4), query, [returnFieldsSelector]
        var position = 4;
        var name = ReadCString(buffer, ref position, length, "OP_QUERY fullCollectionName");
        if (length - position < 8)
        {
            throw new WireProtocolException("OP_QUERY is truncated after its collection name");
        }

        position += 8;
        using var documents = new DocumentReader(buffer, length);
        var query = documents.Read(ref position, length);
        if (position < length)
        {
            documents.Read(ref position, length);
        }

        if (position != length)
        {
            throw new WireProtocolException("OP_QUERY has trailing bytes after its documents");
        }

        return new QueryRequest(name, query);
    }

    private static (string, BsonArray) ReadSequence(byte[] buffer, DocumentReader documents, ref int position, int end)
    {
        if (end - position < 4)
        {
            throw new WireProtocolException("OP_MSG document sequence is truncated before its size");
        }

        var size = BinaryPrimitives.ReadInt32LittleEndian(buffer.AsSpan(position));
        if (size < 5 || size > end - position)
        {
            throw new WireProtocolException($"OP_MSG document sequence size {size} runs past the message");
        }

        var sequenceEnd = position + size;
        position += 4;
        var identifier = ReadCString(buffer, ref position, sequenceEnd, "OP_MSG document sequence identifier");
        var sequence = new BsonArray();
        while (position < sequenceEnd)
        {
            sequence.Add(documents.Read(ref position, sequenceEnd));
        }

        return (identifier, sequence);
    }

    private static string ReadCString(byte[] buffer, ref int position, int end, string what)
    {
        var terminator = Array.IndexOf(buffer, (byte)0, position, end - position);
        if (terminator < 0)
        {
            throw new WireProtocolException($"{what} is not terminated inside the message");
        }

        try
        {
            var value = StrictUtf8.GetString(buffer, position, terminator - position);
            position = terminator + 1;
            return value;
        }
        catch (DecoderFallbackException ex)
        {
            throw new WireProtocolException($"{what} is not valid UTF-8", ex);
        }
    }

    /// <summary>Reads consecutive BSON documents out of one message buffer with a single reader.</summary>
    private sealed class DocumentReader(byte[] buffer, int length) : IDisposable
    {
        private readonly ByteBufferStream _stream = new(new ByteArrayBuffer(buffer, length, isReadOnly: true), ownsBuffer: true);
        private BsonBinaryReader? _reader;

        public BsonDocument Read(ref int position, int end)
        {
            if (end - position < MinDocumentLength)
            {
                throw new WireProtocolException("BSON document is truncated before its length");
            }

            var size = BinaryPrimitives.ReadInt32LittleEndian(buffer.AsSpan(position));
            if (size < MinDocumentLength || size > end - position)
            {
                throw new WireProtocolException($"BSON document length {size} runs past its section");
            }

            if (buffer[position + size - 1] != 0)
            {
                throw new WireProtocolException("BSON document does not end with a NUL byte");
            }

            _stream.Position = position;
            _reader ??= new BsonBinaryReader(_stream);
            BsonDocument document;
            try
            {
                document = BsonDocumentSerializer.Instance.Deserialize(BsonDeserializationContext.CreateRoot(_reader));
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                throw new WireProtocolException($"invalid BSON: {ex.Message}", ex);
            }

            if (_stream.Position != position + size)
            {
                throw new WireProtocolException("BSON document content does not match its declared length");
            }

            position += size;
            return document;
        }

        public void Dispose()
        {
            _reader?.Dispose();
            _stream.Dispose();
        }
    }
}
