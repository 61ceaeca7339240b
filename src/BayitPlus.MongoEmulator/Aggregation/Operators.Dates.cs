using System.Globalization;
using System.Text;
using BayitPlus.MongoEmulator.Bson;
using MongoDB.Bson;

namespace BayitPlus.MongoEmulator.Aggregation;

/// <summary>Date operators. The emulator computes in UTC only: any other timezone is an error naming it.</summary>
internal static partial class Operators
{
    private const string DefaultDateFormat = "%Y-%m-%dT%H:%M:%S.%LZ";
    private static readonly DateTime ReferenceDate = new(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    private static void AddDates(Dictionary<string, OperatorCompiler> table)
    {
        DatePart(table, "$year", d => d.Year);
        DatePart(table, "$month", d => d.Month);
        DatePart(table, "$dayOfMonth", d => d.Day);
        DatePart(table, "$hour", d => d.Hour);
        DatePart(table, "$minute", d => d.Minute);
        DatePart(table, "$second", d => d.Second);
        DatePart(table, "$millisecond", d => d.Millisecond);
        DatePart(table, "$dayOfWeek", d => (int)d.DayOfWeek + 1);
        DatePart(table, "$dayOfYear", d => d.DayOfYear);
        DatePart(table, "$week", SundayWeek);
        DatePart(table, "$isoWeek", ISOWeek.GetWeekOfYear);
        DatePart(table, "$isoWeekYear", ISOWeek.GetYear);
        DatePart(table, "$isoDayOfWeek", d => d.DayOfWeek == DayOfWeek.Sunday ? 7 : (int)d.DayOfWeek);
        table["$dateToString"] = CompileDateToString;
        table["$dateFromString"] = CompileDateFromString;
        table["$dateTrunc"] = CompileDateTrunc;
        table["$dateAdd"] = (compiler, operand) => CompileDateAdd(compiler, operand, "$dateAdd", 1);
        table["$dateSubtract"] = (compiler, operand) => CompileDateAdd(compiler, operand, "$dateSubtract", -1);
        table["$dateDiff"] = CompileDateDiff;
        table["$dateFromParts"] = CompileDateFromParts;
        table["$dateToParts"] = CompileDateToParts;
    }

    /// <summary>Week of the year with weeks starting on Sunday; days before the first Sunday are week 0.</summary>
    private static int SundayWeek(DateTime date) => (date.DayOfYear + 6 - (int)date.DayOfWeek) / 7;

    private static void DatePart(Dictionary<string, OperatorCompiler> table, string name, Func<DateTime, int> part) =>
        table[name] = (compiler, operand) =>
        {
            Evaluator date;
            Evaluator? timezone = null;
            if (operand is BsonDocument document && document.ElementCount > 0 && !document.GetElement(0).Name.StartsWith('$'))
            {
                var args = NamedArgs.Parse(compiler, name, document, ["date"], ["timezone"]);
                (date, timezone) = (args.Required("date"), args.Optional("timezone"));
            }
            else
            {
                date = compiler.CompileArgs(name, operand, 1, 1)[0];
            }

            return context =>
            {
                var value = date(context);
                if (!CheckTimezone(name, timezone, context) || Values.IsNullish(value))
                {
                    return BsonNull.Value;
                }

                return new BsonInt32(part(Values.ToDateTime(DateMillis(name, value!))));
            };
        };

    /// <summary>Milliseconds since the epoch of a date, timestamp or ObjectId.</summary>
    private static long DateMillis(string op, BsonValue value) => value.BsonType switch
    {
        BsonType.DateTime => value.AsBsonDateTime.MillisecondsSinceEpoch,
        BsonType.Timestamp => value.AsBsonTimestamp.Timestamp * 1000L,
        BsonType.ObjectId => Values.ToMillis(value.AsObjectId.CreationTime),
        _ => throw new MongoErrorException(16006, $"{op}: can't convert from BSON type {Values.TypeName(value)} to Date"),
    };

    /// <summary>False when the timezone is null (the result is then null); throws on a zone other than UTC.</summary>
    private static bool CheckTimezone(string op, Evaluator? timezone, EvalContext context)
    {
        if (timezone is null)
        {
            return true;
        }

        var value = timezone(context);
        if (Values.IsNullish(value))
        {
            return false;
        }

        if (value is not BsonString zone)
        {
            throw new MongoErrorException(40517, $"{op}: timezone must evaluate to a string, found {Values.TypeName(value)}");
        }

        return zone.Value is "UTC" or "GMT" or "Etc/UTC" or "Etc/GMT" or "Z" or "+00:00" or "-00:00" or "+0000" or "-0000" or "+00" or "-00"
            ? true
            : throw MongoErrorException.BadValue($"{op}: timezone '{zone.Value}' is not supported by the emulator (only UTC)");
    }

    private static Evaluator CompileDateToString(ExpressionCompiler compiler, BsonValue operand)
    {
        var args = NamedArgs.Parse(compiler, "$dateToString", operand, ["date"], ["format", "timezone", "onNull"]);
        var date = args.Required("date");
        var format = args.Optional("format");
        var timezone = args.Optional("timezone");
        var onNull = args.Optional("onNull");
        return context =>
        {
            var value = date(context);
            var formatValue = format?.Invoke(context);
            if (format is not null && Values.IsNullish(formatValue))
            {
                return BsonNull.Value;
            }

            if (formatValue is not null and not BsonString)
            {
                throw new MongoErrorException(18533, $"$dateToString requires that 'format' be a string, found: {Values.TypeName(formatValue)}");
            }

            if (!CheckTimezone("$dateToString", timezone, context))
            {
                return BsonNull.Value;
            }

            if (Values.IsNullish(value))
            {
                return onNull is null ? BsonNull.Value : onNull(context);
            }

            var text = FormatDate(Values.ToDateTime(DateMillis("$dateToString", value!)), formatValue?.AsString ?? DefaultDateFormat);
            return new BsonString(text);
        };
    }

    private static string FormatDate(DateTime date, string format)
    {
        var builder = new StringBuilder();
        for (var i = 0; i < format.Length; i++)
        {
            if (format[i] != '%')
            {
                builder.Append(format[i]);
                continue;
            }

            if (++i == format.Length)
            {
                throw new MongoErrorException(18535, "Unmatched '%' at end of format string");
            }

            var inv = CultureInfo.InvariantCulture;
            builder.Append(format[i] switch
            {
                'Y' => date.Year.ToString("D4", inv),
                'G' => ISOWeek.GetYear(date).ToString("D4", inv),
                'm' => date.Month.ToString("D2", inv),
                'd' => date.Day.ToString("D2", inv),
                'H' => date.Hour.ToString("D2", inv),
                'M' => date.Minute.ToString("D2", inv),
                'S' => date.Second.ToString("D2", inv),
                'L' => date.Millisecond.ToString("D3", inv),
                'j' => date.DayOfYear.ToString("D3", inv),
                'w' => ((int)date.DayOfWeek + 1).ToString(inv),
                'u' => (date.DayOfWeek == DayOfWeek.Sunday ? 7 : (int)date.DayOfWeek).ToString(inv),
                'U' => SundayWeek(date).ToString("D2", inv),
                'V' => ISOWeek.GetWeekOfYear(date).ToString("D2", inv),
                'b' => date.ToString("MMM", inv),
                'B' => date.ToString("MMMM", inv),
                'z' => "+0000",
                'Z' => "+0",
                '%' => "%",
                var c => throw new MongoErrorException(18536, $"Invalid format character '%{c}' in format string"),
            });
        }

        return builder.ToString();
    }

    private static Evaluator CompileDateFromString(ExpressionCompiler compiler, BsonValue operand)
    {
        var args = NamedArgs.Parse(compiler, "$dateFromString", operand, ["dateString"], ["format", "timezone", "onError", "onNull"]);
        var input = args.Required("dateString");
        var format = args.Optional("format");
        var timezone = args.Optional("timezone");
        var onError = args.Optional("onError");
        var onNull = args.Optional("onNull");
        return context =>
        {
            var value = input(context);
            if (!CheckTimezone("$dateFromString", timezone, context))
            {
                return BsonNull.Value;
            }

            if (Values.IsNullish(value))
            {
                return onNull is null ? BsonNull.Value : onNull(context);
            }

            var formatValue = format?.Invoke(context);
            if (format is not null && Values.IsNullish(formatValue))
            {
                return BsonNull.Value;
            }

            long? millis = value is BsonString s
                ? formatValue is BsonString f ? DateParsing.TryParseFormat(s.Value, f.Value) : DateParsing.TryParseIso(s.Value)
                : null;
            if (millis is { } result)
            {
                return new BsonDateTime(result);
            }

            return onError is not null
                ? onError(context)
                : value is BsonString
                    ? throw new MongoErrorException(ErrorCodes.ConversionFailure, $"Error parsing date string '{value.AsString}'")
                    : throw new MongoErrorException(ErrorCodes.ConversionFailure, $"$dateFromString requires that 'dateString' be a string, found: {Values.TypeName(value)}");
        };
    }

    private enum DateUnit
    {
        Year,
        Quarter,
        Month,
        Week,
        Day,
        Hour,
        Minute,
        Second,
        Millisecond,
    }

    private static DateUnit ParseUnit(string op, BsonValue value) => value is BsonString s
        ? s.Value switch
        {
            "year" => DateUnit.Year,
            "quarter" => DateUnit.Quarter,
            "month" => DateUnit.Month,
            "week" => DateUnit.Week,
            "day" => DateUnit.Day,
            "hour" => DateUnit.Hour,
            "minute" => DateUnit.Minute,
            "second" => DateUnit.Second,
            "millisecond" => DateUnit.Millisecond,
            _ => throw new MongoErrorException(ErrorCodes.FailedToParse, $"{op}: unknown time unit value: {s.Value}"),
        }
        : throw new MongoErrorException(5439013, $"{op} requires 'unit' to be a string, but got {Values.TypeName(value)}");

    private static long UnitMillis(DateUnit unit) => unit switch
    {
        DateUnit.Week => 7 * 86_400_000L,
        DateUnit.Day => 86_400_000L,
        DateUnit.Hour => 3_600_000L,
        DateUnit.Minute => 60_000L,
        DateUnit.Second => 1_000L,
        _ => 1L,
    };

    private static DayOfWeek ParseStartOfWeek(string op, BsonValue? value) => value switch
    {
        null => DayOfWeek.Sunday,
        BsonString s => s.Value.ToLowerInvariant() switch
        {
            "sunday" or "sun" => DayOfWeek.Sunday,
            "monday" or "mon" => DayOfWeek.Monday,
            "tuesday" or "tue" => DayOfWeek.Tuesday,
            "wednesday" or "wed" => DayOfWeek.Wednesday,
            "thursday" or "thu" => DayOfWeek.Thursday,
            "friday" or "fri" => DayOfWeek.Friday,
            "saturday" or "sat" => DayOfWeek.Saturday,
            _ => throw new MongoErrorException(ErrorCodes.FailedToParse, $"{op}: unknown startOfWeek value: {s.Value}"),
        },
        _ => throw new MongoErrorException(5439015, $"{op} requires 'startOfWeek' to be a string, but got {Values.TypeName(value)}"),
    };

    private static long FloorDiv(long a, long b) => (a / b) - ((a % b != 0 && (a < 0) != (b < 0)) ? 1 : 0);

    private static DateTime StartOfWeek(DateTime date, DayOfWeek start) =>
        date.Date.AddDays(-(((int)date.DayOfWeek - (int)start + 7) % 7));

    private static Evaluator CompileDateTrunc(ExpressionCompiler compiler, BsonValue operand)
    {
        const string op = "$dateTrunc";
        var args = NamedArgs.Parse(compiler, op, operand, ["date", "unit"], ["binSize", "timezone", "startOfWeek"]);
        var date = args.Required("date");
        var unit = args.Required("unit");
        var binSize = args.Optional("binSize");
        var timezone = args.Optional("timezone");
        var startOfWeek = args.Optional("startOfWeek");
        return context =>
        {
            var dateValue = date(context);
            var unitValue = unit(context);
            var binValue = binSize?.Invoke(context);
            var startValue = startOfWeek?.Invoke(context);
            if (Values.IsNullish(dateValue) || Values.IsNullish(unitValue) || (binSize is not null && Values.IsNullish(binValue))
                || !CheckTimezone(op, timezone, context))
            {
                return BsonNull.Value;
            }

            var parsedUnit = ParseUnit(op, unitValue!);
            if (parsedUnit == DateUnit.Week && startOfWeek is not null && Values.IsNullish(startValue))
            {
                return BsonNull.Value;
            }

            var bins = 1L;
            if (binValue is not null && (!Values.IsNumber(binValue) || !Values.IsIntegral(binValue, out bins) || bins <= 0))
            {
                throw new MongoErrorException(5439017, $"{op} requires 'binSize' to be a positive 64-bit integer, but got value {binValue}");
            }

            var millis = DateMillis(op, dateValue!);
            return new BsonDateTime(TruncateDate(millis, parsedUnit, bins, ParseStartOfWeek(op, startValue)));
        };
    }

    private static long TruncateDate(long millis, DateUnit unit, long bins, DayOfWeek startOfWeek)
    {
        var date = Values.ToDateTime(millis);
        switch (unit)
        {
            case DateUnit.Year or DateUnit.Quarter or DateUnit.Month:
                var months = unit switch { DateUnit.Year => 12, DateUnit.Quarter => 3, _ => 1 } * bins;
                var elapsed = ((date.Year - ReferenceDate.Year) * 12L) + date.Month - 1;
                return Values.ToMillis(ReferenceDate.AddMonths((int)(FloorDiv(elapsed, months) * months)));
            case DateUnit.Week:
                // Weekly bins count from the first week start on or after the reference date.
                var reference = StartOfWeek(ReferenceDate.AddDays(6), startOfWeek);
                var span = UnitMillis(DateUnit.Week) * bins;
                var origin = Values.ToMillis(reference);
                return origin + (FloorDiv(millis - origin, span) * span);
            default:
                var size = UnitMillis(unit) * bins;
                var start = Values.ToMillis(ReferenceDate);
                return start + (FloorDiv(millis - start, size) * size);
        }
    }

    private static Evaluator CompileDateAdd(ExpressionCompiler compiler, BsonValue operand, string op, int sign)
    {
        var args = NamedArgs.Parse(compiler, op, operand, ["startDate", "unit", "amount"], ["timezone"]);
        var start = args.Required("startDate");
        var unit = args.Required("unit");
        var amount = args.Required("amount");
        var timezone = args.Optional("timezone");
        return context =>
        {
            var startValue = start(context);
            var unitValue = unit(context);
            var amountValue = amount(context);
            if (Values.IsNullish(startValue) || Values.IsNullish(unitValue) || Values.IsNullish(amountValue)
                || !CheckTimezone(op, timezone, context))
            {
                return BsonNull.Value;
            }

            var parsedUnit = ParseUnit(op, unitValue!);
            if (!Values.IsNumber(amountValue) || !Values.IsIntegral(amountValue!, out var count))
            {
                throw new MongoErrorException(5166405, $"{op} expects integer amount of time units, found {amountValue}");
            }

            var millis = DateMillis(op, startValue!);
            count *= sign;
            var months = parsedUnit switch { DateUnit.Year => 12, DateUnit.Quarter => 3, DateUnit.Month => 1, _ => 0 };
            try
            {
                return months > 0
                    ? Values.Date(Values.ToDateTime(millis).AddMonths(checked((int)(count * months))))
                    : new BsonDateTime(checked(millis + (count * UnitMillis(parsedUnit))));
            }
            catch (Exception e) when (e is OverflowException or ArgumentOutOfRangeException)
            {
                throw new MongoErrorException(5166406, $"{op} overflowed");
            }
        };
    }

    private static Evaluator CompileDateDiff(ExpressionCompiler compiler, BsonValue operand)
    {
        const string op = "$dateDiff";
        var args = NamedArgs.Parse(compiler, op, operand, ["startDate", "endDate", "unit"], ["timezone", "startOfWeek"]);
        var start = args.Required("startDate");
        var end = args.Required("endDate");
        var unit = args.Required("unit");
        var timezone = args.Optional("timezone");
        var startOfWeek = args.Optional("startOfWeek");
        return context =>
        {
            var startValue = start(context);
            var endValue = end(context);
            var unitValue = unit(context);
            if (Values.IsNullish(startValue) || Values.IsNullish(endValue) || Values.IsNullish(unitValue)
                || !CheckTimezone(op, timezone, context))
            {
                return BsonNull.Value;
            }

            var parsedUnit = ParseUnit(op, unitValue!);
            var from = DateMillis(op, startValue!);
            var to = DateMillis(op, endValue!);
            var (a, b) = (Values.ToDateTime(from), Values.ToDateTime(to));
            long result = parsedUnit switch
            {
                DateUnit.Year => b.Year - a.Year,
                DateUnit.Quarter => ((b.Year * 4) + ((b.Month - 1) / 3)) - ((a.Year * 4) + ((a.Month - 1) / 3)),
                DateUnit.Month => ((b.Year * 12) + b.Month) - ((a.Year * 12) + a.Month),
                DateUnit.Week => WeeksBetween(a, b, ParseStartOfWeek(op, startOfWeek?.Invoke(context))),
                DateUnit.Millisecond => to - from,
                _ => FloorDiv(to, UnitMillis(parsedUnit)) - FloorDiv(from, UnitMillis(parsedUnit)),
            };
            return new BsonInt64(result);
        };
    }

    private static long WeeksBetween(DateTime from, DateTime to, DayOfWeek startOfWeek) =>
        (StartOfWeek(to, startOfWeek) - StartOfWeek(from, startOfWeek)).Days / 7;

    private static Evaluator CompileDateFromParts(ExpressionCompiler compiler, BsonValue operand)
    {
        const string op = "$dateFromParts";
        string[] time = ["hour", "minute", "second", "millisecond"];
        var iso = operand is BsonDocument d && d.Contains("isoWeekYear");
        string[] date = iso ? ["isoWeekYear", "isoWeek", "isoDayOfWeek"] : ["year", "month", "day"];
        var args = NamedArgs.Parse(compiler, op, operand, [date[0]], [.. date.Skip(1), .. time, "timezone"]);
        var parts = date.Concat(time).Select(args.Optional).ToArray();
        var timezone = args.Optional("timezone");
        return context =>
        {
            var values = new long[parts.Length];
            for (var i = 0; i < parts.Length; i++)
            {
                var value = parts[i]?.Invoke(context);
                if (parts[i] is not null && Values.IsNullish(value))
                {
                    return BsonNull.Value;
                }

                var name = i < 3 ? date[i] : time[i - 3];
                values[i] = value is null ? (i is 1 or 2 ? 1 : 0)
                    : Values.IsNumber(value) && Values.IsIntegral(value, out var n) ? n
                    : throw new MongoErrorException(40515, $"'{name}' must evaluate to an integer, found {Values.TypeName(value)} with value {value}");
                if (i == 0 ? values[i] is < 1 or > 9999 : values[i] is < -32768 or > 32767)
                {
                    throw new MongoErrorException(31034, $"'{name}' must evaluate to a value in the range {(i == 0 ? "[1, 9999]" : "[-32768, 32767]")}; value {values[i]} is not in range");
                }
            }

            if (!CheckTimezone(op, timezone, context))
            {
                return BsonNull.Value;
            }

            // Out-of-range parts carry over into the larger units, as MongoDB does.
            var start = iso
                ? ISOWeek.ToDateTime((int)values[0], 1, DayOfWeek.Monday).AddDays(((values[1] - 1) * 7) + values[2] - 1)
                : new DateTime((int)values[0], 1, 1, 0, 0, 0, DateTimeKind.Utc).AddMonths((int)values[1] - 1).AddDays(values[2] - 1);
            var millis = Values.ToMillis(DateTime.SpecifyKind(start, DateTimeKind.Utc))
                + (values[3] * 3_600_000L) + (values[4] * 60_000L) + (values[5] * 1_000L) + values[6];
            return new BsonDateTime(millis);
        };
    }

    private static Evaluator CompileDateToParts(ExpressionCompiler compiler, BsonValue operand)
    {
        const string op = "$dateToParts";
        var args = NamedArgs.Parse(compiler, op, operand, ["date"], ["timezone", "iso8601"]);
        var date = args.Required("date");
        var timezone = args.Optional("timezone");
        var iso = args.Optional("iso8601");
        return context =>
        {
            var value = date(context);
            if (Values.IsNullish(value) || !CheckTimezone(op, timezone, context))
            {
                return BsonNull.Value;
            }

            var d = Values.ToDateTime(DateMillis(op, value!));
            var parts = Values.IsTrue(iso?.Invoke(context))
                ? new BsonDocument
                {
                    { "isoWeekYear", ISOWeek.GetYear(d) },
                    { "isoWeek", ISOWeek.GetWeekOfYear(d) },
                    { "isoDayOfWeek", d.DayOfWeek == DayOfWeek.Sunday ? 7 : (int)d.DayOfWeek },
                }
                : new BsonDocument { { "year", d.Year }, { "month", d.Month }, { "day", d.Day } };
            parts.AddRange(new BsonDocument { { "hour", d.Hour }, { "minute", d.Minute }, { "second", d.Second }, { "millisecond", d.Millisecond } });
            return parts;
        };
    }
}

/// <summary>Parsing of date strings for $dateFromString and $toDate (UTC unless the string has an offset).</summary>
internal static class DateParsing
{
    private static readonly string[] IsoFormats =
    [
        "yyyy-MM-dd", "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF",
        "yyyy-MM-dd HH:mm", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm:ss.FFFFFFF",
        "yyyy-MM-dd'T'HH:mmK", "yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK",
        "yyyy-MM-dd HH:mmK", "yyyy-MM-dd HH:mm:ssK", "yyyy-MM-dd HH:mm:ss.FFFFFFFK",
        "yyyy-MM-dd'T'HH:mm:sszzz", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", "yyyy-MM-dd'T'HH:mm:ssz", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFz",
        "yyyy/MM/dd", "yyyy/MM/dd HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'",
    ];

