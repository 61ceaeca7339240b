using BayitPlus.MongoEmulator.Bson;
using MongoDB.Bson;

namespace BayitPlus.MongoEmulator.Aggregation;

internal static partial class Operators
{
    private static void AddArithmetic(Dictionary<string, OperatorCompiler> table)
    {
        Variadic(table, "$add", 0, int.MaxValue, AddValues);
        Binary(table, "$subtract", Subtract);
        Variadic(table, "$multiply", 0, int.MaxValue, values =>
        {
            BsonValue product = new BsonInt32(1);
            foreach (var value in values)
            {
                if (Values.IsNullish(value))
                {
                    return BsonNull.Value;
                }

                product = Values.IsNumber(value)
                    ? Values.Multiply(product, value!)
                    : throw TypeError(16555, "$multiply", "only supports numeric types", value);
            }

            return product;
        });
        Binary(table, "$divide", (a, b) => NumericPair("$divide", 16609, a, b, (x, y) => Values.IsZero(y)
            ? throw new MongoErrorException(16608, "can't $divide by zero")
            : Values.Divide(x, y)));
        Binary(table, "$mod", (a, b) => NumericPair("$mod", 16611, a, b, (x, y) => Values.IsZero(y)
            ? throw new MongoErrorException(16610, "can't $mod by zero")
            : Values.Mod(x, y)));
        Unary(table, "$abs", value => Numeric("$abs", value, Abs));
        Unary(table, "$ceil", value => Numeric("$ceil", value, v => v.BsonType switch
        {
            BsonType.Double => new BsonDouble(Math.Ceiling(v.AsDouble)),
            BsonType.Decimal128 => Values.Decimal(decimal.Ceiling(Values.ToDecimal(v))),
            _ => v,
        }));
        Unary(table, "$floor", value => Numeric("$floor", value, v => v.BsonType switch
        {
            BsonType.Double => new BsonDouble(Math.Floor(v.AsDouble)),
            BsonType.Decimal128 => Values.Decimal(decimal.Floor(Values.ToDecimal(v))),
            _ => v,
        }));
        Variadic(table, "$round", 1, 2, values => RoundOrTruncate("$round", values, MidpointRounding.ToEven));
        Variadic(table, "$trunc", 1, 2, values => RoundOrTruncate("$trunc", values, MidpointRounding.ToZero));
        Unary(table, "$sqrt", value => Numeric("$sqrt", value, v => Values.ToDouble(v) < 0
            ? throw new MongoErrorException(28714, "$sqrt's argument must be greater than or equal to 0")
            : Real(v, Math.Sqrt)));
        Unary(table, "$exp", value => Numeric("$exp", value, v => Real(v, Math.Exp)));
        Unary(table, "$ln", value => Numeric("$ln", value, v => Values.ToDouble(v) <= 0
            ? throw new MongoErrorException(28766, $"$ln's argument must be a positive number, but is {v}")
            : Real(v, Math.Log)));
        Unary(table, "$log10", value => Numeric("$log10", value, v => Values.ToDouble(v) <= 0
            ? throw new MongoErrorException(28761, $"$log10's argument must be a positive number, but is {v}")
            : Real(v, Math.Log10)));
        Binary(table, "$log", (a, b) => NumericPair("$log", 28756, a, b, (x, y) =>
            Values.ToDouble(x) <= 0 ? throw new MongoErrorException(28758, $"$log's argument must be a positive number, but is {x}")
            : Values.ToDouble(y) <= 0 || Values.ToDouble(y) == 1 ? throw new MongoErrorException(28759, $"$log's base must be a positive number not equal to 1, but is {y}")
            : Real(Values.IsWider(y, x) ? y : x, _ => Math.Log(Values.ToDouble(x), Values.ToDouble(y)))));
        Binary(table, "$pow", (a, b) => NumericPair("$pow", 28762, a, b, Pow));
    }

