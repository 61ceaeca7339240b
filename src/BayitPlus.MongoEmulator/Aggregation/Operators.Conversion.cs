using System.Globalization;
using BayitPlus.MongoEmulator.Bson;
using MongoDB.Bson;

namespace BayitPlus.MongoEmulator.Aggregation;

internal static partial class Operators
{
    private static void AddConversions(Dictionary<string, OperatorCompiler> table)
    {
        foreach (var (name, target) in (ReadOnlySpan<(string, BsonType)>)[
            ("$toString", BsonType.String), ("$toInt", BsonType.Int32), ("$toLong", BsonType.Int64),
            ("$toDouble", BsonType.Double), ("$toDecimal", BsonType.Decimal128), ("$toBool", BsonType.Boolean),
            ("$toDate", BsonType.DateTime), ("$toObjectId", BsonType.ObjectId)])
        {
            Unary(table, name, value => Values.IsNullish(value) ? BsonNull.Value : ConvertOrThrow(value!, target));
        }

        table["$convert"] = CompileConvert;
    }

    private static Evaluator CompileConvert(ExpressionCompiler compiler, BsonValue operand)
    {
        var args = NamedArgs.Parse(compiler, "$convert", operand, ["input", "to"], ["onError", "onNull"]);
        var input = args.Required("input");
        var to = args.Required("to");
        var onError = args.Optional("onError");
        var onNull = args.Optional("onNull");
        return context =>
        {
            var target = to(context);
            var value = input(context);
            if (Values.IsNullish(value))
            {
                return onNull is null ? BsonNull.Value : onNull(context);
            }

            if (Values.IsNullish(target))
            {
                return BsonNull.Value;
            }

            var type = TargetType(target!);
            if (onError is null)
            {
                return ConvertOrThrow(value!, type);
            }

            return TryConvert(value!, type, out var result, out _) ? result : onError(context);
        };
    }

    private static BsonType TargetType(BsonValue target)
    {
        var type = target switch
        {
            BsonString s => s.Value switch
            {
                "double" => BsonType.Double,
                "string" => BsonType.String,
                "objectId" => BsonType.ObjectId,
                "bool" => BsonType.Boolean,
                "date" => BsonType.DateTime,
                "int" => BsonType.Int32,
                "long" => BsonType.Int64,
                "decimal" => BsonType.Decimal128,
                _ => throw MongoErrorException.BadValue($"Unknown type name: {s.Value}"),
            },
            _ when Values.IsNumber(target) && Values.IsIntegral(target, out var code) => (BsonType)code,
            _ => throw new MongoErrorException(ErrorCodes.FailedToParse, $"$convert's 'to' argument must be a string or number, but is {Values.TypeName(target)}"),
        };
        return type is BsonType.Double or BsonType.String or BsonType.ObjectId or BsonType.Boolean or BsonType.DateTime
            or BsonType.Int32 or BsonType.Int64 or BsonType.Decimal128
            ? type
            : throw MongoErrorException.BadValue($"$convert to {target} is not supported");
    }

    private static BsonValue ConvertOrThrow(BsonValue value, BsonType target) =>
        TryConvert(value, target, out var result, out var error)
            ? result
            : throw new MongoErrorException(ErrorCodes.ConversionFailure, $"{error} in $convert with no onError value");

    private static bool TryConvert(BsonValue value, BsonType target, out BsonValue result, out string error)
    {
        error = "";
        try
        {
            result = target switch
            {
                BsonType.Double => ToDoubleValue(value),
                BsonType.Int32 => ToIntegerValue(value, int.MinValue, int.MaxValue, BsonType.Int32),
                BsonType.Int64 => ToIntegerValue(value, long.MinValue, long.MaxValue, BsonType.Int64),
                BsonType.Decimal128 => ToDecimalValue(value),
                BsonType.Boolean => Values.Bool(Values.IsTrue(value)),
                BsonType.String => ToStringValue(value),
                BsonType.ObjectId => ToObjectIdValue(value),
                _ => ToDateValue(value),
            };
            return true;
        }
        catch (ConversionException e)
        {
            result = BsonNull.Value;
            error = e.Message;
            return false;
        }
    }

    private static ConversionException Unsupported(BsonValue value, string target) =>
        new($"Unsupported conversion from {Values.TypeName(value)} to {target}");

    private static BsonValue ToDoubleValue(BsonValue value) => value.BsonType switch
    {
        BsonType.Double => value,
        BsonType.Int32 or BsonType.Int64 or BsonType.Decimal128 => new BsonDouble(Values.ToDouble(value)),
        BsonType.Boolean => new BsonDouble(value.AsBoolean ? 1 : 0),
        BsonType.DateTime => new BsonDouble(value.AsBsonDateTime.MillisecondsSinceEpoch),
        BsonType.String => new BsonDouble(ParseDouble(value.AsString)),
        _ => throw Unsupported(value, "double"),
    };