    public static long? TryParseIso(string text) =>
        DateTimeOffset.TryParseExact(text.Trim(), IsoFormats, CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed)
            ? Values.ToMillis(parsed.UtcDateTime)
            : null;

    /// <summary>Parses with a MongoDB format (%Y %m %d %H %M %S %L %j %z and literals); null when it does not fit.</summary>
    public static long? TryParseFormat(string text, string format)
    {
        int year = 1970, month = 1, day = 1, hour = 0, minute = 0, second = 0, millisecond = 0, dayOfYear = 0, offsetMinutes = 0;
        var position = 0;
        for (var i = 0; i < format.Length; i++)
        {
            if (format[i] != '%' || i + 1 == format.Length)
            {
                if (position >= text.Length || text[position] != format[i])
                {
                    return null;
                }

                position++;
                continue;
            }

            var spec = format[++i];
            var ok = spec switch
            {
                'Y' => Digits(text, ref position, 4, out year),
                'm' => Digits(text, ref position, 2, out month),
                'd' => Digits(text, ref position, 2, out day),
                'H' => Digits(text, ref position, 2, out hour),
                'M' => Digits(text, ref position, 2, out minute),
                'S' => Digits(text, ref position, 2, out second),
                'L' => Digits(text, ref position, 3, out millisecond),
                'j' => Digits(text, ref position, 3, out dayOfYear),
                'z' => Offset(text, ref position, out offsetMinutes),
                '%' => position < text.Length && text[position++] == '%',
                _ => throw new MongoErrorException(18536, $"Invalid format character '%{spec}' in format string"),
            };
            if (!ok)
            {
                return null;
            }
        }

        if (position != text.Length || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(Math.Clamp(year, 1, 9999), month)
            || hour > 23 || minute > 59 || second > 59 || year is < 1 or > 9999)
        {
            return null;
        }

        var date = new DateTime(year, month, day, hour, minute, second, millisecond, DateTimeKind.Utc);
        if (dayOfYear > 0)
        {
            date = new DateTime(year, 1, 1, hour, minute, second, millisecond, DateTimeKind.Utc).AddDays(dayOfYear - 1);
        }

        return Values.ToMillis(date) - (offsetMinutes * 60_000L);
    }

    private static bool Digits(string text, ref int position, int max, out int value)
    {
        value = 0;
        var start = position;
        while (position < text.Length && position - start < max && char.IsAsciiDigit(text[position]))
        {
            value = (value * 10) + (text[position++] - '0');
        }

        return position > start;
    }

    private static bool Offset(string text, ref int position, out int minutes)
    {
        minutes = 0;
        if (position < text.Length && text[position] == 'Z')
        {
            position++;
            return true;
        }

        if (position >= text.Length || text[position] is not ('+' or '-'))
        {
            return false;
        }

        var sign = text[position++] == '-' ? -1 : 1;
        if (!Digits(text, ref position, 2, out var hours))
        {
            return false;
        }

        if (position < text.Length && text[position] == ':')
        {
            position++;
        }

        Digits(text, ref position, 2, out var mins);
        minutes = sign * ((hours * 60) + mins);
        return true;
    }
}
