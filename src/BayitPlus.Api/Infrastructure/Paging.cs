using BayitPlus.Api.Infrastructure.Validation;
using FluentValidation;
using FluentValidation.Results;
using FluentValidation.Validators;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.OpenApi;
using MongoDB.Bson;
using MongoDB.Bson.Serialization;
using MongoDB.Driver;

namespace BayitPlus.Api.Infrastructure;

/// <summary>A page of a list: <c>{ items, nextCursor }</c>; <c>nextCursor</c> is null on the last page.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? NextCursor)
{
    public Page<TResult> Select<TResult>(Func<T, TResult> map) => new([.. Items.Select(map)], NextCursor);
}

/// <summary>The paging parameters every list takes: <c>limit</c> (a whole number from 1 to
/// <see cref="MaxLimit"/>, default <see cref="DefaultLimit"/>) and <c>cursor</c> (the
/// <c>nextCursor</c> of the previous page). Both are read as text, so a malformed value is a 400
/// naming its parameter rather than an anonymous binding failure; an empty value counts as absent.
/// Their rules document them (<see cref="QueryRules.WithQueryRules{TMessage}"/>).</summary>
public static class Paging
{
    public const int DefaultLimit = 20;
    public const int MaxLimit = 100;
    public static readonly string LimitMessage = $"limit must be a whole number from 1 to {MaxLimit}.";
    public const string CursorMessage = "cursor is not one this list issued for this order; use the nextCursor of a previous page.";

    /// <summary>Issued cursors are under 100 characters; a longer one is refused before decoding.</summary>
    public const int MaxCursorLength = 200;

    /// <summary>The page size, or null when <paramref name="limit"/> is not a whole number from 1 to <see cref="MaxLimit"/>.</summary>
    public static int? ParseLimit(string? limit) =>
        string.IsNullOrEmpty(limit) ? DefaultLimit : DescriptiveRules.ParseWholeNumber(limit) is { } parsed and >= 1 and <= MaxLimit ? parsed : null;

    /// <summary>A validator rule for a list's <c>limit</c>, so its error is reported with the other
    /// fields' and the document shows it as the integer it is.</summary>
    public static IRuleBuilderOptions<T, string?> PageLimit<T>(this IRuleBuilder<T, string?> rule) =>
        rule.WholeNumber(1, MaxLimit, DefaultLimit).WithMessage(LimitMessage);

    /// <summary>A validator rule for a list's <c>cursor</c>, so its error is reported with the other fields'.</summary>
    public static IRuleBuilderOptions<T, string?> PageCursor<T, TDocument>(this IRuleBuilder<T, string?> rule, Keyset<TDocument> keyset) =>
        rule.PageCursor((_, cursor) => keyset.Accepts(cursor));

    /// <summary>A list's <c>cursor</c> when the keyset depends on the query (its sort order).</summary>
    public static IRuleBuilderOptions<T, string?> PageCursor<T>(this IRuleBuilder<T, string?> rule, Func<T, string?, bool> accepts) =>
        rule.SetValidator(new CursorValidator<T>(accepts)).WithMessage(CursorMessage);
}

/// <summary>A list's <c>cursor</c>: one the list issued (<paramref name="accepts"/> decides), at
/// most <see cref="Paging.MaxCursorLength"/> characters.</summary>
public sealed class CursorValidator<T>(Func<T, string?, bool> accepts) : PropertyValidator<T, string?>, IDescriptiveRule
{
    public override string Name => "CursorValidator";

    public string Description => "The nextCursor of the previous page, unchanged, with the same filters and order.";

    public override bool IsValid(ValidationContext<T> context, string? value) => string.IsNullOrEmpty(value) || accepts(context.InstanceToValidate, value);

    public void Describe(OpenApiSchema schema) => schema.MaxLength = Paging.MaxCursorLength;

    protected override string GetDefaultMessageTemplate(string errorCode) => Paging.CursorMessage;
}