    private static double ParseDouble(string text) => text switch
    {
        "Infinity" or "inf" => double.PositiveInfinity,
        "-Infinity" or "-inf" => double.NegativeInfinity,
        "NaN" or "nan" => double.NaN,
        _ => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)
            ? d
            : throw new ConversionException($"Failed to parse number '{text}'"),
    };

    private static BsonValue ToIntegerValue(BsonValue value, long min, long max, BsonType target)
    {
        var name = target == BsonType.Int32 ? "int" : "long";
        long result;
        switch (value.BsonType)
        {
            case BsonType.Int32 or BsonType.Int64:
                result = value.ToInt64();
                break;
            case BsonType.Double:
                var d = Math.Truncate(value.AsDouble);
                result = double.IsFinite(d) && d >= min && d < -(double)min
                    ? (long)d
                    : throw new ConversionException($"Conversion would overflow target type: {value}");
                break;
            case BsonType.Decimal128:
                var m = decimal.Truncate(Values.ToDecimal(value));
                result = m >= min && m <= max ? (long)m : throw new ConversionException($"Conversion would overflow target type: {value}");
                break;
            case BsonType.Boolean:
                result = value.AsBoolean ? 1 : 0;
                break;
            case BsonType.DateTime when target == BsonType.Int64:
                result = value.AsBsonDateTime.MillisecondsSinceEpoch;
                break;
            case BsonType.String:
                result = long.TryParse(value.AsString, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed)
                    ? parsed
                    : throw new ConversionException($"Failed to parse number '{value.AsString}'");
                break;
            default:
                throw Unsupported(value, name);
        }

        if (result < min || result > max)
        {
            throw new ConversionException($"Conversion would overflow target type: {value}");
        }

        return target == BsonType.Int32 ? new BsonInt32((int)result) : new BsonInt64(result);
    }

    private static BsonValue ToDecimalValue(BsonValue value) => value.BsonType switch
    {
        BsonType.Decimal128 => value,
        BsonType.Int32 or BsonType.Int64 => Values.Decimal(value.ToInt64()),
        BsonType.Double => new BsonDecimal128(new Decimal128(value.AsDouble)),
        BsonType.Boolean => Values.Decimal(value.AsBoolean ? 1 : 0),
        BsonType.DateTime => Values.Decimal(value.AsBsonDateTime.MillisecondsSinceEpoch),
        BsonType.String => Decimal128.TryParse(value.AsString, out var parsed)
            ? new BsonDecimal128(parsed)
            : throw new ConversionException($"Failed to parse number '{value.AsString}'"),
        _ => throw Unsupported(value, "decimal"),
    };

    private static BsonValue ToStringValue(BsonValue value) => value.BsonType switch
    {
        BsonType.String => value,
        BsonType.Boolean => new BsonString(value.AsBoolean ? "true" : "false"),
        BsonType.ObjectId => new BsonString(value.AsObjectId.ToString()),
        BsonType.Int32 or BsonType.Int64 or BsonType.Double or BsonType.Decimal128 or BsonType.DateTime
            => new BsonString(CoerceToString("$convert", value)),
        _ => throw Unsupported(value, "string"),
    };

    private static BsonValue ToObjectIdValue(BsonValue value) => value.BsonType switch
    {
        BsonType.ObjectId => value,
        BsonType.String => value.AsString.Length == 24 && ObjectId.TryParse(value.AsString, out var id)
            ? new BsonObjectId(id)
            : throw new ConversionException($"Failed to parse objectId '{value.AsString}'"),
        _ => throw Unsupported(value, "objectId"),
    };

    private static BsonValue ToDateValue(BsonValue value) => value.BsonType switch
    {
        BsonType.DateTime => value,
        BsonType.Int64 => new BsonDateTime(value.AsInt64),
        BsonType.Double or BsonType.Decimal128 when double.IsFinite(Values.ToDouble(value)) =>
            new BsonDateTime((long)Math.Truncate(Values.ToDouble(value))),
        BsonType.String => DateParsing.TryParseIso(value.AsString) is { } millis
            ? new BsonDateTime(millis)
            : throw new ConversionException($"Error parsing date string '{value.AsString}'"),
        BsonType.ObjectId => Values.Date(value.AsObjectId.CreationTime),
        BsonType.Timestamp => new BsonDateTime(value.AsBsonTimestamp.Timestamp * 1000L),
        _ => throw Unsupported(value, "date"),
    };

    /// <summary>A failed conversion: becomes onError's value, or error 241 without it.</summary>
    private sealed class ConversionException(string message) : Exception(message);
}