    private static BsonValue? AddValues(BsonValue?[] values)
    {
        BsonValue sum = new BsonInt32(0);
        long? dateMillis = null;
        foreach (var value in values)
        {
            if (Values.IsNullish(value))
            {
                return BsonNull.Value;
            }

            if (value!.BsonType == BsonType.DateTime)
            {
                dateMillis = dateMillis is null
                    ? value.AsBsonDateTime.MillisecondsSinceEpoch
                    : throw new MongoErrorException(16612, "only one date allowed in an $add expression");
            }
            else
            {
                sum = Values.IsNumber(value)
                    ? Values.Add(sum, value)
                    : throw TypeError(16554, "$add", "only supports numeric or date types", value);
            }
        }

        return dateMillis is { } millis ? new BsonDateTime(millis + RoundToLong(sum)) : sum;
    }

    private static BsonValue? Subtract(BsonValue? a, BsonValue? b)
    {
        if (Values.IsNullish(a) || Values.IsNullish(b))
        {
            return BsonNull.Value;
        }

        if (a!.BsonType == BsonType.DateTime)
        {
            var millis = a.AsBsonDateTime.MillisecondsSinceEpoch;
            return b!.BsonType switch
            {
                BsonType.DateTime => new BsonInt64(millis - b.AsBsonDateTime.MillisecondsSinceEpoch),
                _ when Values.IsNumber(b) => new BsonDateTime(millis - RoundToLong(b)),
                _ => throw new MongoErrorException(16613, $"cant $subtract a {Values.TypeName(b)} from a Date"),
            };
        }

        if (!Values.IsNumber(a) || !Values.IsNumber(b))
        {
            throw new MongoErrorException(
                16556, $"cant $subtract a {Values.TypeName(b)} from a {Values.TypeName(a)}");
        }

        return Values.Subtract(a, b!);
    }

    private static long RoundToLong(BsonValue number) => number.BsonType switch
    {
        BsonType.Int32 or BsonType.Int64 => number.ToInt64(),
        BsonType.Decimal128 => (long)decimal.Round(Values.ToDecimal(number), MidpointRounding.AwayFromZero),
        _ => (long)Math.Round(number.AsDouble, MidpointRounding.AwayFromZero),
    };

    private static BsonValue? Numeric(string op, BsonValue? value, Func<BsonValue, BsonValue> function) =>
        Values.IsNullish(value) ? BsonNull.Value
        : Values.IsNumber(value) ? function(value!)
        : throw TypeError(28765, op, "only supports numeric types", value);

    private static BsonValue? NumericPair(
        string op, int code, BsonValue? a, BsonValue? b, Func<BsonValue, BsonValue, BsonValue> function)
    {
        if (Values.IsNullish(a) || Values.IsNullish(b))
        {
            return BsonNull.Value;
        }

        if (!Values.IsNumber(a) || !Values.IsNumber(b))
        {
            throw new MongoErrorException(
                code, $"{op} only supports numeric types, not {Values.TypeName(a)} and {Values.TypeName(b)}");
        }

        return function(a!, b!);
    }

    /// <summary>A real-valued function: double in, double out, except that decimals stay decimal.</summary>
    private static BsonValue Real(BsonValue value, Func<double, double> function)
    {
        var result = function(Values.ToDouble(value));
        return value.BsonType == BsonType.Decimal128 && double.IsFinite(result)
            ? Values.Decimal((decimal)result)
            : new BsonDouble(result);
    }

    private static BsonValue Abs(BsonValue value) => value.BsonType switch
    {
        BsonType.Int32 => Values.Integer(Math.Abs((long)value.AsInt32)),
        BsonType.Int64 => value.AsInt64 == long.MinValue
            ? throw new MongoErrorException(28680, "can't take $abs of long long min")
            : new BsonInt64(Math.Abs(value.AsInt64)),
        BsonType.Double => new BsonDouble(Math.Abs(value.AsDouble)),
        _ => Values.Decimal(Math.Abs(Values.ToDecimal(value))),
    };

