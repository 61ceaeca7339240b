using MongoDB.Bson;

namespace BayitPlus.MongoEmulator.Bson;

/// <summary>
/// MongoDB's comparison order for BSON values: values of different types compare by their
/// canonical type rank, numbers compare across int/long/double/decimal, and missing
/// (C# null) sorts and compares like BSON null, as query matching and sorts treat it;
/// <see cref="ForExpressions"/> is the aggregation expressions' order instead.
/// </summary>
public sealed class BsonOrder : IComparer<BsonValue?>, IEqualityComparer<BsonValue?>
{
    public static readonly BsonOrder Instance = new(null, false);

    private const int MinKeyRank = 0;
    private const int MissingRank = 1;
    private const int NullRank = 2;
    private const int MaxKeyRank = 14;

    private readonly Collation? _collation;
    private readonly bool _missingBelowNull;
    private BsonOrder? _expressionOrder;

    private BsonOrder(Collation? collation, bool missingBelowNull)
    {
        _collation = collation;
        _missingBelowNull = missingBelowNull;
    }

    /// <summary>The order under <paramref name="collation"/> (strings compare by it, field names
    /// stay binary, as on the server); <see cref="Instance"/> for the simple collation.</summary>
    public static BsonOrder For(Collation? collation) => collation is null ? Instance : new BsonOrder(collation, false);

    public bool IsSimple => _collation is null;

    /// <summary>This order (same collation) as aggregation compares values (the server's
    /// <c>Value::compare</c>: <c>$eq</c> … <c>$cmp</c>, <c>$in</c>, the set operators, <c>$group</c>
    /// keys and accumulators): missing and <c>undefined</c> share a rank of their own, above MinKey
    /// and below null, so a missing field equals neither null nor anything but another missing or
    /// undefined value.</summary>
    public BsonOrder ForExpressions => _missingBelowNull ? this : _expressionOrder ??= new BsonOrder(_collation, true);

    /// <summary>The canonical type rank MongoDB uses before comparing values themselves, with
    /// missing and undefined ranked as null (query matching and sorts).</summary>
    public static int TypeRank(BsonValue? value) => value?.BsonType switch
    {
        null => NullRank,
        BsonType.MinKey => MinKeyRank,
        BsonType.Null or BsonType.Undefined => NullRank,
        BsonType.Int32 or BsonType.Int64 or BsonType.Double or BsonType.Decimal128 => 3,
        BsonType.Symbol or BsonType.String => 4,
        BsonType.Document => 5,
        BsonType.Array => 6,
        BsonType.Binary => 7,
        BsonType.ObjectId => 8,
        BsonType.Boolean => 9,
        BsonType.DateTime => 10,
        BsonType.Timestamp => 11,
        BsonType.RegularExpression => 12,
        BsonType.JavaScript or BsonType.JavaScriptWithScope => 13,
        BsonType.MaxKey => MaxKeyRank,
        _ => 13,
    };

    private int RankOf(BsonValue? value) =>
        _missingBelowNull && (value is null || value.BsonType == BsonType.Undefined) ? MissingRank : TypeRank(value);

    public static bool IsNumber(BsonValue? value) =>
        value is not null && value.BsonType is BsonType.Int32 or BsonType.Int64 or BsonType.Double or BsonType.Decimal128;

    public static bool IsNullOrMissing(BsonValue? value) =>
        value is null || value.BsonType is BsonType.Null or BsonType.Undefined;

    public static int CompareValues(BsonValue? x, BsonValue? y) => Instance.Compare(x, y);

    public static bool AreEqual(BsonValue? x, BsonValue? y) => Instance.Compare(x, y) == 0;

    public int Compare(BsonValue? x, BsonValue? y)
    {
        var rx = RankOf(x);
        var ry = RankOf(y);
        if (rx != ry)
        {
            return rx.CompareTo(ry);
        }

        if (x is null || y is null || rx is MinKeyRank or MissingRank or NullRank or MaxKeyRank)
        {
            return 0;
        }

        return rx switch
        {
            3 => CompareNumbers(x, y),
            4 => _collation?.Compare(StringOf(x), StringOf(y)) ?? Math.Sign(string.CompareOrdinal(StringOf(x), StringOf(y))),
            5 => CompareDocuments(x.AsBsonDocument, y.AsBsonDocument),
            6 => CompareArrays(x.AsBsonArray, y.AsBsonArray),
            7 => CompareBinary(x.AsBsonBinaryData, y.AsBsonBinaryData),
            8 => x.AsObjectId.CompareTo(y.AsObjectId),
            9 => x.AsBoolean.CompareTo(y.AsBoolean),
            10 => x.AsBsonDateTime.MillisecondsSinceEpoch.CompareTo(y.AsBsonDateTime.MillisecondsSinceEpoch),
            11 => ((ulong)x.AsBsonTimestamp.Value).CompareTo((ulong)y.AsBsonTimestamp.Value),
            12 => CompareRegex(x.AsBsonRegularExpression, y.AsBsonRegularExpression),
            _ => Math.Sign(string.CompareOrdinal(x.ToString(), y.ToString())),
        };
    }

    public bool Equals(BsonValue? x, BsonValue? y) => Compare(x, y) == 0;

