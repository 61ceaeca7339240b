using BayitPlus.Api.Infrastructure.Errors;
using FluentValidation;
using FluentValidation.Results;
using MongoDB.Bson;
using MongoDB.Bson.IO;
using MongoDB.Bson.Serialization;

namespace BayitPlus.Api.Infrastructure;

/// <summary>A page of a list: <c>{ items, nextCursor }</c>; <c>nextCursor</c> is null on the last page.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? NextCursor);

/// <summary>Keyset cursors: the sort-key values of the last item of a page, opaque to clients
/// (base64url of a BSON array), so a page never repeats or skips items while others are added.</summary>
public static class KeysetCursor
{
    public const int DefaultLimit = 20;
    public const int MaxLimit = 100;

    public static string Encode(params BsonValue[] keys) =>
        Microsoft.AspNetCore.WebUtilities.WebEncoders.Base64UrlEncode(new BsonDocument("k", new BsonArray(keys)).ToBson());

    /// <summary>The keys of a cursor, or a 400 naming the <c>cursor</c> field when it is not one of ours.</summary>
    public static BsonArray Decode(string cursor, int expectedKeys)
    {
        try
        {
            var bytes = Microsoft.AspNetCore.WebUtilities.WebEncoders.Base64UrlDecode(cursor);
            using var reader = new BsonBinaryReader(new MemoryStream(bytes));
            var document = BsonSerializer.Deserialize<BsonDocument>(reader);
            if (document.GetValue("k", null) is BsonArray keys && keys.Count == expectedKeys)
            {
                return keys;
            }
        }
        catch (Exception error) when (error is FormatException or EndOfStreamException or InvalidOperationException or BsonSerializationException)
        {
            // Falls through to the validation error: a cursor that does not decode is the client's mistake.
        }

        throw new ValidationException([new ValidationFailure("cursor", "The cursor is not valid; use the nextCursor of a previous page.")]);
    }

    /// <summary>The page size a request asked for, within 1..MaxLimit.</summary>
    public static int Limit(int? requested) => Math.Clamp(requested ?? DefaultLimit, 1, MaxLimit);

    public static ObjectId IdKey(BsonValue value) => value is BsonObjectId id ? id.Value : throw new NotFoundException("Cursor position");
}
