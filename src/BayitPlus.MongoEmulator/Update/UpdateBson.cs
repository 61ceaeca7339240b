using MongoDB.Bson;

namespace BayitPlus.MongoEmulator.Update;

/// <summary>Small BSON helpers the update language needs: binary identity, MongoDB type names and
/// the short renderings used in error messages.</summary>
internal static class UpdateBson
{
    /// <summary>True when both values would serialize to the same bytes: same types everywhere and
    /// the same field order. This is how the server decides an update was a no-op.</summary>
    public static bool Identical(BsonValue? x, BsonValue? y)
    {
        if (x is null || y is null)
        {
            return x is null && y is null;
        }

        if (x.BsonType != y.BsonType)
        {
            return false;
        }

        switch (x.BsonType)
        {
            case BsonType.Document:
                var dx = x.AsBsonDocument;
                var dy = y.AsBsonDocument;
                if (dx.ElementCount != dy.ElementCount)
                {
                    return false;
                }

                for (var i = 0; i < dx.ElementCount; i++)
                {
                    var ex = dx.GetElement(i);
                    var ey = dy.GetElement(i);
                    if (!string.Equals(ex.Name, ey.Name, StringComparison.Ordinal) || !Identical(ex.Value, ey.Value))
                    {
                        return false;
                    }
                }

                return true;
            case BsonType.Array:
                var ax = x.AsBsonArray;
                var ay = y.AsBsonArray;
                if (ax.Count != ay.Count)
                {
                    return false;
                }

                for (var i = 0; i < ax.Count; i++)
                {
                    if (!Identical(ax[i], ay[i]))
                    {
                        return false;
                    }
                }

                return true;
            case BsonType.Double:
                return BitConverter.DoubleToInt64Bits(x.AsDouble) == BitConverter.DoubleToInt64Bits(y.AsDouble);
            default:
                return x.Equals(y);
        }
    }

    /// <summary>The type name the server prints in messages (<c>$type</c> aliases).</summary>
    public static string TypeName(BsonValue? value) => value?.BsonType switch
    {
        null => "missing",
        BsonType.Double => "double",
        BsonType.String => "string",
        BsonType.Document => "object",
        BsonType.Array => "array",
        BsonType.Binary => "binData",
        BsonType.Undefined => "undefined",
        BsonType.ObjectId => "objectId",
        BsonType.Boolean => "bool",
        BsonType.DateTime => "date",
        BsonType.Null => "null",
        BsonType.RegularExpression => "regex",
        BsonType.JavaScript => "javascript",
        BsonType.Symbol => "symbol",
        BsonType.JavaScriptWithScope => "javascriptWithScope",
        BsonType.Int32 => "int",
        BsonType.Timestamp => "timestamp",
        BsonType.Int64 => "long",
        BsonType.Decimal128 => "decimal",
        BsonType.MinKey => "minKey",
        BsonType.MaxKey => "maxKey",
        _ => value.BsonType.ToString(),
    };

    /// <summary>Renders one element the way messages quote it, e.g. <c>{ "a" : 5 }</c>.</summary>
    public static string Describe(string name, BsonValue value) => new BsonDocument(name, value).ToJson();

    /// <summary>The <c>_id</c> of a document as messages quote it.</summary>
    public static string DescribeId(BsonDocument document) =>
        document.TryGetValue("_id", out var id) ? Describe("_id", id) : "{ }";

    /// <summary>Reads an integral number (int, long or a double without fraction).</summary>
    public static bool TryGetIntegral(BsonValue value, out long result)
    {
        switch (value.BsonType)
        {
            case BsonType.Int32:
                result = value.AsInt32;
                return true;
            case BsonType.Int64:
                result = value.AsInt64;
                return true;
            case BsonType.Double when Math.Truncate(value.AsDouble) == value.AsDouble
                                      && Math.Abs(value.AsDouble) < 9.2e18:
                result = (long)value.AsDouble;
                return true;
            case BsonType.Decimal128:
                try
                {
                    var d = Decimal128.ToDecimal(value.AsDecimal128);
                    if (decimal.Truncate(d) == d && d is >= long.MinValue and <= long.MaxValue)
                    {
                        result = (long)d;
                        return true;
                    }
                }
                catch (OverflowException)
                {
                    // Outside System.Decimal's range: certainly not a usable integer.
                }

                break;
        }

        result = 0;
        return false;
    }

    /// <summary>True for a path segment that can address an array element.</summary>
    public static bool TryParseIndex(string segment, out int index)
    {
        index = 0;
        // The server reads "01" as a field name, not an index.
        if (segment.Length == 0 || segment.Length > 9 || (segment.Length > 1 && segment[0] == '0'))
        {
            return false;
        }

        foreach (var c in segment)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }

            index = (index * 10) + (c - '0');
        }

        return true;
    }
}