/// <summary>
/// The order a list pages in: descending on one field, then on <c>_id</c>, so ties keep a fixed
/// order and a cursor names one exact position; items added while a client pages never shift a
/// page. Documents without the field (written by other services) come last, where MongoDB puts
/// missing values in a descending sort.
/// </summary>
/// <remarks>
/// A cursor is base64url of the BSON document <c>{ k: [name, key, _id] }</c>. Cursors are checked
/// strictly rather than signed: one is accepted only if it re-encodes to exactly the same text and
/// holds this keyset's name, a key of the field's BSON type (a date within .NET's range), and an
/// ObjectId. A cursor is only a position in an order the client could walk anyway, and the query's
/// filters and authorization apply on top of it, so forging one gains nothing; what must never
/// happen is a malformed one reaching the query (a 500, or a document key read as an operator).
/// Strict checking gives that without a key to manage, and cursors stay valid across restarts and
/// instances.
/// </remarks>
/// <param name="name">Names the list and order in the cursor, so one list's cursor is refused by another.</param>
/// <param name="field">The element name sorted on.</param>
/// <param name="keyType">The BSON type <paramref name="key"/> gives.</param>
/// <param name="key">The sort key of a document, as stored.</param>
/// <param name="id">The document's id (24 hex digits).</param>
/// <param name="keyMayBeNull">Whether <paramref name="key"/> can be null (a document without the field).</param>
public sealed class Keyset<TDocument>(
    string name, string field, BsonType keyType, Func<TDocument, BsonValue> key, Func<TDocument, string> id, bool keyMayBeNull = false)
{
    private readonly SortDefinition<TDocument> _order = new BsonDocument { { field, -1 }, { "_id", -1 } };

    /// <summary>Whether a cursor is absent or one this keyset issued.</summary>
    public bool Accepts(string? cursor) => string.IsNullOrEmpty(cursor) || Decode(cursor) is not null;

    public Task<Page<TDocument>> ReadAsync(
        IMongoCollection<TDocument> collection, FilterDefinition<TDocument> filter, string? cursor, string? limit, CancellationToken cancellationToken) =>
        ReadAsync(collection, filter, cursor, limit, projection: null, cancellationToken);

    /// <summary>One page of the documents matching <paramref name="filter"/>, after the cursor's
    /// position. An invalid cursor or limit is a 400 naming it, even where a validator forgot its rule.</summary>
    public async Task<Page<TDocument>> ReadAsync(
        IMongoCollection<TDocument> collection,
        FilterDefinition<TDocument> filter,
        string? cursor,
        string? limit,
        ProjectionDefinition<TDocument>? projection,
        CancellationToken cancellationToken)
    {
        var size = Paging.ParseLimit(limit);
        var position = string.IsNullOrEmpty(cursor) ? null : Decode(cursor);
        var badCursor = position is null && !string.IsNullOrEmpty(cursor);
        if (size is null || badCursor)
        {
            throw Invalid(size is null, badCursor);
        }

        var find = collection.Find(position is null ? filter : filter & After(position)).Sort(_order).Limit(size + 1);
        var found = await (projection is null ? find : find.Project<TDocument>(projection)).ToListAsync(cancellationToken);
        var items = found.Take(size.Value).ToList();
        return new Page<TDocument>(items, found.Count > size ? CursorAfter(items[^1]) : null);
    }

    /// <summary>The cursor of the position right after <paramref name="document"/>, for a list that
    /// ends its page inside what it read (one that leaves some documents out).</summary>
    public string CursorAfter(TDocument document) => Encode(new BsonArray { name, key(document), ObjectId.Parse(id(document)) });

    private static ValidationException Invalid(bool limit, bool cursor)
    {
        var failures = new List<ValidationFailure>();
        if (limit)
        {
            failures.Add(new ValidationFailure("limit", Paging.LimitMessage));
        }

        if (cursor)
        {
            failures.Add(new ValidationFailure("cursor", Paging.CursorMessage));
        }

        return new ValidationException(failures);
    }

    private static string Encode(BsonArray keys) => WebEncoders.Base64UrlEncode(new BsonDocument("k", keys).ToBson());

    /// <summary>The cursor's keys, or null when it is not exactly what this keyset issues.</summary>
    private BsonArray? Decode(string cursor)
    {
        if (cursor.Length > Paging.MaxCursorLength)
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

        return document.GetValue("k", null) is BsonArray keys && Fits(keys) && Encode(keys) == cursor ? keys : null;
    }

    private bool Fits(BsonArray keys) =>
        keys.Count == 3
        && keys[0] is BsonString tag && tag.Value == name
        && (keys[1].BsonType == keyType || (keyMayBeNull && keys[1].IsBsonNull))
        && keys[1] is not BsonDateTime { IsValidDateTime: false }
        && keys[2].IsObjectId;

    /// <summary>The documents after a position. A range on the field never matches documents
    /// without it, which sort last, so they are added explicitly.</summary>
    private FilterDefinition<TDocument> After(BsonArray keys)
    {
        var (position, lastId) = (keys[1], keys[2]);
        var sameKeyBefore = new BsonDocument { { field, position }, { "_id", new BsonDocument("$lt", lastId) } };
        return position.IsBsonNull
            ? sameKeyBefore
            : new BsonDocument("$or", new BsonArray
            {
                new BsonDocument(field, new BsonDocument("$lt", position)),
                sameKeyBefore,
                new BsonDocument(field, BsonNull.Value),
            });
    }
}
