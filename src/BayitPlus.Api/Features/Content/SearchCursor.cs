using System.Security.Cryptography;
using Microsoft.AspNetCore.WebUtilities;
using MongoDB.Bson;
using MongoDB.Bson.Serialization;

namespace BayitPlus.Api.Features.Content;

/// <summary>
/// A position in the results of one search: the search's id (every page answers the first page's
/// <c>searchId</c>, so a click on any page is recorded against the one recorded search) and how many
/// results came before. Results are ranked by text score, which no index can seek to, so a page is
/// found by skipping; a search pages at most <see cref="MaxResults"/> deep, which bounds that work.
/// </summary>
/// <remarks>
/// A cursor is base64url of the BSON document <c>{ s: ["search", searchId, offset, query] }</c>,
/// where <c>query</c> is a digest of the search's rendered filter (its words and every taxonomy
/// filter), so a cursor is accepted only for the search that issued it. As with list cursors
/// (<c>Keyset</c>) it is checked strictly rather than signed: accepted only if it re-encodes to the
/// same text and holds exactly these types, an offset within range and the current query's digest.
/// Forging one gains nothing a client could not get by paging.
/// </remarks>
public sealed record SearchCursor(string SearchId, int Offset)
{
    /// <summary>How deep a search pages: the results after the thousandth are not reachable.</summary>
    public const int MaxResults = 1000;

    public const string Message = "cursor is not one this search issued for this q and these filters; use the nextCursor of the previous page, with the same q and filters.";

    private const string Tag = "search";

    /// <summary>Issued cursors are about 80 characters; a longer one is refused before decoding.</summary>
    public const int MaxLength = 200;

    /// <summary>The digest a cursor carries for a search whose rendered filter is <paramref name="filter"/>.</summary>
    public static string Digest(BsonDocument filter) => WebEncoders.Base64UrlEncode(SHA256.HashData(filter.ToBson())[..12]);

    public string Encode(string digest) =>
        WebEncoders.Base64UrlEncode(new BsonDocument("s", new BsonArray { Tag, ObjectId.Parse(SearchId), Offset, digest }).ToBson());

    /// <summary>Whether <paramref name="cursor"/> is absent or has the shape of one this search issues,
    /// so the validator reports a malformed one with the other parameters; which search it belongs to
    /// is checked by <see cref="Decode"/>, against the query.</summary>
    public static bool IsWellFormed(string? cursor) =>
        string.IsNullOrEmpty(cursor) || (Read(cursor) is { } read && read.Position.Encode(read.Digest) == cursor);

    /// <summary>The position <paramref name="cursor"/> names, or null when it is not exactly a
    /// cursor issued for the search whose digest is <paramref name="digest"/>.</summary>
    public static SearchCursor? Decode(string cursor, string digest) =>
        Read(cursor) is { } read && read.Digest == digest && read.Position.Encode(digest) == cursor ? read.Position : null;

    /// <summary>The position and digest a cursor holds, when it has exactly the shape issued cursors have.</summary>
    private static (SearchCursor Position, string Digest)? Read(string cursor)
    {
        if (cursor.Length > MaxLength)
        {
            return null;
        }

        BsonDocument document;
        try
        {
            document = BsonSerializer.Deserialize<BsonDocument>(WebEncoders.Base64UrlDecode(cursor));
        }
        catch (Exception error) when (error is FormatException or EndOfStreamException or ArgumentException or BsonException)
        {
            // The BSON reader reports malformed input (bad lengths, invalid UTF-8, unknown types)
            // through these; any of them means the text is not one of our cursors.
            return null;
        }

        if (document.GetValue("s", null) is not BsonArray { Count: 4 } keys
            || keys[0] is not BsonString { Value: Tag }
            || keys[1] is not BsonObjectId searchId
            || keys[2] is not BsonInt32 { Value: > 0 and < MaxResults } offset
            || keys[3] is not BsonString query)
        {
            return null;
        }

        return (new SearchCursor(searchId.Value.ToString(), offset.Value), query.Value);
    }
}
