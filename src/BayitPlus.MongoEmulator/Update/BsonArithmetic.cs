using MongoDB.Bson;

namespace BayitPlus.MongoEmulator.Update;

/// <summary>The server's numeric promotion for <c>$inc</c> and <c>$mul</c>: decimal wins, then
/// double, then long; int32 results that overflow become longs, and long overflow fails
/// (null result).</summary>
internal static class BsonArithmetic
{
    public static BsonValue? Add(BsonValue x, BsonValue y) =>
        Combine(x, y, static (a, b) => a + b, static (a, b) => a + b, static (a, b) => a + b, AddLong);

    public static BsonValue? Multiply(BsonValue x, BsonValue y) =>
        Combine(x, y, static (a, b) => a * b, static (a, b) => a * b, static (a, b) => a * b, MultiplyLong);

    private static BsonValue? Combine(
        BsonValue x,
        BsonValue y,
        Func<decimal, decimal, decimal> decimalOp,
        Func<double, double, double> doubleOp,
        Func<long, long, long> intOp,
        Func<long, long, long?> longOp)
    {
        if (x.BsonType == BsonType.Decimal128 || y.BsonType == BsonType.Decimal128)
        {
            return DecimalOp(x, y, decimalOp);
        }

        if (x.BsonType == BsonType.Double || y.BsonType == BsonType.Double)
        {
            return new BsonDouble(doubleOp(ToDouble(x), ToDouble(y)));
        }

        if (x.BsonType == BsonType.Int32 && y.BsonType == BsonType.Int32)
        {
            // Two int32 operands never overflow a long, so the widened result is exact.
            var wide = intOp(x.AsInt32, y.AsInt32);
            return wide is >= int.MinValue and <= int.MaxValue ? new BsonInt32((int)wide) : new BsonInt64(wide);
        }

        var result = longOp(x.ToInt64(), y.ToInt64());
        return result is { } value ? new BsonInt64(value) : null;
    }

    private static BsonValue? DecimalOp(BsonValue x, BsonValue y, Func<decimal, decimal, decimal> op)
    {
        try
        {
            return new BsonDecimal128(new Decimal128(op(ToDecimal(x), ToDecimal(y))));
        }
        catch (OverflowException)
        {
            return null;
        }
    }

    private static decimal ToDecimal(BsonValue value) => value.BsonType switch
    {
        BsonType.Int32 => value.AsInt32,
        BsonType.Int64 => value.AsInt64,
        // Like the server, a double joins decimal arithmetic rounded to 15 significant digits.
        BsonType.Double => (decimal)value.AsDouble,
        _ => Decimal128.ToDecimal(value.AsDecimal128),
    };

    private static double ToDouble(BsonValue value) => value.BsonType switch
    {
        BsonType.Int32 => value.AsInt32,
        BsonType.Int64 => value.AsInt64,
        _ => value.AsDouble,
    };

    private static long? AddLong(long a, long b)
    {
        var sum = unchecked(a + b);
        return ((a ^ sum) & (b ^ sum)) < 0 ? null : sum;
    }

    private static long? MultiplyLong(long a, long b)
    {
        var product = Math.BigMul(a, b, out var low);
        return (product == 0 && low >= 0) || (product == -1 && low < 0) ? low : null;
    }
}