    public int GetHashCode(BsonValue? obj)
    {
        var rank = RankOf(obj);
        switch (rank)
        {
            case MinKeyRank or MissingRank or NullRank or MaxKeyRank:
                return rank;
            case 3:
                var d = ToDouble(obj!);
                return double.IsNaN(d) ? 0x7ff8 : d.GetHashCode();
            case 4:
                return _collation?.HashOf(StringOf(obj!)) ?? StringComparer.Ordinal.GetHashCode(StringOf(obj!));
            case 5:
                var docHash = new HashCode();
                foreach (var element in obj!.AsBsonDocument)
                {
                    docHash.Add(element.Name, StringComparer.Ordinal);
                    docHash.Add(GetHashCode(element.Value));
                }

                return docHash.ToHashCode();
            case 6:
                var arrayHash = new HashCode();
                foreach (var item in obj!.AsBsonArray)
                {
                    arrayHash.Add(GetHashCode(item));
                }

                return arrayHash.ToHashCode();
            default:
                return obj!.GetHashCode();
        }
    }

    /// <summary>Converts any numeric BSON value to double (decimals may lose precision).</summary>
    public static double ToDouble(BsonValue value) => value.BsonType switch
    {
        BsonType.Int32 => value.AsInt32,
        BsonType.Int64 => value.AsInt64,
        BsonType.Double => value.AsDouble,
        BsonType.Decimal128 => (double)value.AsDecimal128,
        _ => throw new InvalidOperationException($"{value.BsonType} is not a number."),
    };

    private static string StringOf(BsonValue value) =>
        value.BsonType == BsonType.Symbol ? value.AsBsonSymbol.Name : value.AsString;

    private static int CompareNumbers(BsonValue x, BsonValue y)
    {
        if (x.BsonType is BsonType.Int32 or BsonType.Int64 && y.BsonType is BsonType.Int32 or BsonType.Int64)
        {
            return x.ToInt64().CompareTo(y.ToInt64());
        }

        if (x.BsonType == BsonType.Decimal128 || y.BsonType == BsonType.Decimal128)
        {
            var dx = ToDecimal(x);
            var dy = ToDecimal(y);
            if (dx is { } a && dy is { } b)
            {
                return a.CompareTo(b);
            }
        }

        var fx = ToDouble(x);
        var fy = ToDouble(y);
        if (double.IsNaN(fx) || double.IsNaN(fy))
        {
            // MongoDB orders NaN below every other number and equal to itself.
            return double.IsNaN(fx) ? (double.IsNaN(fy) ? 0 : -1) : 1;
        }

        if (x.BsonType == BsonType.Int64 && y.BsonType == BsonType.Double)
        {
            return CompareLongDouble(x.AsInt64, fy);
        }

        if (x.BsonType == BsonType.Double && y.BsonType == BsonType.Int64)
        {
            return -CompareLongDouble(y.AsInt64, fx);
        }

        return fx.CompareTo(fy);
    }

    private static int CompareLongDouble(long l, double d)
    {
        // Doubles beyond 2^63 exceed any long; otherwise compare exactly where the double is integral.
        if (d >= 9.2233720368547758E18)
        {
            return -1;
        }

        if (d < -9.2233720368547758E18)
        {
            return 1;
        }

        var truncated = (long)Math.Truncate(d);
        var cmp = l.CompareTo(truncated);
        if (cmp != 0)
        {
            return cmp;
        }

        var fraction = d - Math.Truncate(d);
        return fraction > 0 ? -1 : fraction < 0 ? 1 : 0;
    }

    private static decimal? ToDecimal(BsonValue value)
    {
        try
        {
            return value.BsonType switch
            {
                BsonType.Int32 => value.AsInt32,
                BsonType.Int64 => value.AsInt64,
                BsonType.Double => (decimal)value.AsDouble,
                BsonType.Decimal128 => (decimal)value.AsDecimal128,
                _ => null,
            };
        }
        catch (OverflowException)
        {
            return null;
        }
    }

    private int CompareDocuments(BsonDocument x, BsonDocument y)
    {
        var count = Math.Min(x.ElementCount, y.ElementCount);
        for (var i = 0; i < count; i++)
        {
            var ex = x.GetElement(i);
            var ey = y.GetElement(i);
            var typeCmp = RankOf(ex.Value).CompareTo(RankOf(ey.Value));
            if (typeCmp != 0)
            {
                return typeCmp;
            }

            var nameCmp = Math.Sign(string.CompareOrdinal(ex.Name, ey.Name));
            if (nameCmp != 0)
            {
                return nameCmp;
            }

            var valueCmp = Compare(ex.Value, ey.Value);
            if (valueCmp != 0)
            {
                return valueCmp;
            }
        }

        return x.ElementCount.CompareTo(y.ElementCount);
    }

    private int CompareArrays(BsonArray x, BsonArray y)
    {
        var count = Math.Min(x.Count, y.Count);
        for (var i = 0; i < count; i++)
        {
            var cmp = Compare(x[i], y[i]);
            if (cmp != 0)
            {
                return cmp;
            }
        }

        return x.Count.CompareTo(y.Count);
    }

    private static int CompareBinary(BsonBinaryData x, BsonBinaryData y)
    {
        var lengthCmp = x.Bytes.Length.CompareTo(y.Bytes.Length);
        if (lengthCmp != 0)
        {
            return lengthCmp;
        }

        var subtypeCmp = ((int)x.SubType).CompareTo((int)y.SubType);
        return subtypeCmp != 0 ? subtypeCmp : Math.Sign(x.Bytes.AsSpan().SequenceCompareTo(y.Bytes));
    }

    private static int CompareRegex(BsonRegularExpression x, BsonRegularExpression y)
    {
        var patternCmp = string.CompareOrdinal(x.Pattern, y.Pattern);
        return patternCmp != 0 ? Math.Sign(patternCmp) : Math.Sign(string.CompareOrdinal(x.Options, y.Options));
    }
}
