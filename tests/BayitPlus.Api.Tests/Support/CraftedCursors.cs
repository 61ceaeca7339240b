using Microsoft.AspNetCore.WebUtilities;
using MongoDB.Bson;
using MongoDB.Bson.Serialization;

namespace BayitPlus.Api.Tests.Support;

/// <summary>Cursors a client could craft from one the server issued (base64url of the BSON document
/// <c>{ k: [keys...] }</c>, the sort key second to last and the id last): none of them is what the
/// server issues, so every list must answer each with a 400 naming <c>cursor</c>.</summary>
public static class CraftedCursors
{
    /// <summary>The first millisecond after 9999-12-31, the last day .NET dates can hold.</summary>
    private const long AfterLastDate = 253_402_300_800_000;

    public static IReadOnlyList<(string Case, string Cursor)> From(string issued)
    {
        var bytes = WebEncoders.Base64UrlDecode(issued);
        var keys = BsonSerializer.Deserialize<BsonDocument>(bytes)["k"].AsBsonArray;
        return
        [
            ("not base64url", "@@not-a-cursor@@"),
            ("base64url of text, not BSON", Encode("hello, cursor"u8.ToArray())),
            ("tampered length header", Encode([(byte)(bytes[0] + 1), .. bytes[1..]])),
            ("truncated", Encode(bytes[..^1])),
            ("trailing byte", Encode([.. bytes, 0])),
            ("too long", Encode(new byte[4096])),
            ("keys not an array", Encode(new BsonDocument("k", "keys"))),
            ("no keys", Encode(new BsonDocument("k", new BsonArray()))),
            ("an extra field", Encode(new BsonDocument { ["k"] = keys, ["admin"] = true })),
            ("one key more", Encode(With(keys, k => k.Add(ObjectId.GenerateNewId())))),
            ("one key fewer", Encode(With(keys, k => k.RemoveAt(k.Count - 1)))),
            ("first key an int", Encode(With(keys, k => k[0] = 0))),
            ("sort key a document", Encode(With(keys, k => k[^2] = new BsonDocument("$gt", BsonMinKey.Value)))),
            ("sort key a string", Encode(With(keys, k => k[^2] = "2026-01-01"))),
            ("sort key a date after 9999", Encode(With(keys, k => k[^2] = new BsonDateTime(AfterLastDate)))),
            ("sort key the largest date", Encode(With(keys, k => k[^2] = new BsonDateTime(long.MaxValue)))),
            ("sort key the smallest date", Encode(With(keys, k => k[^2] = new BsonDateTime(long.MinValue)))),
            ("id a hex string", Encode(With(keys, k => k[^1] = k[^1].ToString()))),
            ("first key invalid UTF-8", InvalidUtf8(keys)),
        ];
    }

    private static BsonArray With(BsonArray keys, Action<BsonArray> change)
    {
        var copy = keys.DeepClone().AsBsonArray;
        change(copy);
        return copy;
    }

    private static string Encode(BsonArray keys) => Encode(new BsonDocument("k", keys));

    private static string Encode(BsonDocument document) => Encode(document.ToBson());

    private static string Encode(byte[] bytes) => WebEncoders.Base64UrlEncode(bytes);

    /// <summary>The keys with the first one a string whose bytes are not UTF-8 (a lone lead byte),
    /// which no BSON writer produces: written with a placeholder, then patched.</summary>
    private static string InvalidUtf8(BsonArray keys)
    {
        var bytes = new BsonDocument("k", With(keys, k => k[0] = "QQQQ")).ToBson();
        var at = bytes.AsSpan().IndexOf("QQQQ"u8);
        bytes[at] = 0xC3;
        bytes[at + 1] = 0x28;
        return Encode(bytes);
    }
}
