using System.Globalization;
using BayitPlus.MongoEmulator.Bson;
using MongoDB.Bson;

namespace BayitPlus.MongoEmulator.Aggregation;

/// <summary>Value rules shared by expressions, accumulators and stages: truthiness, type names,
/// numeric arithmetic with MongoDB's result types, and date conversions.</summary>
internal static class Values
{
    private enum NumKind
    {
        Int,
        Long,
        Double,
        Decimal,
    }

    public static readonly BsonValue True = BsonBoolean.True;
    public static readonly BsonValue False = BsonBoolean.False;

    public static BsonValue Bool(bool value) => value ? BsonBoolean.True : BsonBoolean.False;

    /// <summary>MongoDB's truthiness: false, null, missing, undefined and numeric zero are false.</summary>
    public static bool IsTrue(BsonValue? value) => value?.BsonType switch
    {
        null or BsonType.Null or BsonType.Undefined => false,
        BsonType.Boolean => value.AsBoolean,
        BsonType.Int32 => value.AsInt32 != 0,
        BsonType.Int64 => value.AsInt64 != 0,
        BsonType.Double => value.AsDouble != 0,
        BsonType.Decimal128 => value.AsDecimal128 != Decimal128.Zero,
        _ => true,
    };

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

    public static bool IsNumber(BsonValue? value) => BsonOrder.IsNumber(value);

    public static bool IsNullish(BsonValue? value) => BsonOrder.IsNullOrMissing(value);

    public static double ToDouble(BsonValue value) => BsonOrder.ToDouble(value);

    public static decimal ToDecimal(BsonValue value)
    {
        try
        {
            return value.BsonType switch
            {
                BsonType.Int32 => value.AsInt32,
                BsonType.Int64 => value.AsInt64,
                BsonType.Double => (decimal)value.AsDouble,
                BsonType.Decimal128 => Decimal128.ToDecimal(value.AsDecimal128),
                _ => throw new InvalidOperationException($"{value.BsonType} is not a number."),
            };
        }
        catch (OverflowException)
        {
            throw MongoErrorException.BadValue($"The emulator's decimal arithmetic cannot represent {value}");
        }
    }

    public static BsonValue Decimal(decimal value) => new BsonDecimal128(new Decimal128(value));

    /// <summary>An int when the value fits, otherwise a long, as MongoDB widens integer results.</summary>
    public static BsonValue Integer(long value) =>
        value is >= int.MinValue and <= int.MaxValue ? new BsonInt32((int)value) : new BsonInt64(value);

    public static bool IsIntegral(BsonValue value, out long result)
    {
        switch (value.BsonType)
        {
            case BsonType.Int32:
                result = value.AsInt32;
                return true;
            case BsonType.Int64:
                result = value.AsInt64;
                return true;
            case BsonType.Double:
                var d = value.AsDouble;
                var fits = Math.Truncate(d) == d && d is >= -9.2233720368547758E18 and < 9.2233720368547758E18;
                result = fits ? (long)d : 0;
                return fits;
            case BsonType.Decimal128:
                var m = ToDecimal(value);
                var integral = decimal.Truncate(m) == m && m is >= long.MinValue and <= long.MaxValue;
                result = integral ? (long)m : 0;
                return integral;
            default:
                result = 0;
                return false;
        }
    }

    public static BsonValue Add(BsonValue a, BsonValue b) => Kind(a, b) switch
    {
        NumKind.Decimal => Decimal(ToDecimal(a) + ToDecimal(b)),
        NumKind.Double => new BsonDouble(ToDouble(a) + ToDouble(b)),
        var kind => IntegerResult(kind, (Int128)a.ToInt64() + b.ToInt64(), ToDouble(a) + ToDouble(b)),
    };

    public static BsonValue Subtract(BsonValue a, BsonValue b) => Kind(a, b) switch
    {
        NumKind.Decimal => Decimal(ToDecimal(a) - ToDecimal(b)),
        NumKind.Double => new BsonDouble(ToDouble(a) - ToDouble(b)),
        var kind => IntegerResult(kind, (Int128)a.ToInt64() - b.ToInt64(), ToDouble(a) - ToDouble(b)),
    };

    public static BsonValue Multiply(BsonValue a, BsonValue b) => Kind(a, b) switch
    {
        NumKind.Decimal => Decimal(ToDecimal(a) * ToDecimal(b)),
        NumKind.Double => new BsonDouble(ToDouble(a) * ToDouble(b)),
        var kind => IntegerResult(kind, (Int128)a.ToInt64() * b.ToInt64(), ToDouble(a) * ToDouble(b)),
    };

    public static BsonValue Divide(BsonValue a, BsonValue b) => Kind(a, b) == NumKind.Decimal
        ? Decimal(ToDecimal(a) / ToDecimal(b))
        : new BsonDouble(ToDouble(a) / ToDouble(b));

    public static BsonValue Mod(BsonValue a, BsonValue b) => Kind(a, b) switch
    {
        NumKind.Decimal => Decimal(ToDecimal(a) % ToDecimal(b)),
        NumKind.Double => new BsonDouble(ToDouble(a) % ToDouble(b)),
        NumKind.Long => new BsonInt64(b.ToInt64() == -1 ? 0 : a.ToInt64() % b.ToInt64()),
        _ => new BsonInt32(b.AsInt32 == -1 ? 0 : a.AsInt32 % b.AsInt32),
    };

    public static bool IsZero(BsonValue value) => value.BsonType switch
    {
        BsonType.Int32 => value.AsInt32 == 0,
        BsonType.Int64 => value.AsInt64 == 0,
        BsonType.Double => value.AsDouble == 0,
        _ => ToDecimal(value) == 0,
    };

    /// <summary>The wider of two numeric types, as MongoDB picks the result type of arithmetic.</summary>
    public static bool IsWider(BsonValue candidate, BsonValue than) => Rank(candidate) > Rank(than);

    private static NumKind Kind(BsonValue a, BsonValue b) => (NumKind)Math.Max(Rank(a), Rank(b));

    private static int Rank(BsonValue value) => value.BsonType switch
    {
        BsonType.Int32 => (int)NumKind.Int,
        BsonType.Int64 => (int)NumKind.Long,
        BsonType.Double => (int)NumKind.Double,
        _ => (int)NumKind.Decimal,
    };

    /// <summary>Integer arithmetic widens int to long and overflows long into double, as MongoDB does.</summary>
    private static BsonValue IntegerResult(NumKind kind, Int128 exact, double fallback) =>
        exact < long.MinValue || exact > long.MaxValue ? new BsonDouble(fallback)
        : kind == NumKind.Int ? Integer((long)exact)
        : new BsonInt64((long)exact);

    public static DateTime ToDateTime(long millis) =>
        DateTime.UnixEpoch.AddTicks(checked(millis * TimeSpan.TicksPerMillisecond));

    public static long ToMillis(DateTime value) => (value.Ticks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerMillisecond;

    public static BsonDateTime Date(DateTime value) => new(ToMillis(value));

    public static string FormatDouble(double value)
    {
        if (double.IsNaN(value))
        {
            return "NaN";
        }

        if (double.IsInfinity(value))
        {
            return value > 0 ? "Infinity" : "-Infinity";
        }

        return value.ToString("R", CultureInfo.InvariantCulture).Replace("E", "e", StringComparison.Ordinal);
    }

    public static string FormatDate(long millis) =>
        ToDateTime(millis).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