    private static BsonValue? RoundOrTruncate(string op, BsonValue?[] values, MidpointRounding mode)
    {
        var place = 0L;
        if (values.Length == 2)
        {
            if (Values.IsNullish(values[1]))
            {
                return BsonNull.Value;
            }

            if (!Values.IsNumber(values[1]) || !Values.IsIntegral(values[1]!, out place) || place is < -20 or > 100)
            {
                throw new MongoErrorException(51083, $"{op} requires an integral place argument between -20 and 100, found {values[1]}");
            }
        }

        return Numeric(op, values[0], value => RoundAt(value, (int)place, mode));
    }

    private static BsonValue RoundAt(BsonValue value, int place, MidpointRounding mode)
    {
        switch (value.BsonType)
        {
            case BsonType.Int32 or BsonType.Int64:
                if (place >= 0)
                {
                    return value;
                }

                var scale = (decimal)Math.Pow(10, -place);
                var rounded = decimal.Round(value.ToInt64() / scale, mode) * scale;
                return rounded is < long.MinValue or > long.MaxValue ? new BsonDouble((double)rounded)
                    : value.BsonType == BsonType.Int32 ? Values.Integer((long)rounded)
                    : new BsonInt64((long)rounded);
            case BsonType.Double:
                var d = value.AsDouble;
                if (!double.IsFinite(d) || Math.Abs(d) >= 1e28)
                {
                    return value;
                }

                // Through decimal (15 significant digits), as MongoDB rounds doubles via Decimal128.
                return new BsonDouble((double)RoundDecimal((decimal)d, place, mode));
            default:
                return Values.Decimal(RoundDecimal(Values.ToDecimal(value), place, mode));
        }
    }

    private static decimal RoundDecimal(decimal value, int place, MidpointRounding mode)
    {
        if (place >= 28)
        {
            return value;
        }

        if (place >= 0)
        {
            return decimal.Round(value, place, mode);
        }

        var scale = (decimal)Math.Pow(10, -place);
        return decimal.Round(value / scale, mode) * scale;
    }

    private static BsonValue Pow(BsonValue baseValue, BsonValue exponent)
    {
        if (Values.IsZero(baseValue) && Values.ToDouble(exponent) < 0)
        {
            throw new MongoErrorException(28764, "$pow cannot take a base of 0 and a negative exponent");
        }

        if (baseValue.BsonType == BsonType.Decimal128 || exponent.BsonType == BsonType.Decimal128)
        {
            var result = Math.Pow(Values.ToDouble(baseValue), Values.ToDouble(exponent));
            return double.IsFinite(result) ? Values.Decimal((decimal)result) : new BsonDouble(result);
        }

        if (baseValue.BsonType is BsonType.Int32 or BsonType.Int64 && exponent.BsonType is BsonType.Int32 or BsonType.Int64)
        {
            var b = baseValue.ToInt64();
            var e = exponent.ToInt64();
            var exact = IntegerPow(b, e);
            if (exact is { } value)
            {
                var widest = baseValue.BsonType == BsonType.Int64 || exponent.BsonType == BsonType.Int64;
                return widest ? new BsonInt64(value) : Values.Integer(value);
            }
        }

        return new BsonDouble(Math.Pow(Values.ToDouble(baseValue), Values.ToDouble(exponent)));
    }

    /// <summary>The exact integer power, or null when it is fractional or overflows a long.</summary>
    private static long? IntegerPow(long b, long e)
    {
        switch (b)
        {
            case 0 or 1:
                return e == 0 ? 1 : b;
            case -1:
                return e % 2 == 0 ? 1 : -1;
        }

        if (e < 0)
        {
            return null;
        }

        // |b| >= 2, so at most 63 multiplications before overflowing.
        Int128 result = 1;
        for (var i = 0L; i < e; i++)
        {
            result *= b;
            if (result > long.MaxValue || result < long.MinValue)
            {
                return null;
            }
        }

        return (long)result;
    }
}
