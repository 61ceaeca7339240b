using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using BayitPlus.MongoEmulator.Bson;
using MongoDB.Bson;

namespace BayitPlus.MongoEmulator.Aggregation;

internal static partial class Operators
{
    private static void AddStrings(Dictionary<string, OperatorCompiler> table)
    {
        Variadic(table, "$concat", 0, int.MaxValue, values =>
        {
            var builder = new StringBuilder();
            foreach (var value in values)
            {
                if (Values.IsNullish(value))
                {
                    return BsonNull.Value;
                }

                builder.Append(value is BsonString s ? s.Value : throw TypeError(16702, "$concat", "only supports strings", value));
            }

            return new BsonString(builder.ToString());
        });
        Unary(table, "$toLower", value => new BsonString(CoerceToString("$toLower", value).ToLowerInvariant()));
        Unary(table, "$toUpper", value => new BsonString(CoerceToString("$toUpper", value).ToUpperInvariant()));
        Variadic(table, "$substr", 3, 3, SubstrBytes);
        Variadic(table, "$substrBytes", 3, 3, SubstrBytes);
        Variadic(table, "$substrCP", 3, 3, SubstrCodePoints);
        Unary(table, "$strLenCP", value => value is BsonString s
            ? new BsonInt32(CodePointCount(s.Value))
            : throw new MongoErrorException(34471, $"$strLenCP requires a string argument, found: {Values.TypeName(value)}"));
        Unary(table, "$strLenBytes", value => value is BsonString s
            ? new BsonInt32(Encoding.UTF8.GetByteCount(s.Value))
            : throw new MongoErrorException(34473, $"$strLenBytes requires a string argument, found: {Values.TypeName(value)}"));
        Binary(table, "$split", Split);
        Binary(table, "$strcasecmp", (a, b) => new BsonInt32(Math.Sign(string.CompareOrdinal(
            CoerceToString("$strcasecmp", a).ToUpperInvariant(), CoerceToString("$strcasecmp", b).ToUpperInvariant()))));
        Variadic(table, "$indexOfCP", 2, 4, values => IndexOfString("$indexOfCP", values, bytes: false));
        Variadic(table, "$indexOfBytes", 2, 4, values => IndexOfString("$indexOfBytes", values, bytes: true));
        table["$trim"] = (compiler, operand) => CompileTrim(compiler, operand, "$trim", start: true, end: true);
        table["$ltrim"] = (compiler, operand) => CompileTrim(compiler, operand, "$ltrim", start: true, end: false);
        table["$rtrim"] = (compiler, operand) => CompileTrim(compiler, operand, "$rtrim", start: false, end: true);
        table["$regexMatch"] = (compiler, operand) => CompileRegex(compiler, operand, "$regexMatch", RegexMode.Match);
        table["$regexFind"] = (compiler, operand) => CompileRegex(compiler, operand, "$regexFind", RegexMode.Find);
        table["$regexFindAll"] = (compiler, operand) => CompileRegex(compiler, operand, "$regexFindAll", RegexMode.FindAll);
        table["$replaceOne"] = (compiler, operand) => CompileReplace(compiler, operand, "$replaceOne", all: false);
        table["$replaceAll"] = (compiler, operand) => CompileReplace(compiler, operand, "$replaceAll", all: true);
    }

    private enum RegexMode
    {
        Match,
        Find,
        FindAll,
    }

    /// <summary>The string form MongoDB's string operators accept: null and missing become "".</summary>
    private static string CoerceToString(string op, BsonValue? value) => value?.BsonType switch
    {
        null or BsonType.Null or BsonType.Undefined => "",
        BsonType.String => value.AsString,
        BsonType.Symbol => value.AsBsonSymbol.Name,
        BsonType.Int32 or BsonType.Int64 => value.ToInt64().ToString(CultureInfo.InvariantCulture),
        BsonType.Double => Values.FormatDouble(value.AsDouble),
        BsonType.Decimal128 => value.AsDecimal128.ToString(),
        BsonType.DateTime => Values.FormatDate(value.AsBsonDateTime.MillisecondsSinceEpoch),
        BsonType.Timestamp => value.AsBsonTimestamp.ToString(),
        _ => throw new MongoErrorException(16007, $"{op}: can't convert from BSON type {Values.TypeName(value)} to String"),
    };

    private static int CodePointCount(string s)
    {
        var count = 0;
        foreach (var _ in s.EnumerateRunes())
        {
            count++;
        }

        return count;
    }

    /// <summary>The UTF-16 index of code point <paramref name="codePoint"/> (the length when past the end).</summary>
    private static int CharIndexOfCodePoint(string s, long codePoint)
    {
        var index = 0;
        for (var i = 0L; i < codePoint && index < s.Length; i++)
        {
            index += char.IsHighSurrogate(s[index]) && index + 1 < s.Length ? 2 : 1;
        }

        return index;
    }

    private static long IntegralArgument(string op, BsonValue? value, string what) =>
        Values.IsNumber(value) && Values.IsIntegral(
            value!.BsonType == BsonType.Double ? new BsonDouble(Math.Truncate(value.AsDouble)) : value, out var n)
            ? n
            : throw new MongoErrorException(16034, $"{op}: {what} must be a numeric type (is BSON type {Values.TypeName(value)})");

    private static BsonValue? SubstrBytes(BsonValue?[] values)
    {
        var bytes = Encoding.UTF8.GetBytes(CoerceToString("$substrBytes", values[0]));
        var start = IntegralArgument("$substrBytes", values[1], "starting index");
        var length = IntegralArgument("$substrBytes", values[2], "length");
        if (start < 0)
        {
            throw new MongoErrorException(50752, $"$substrBytes: starting index must be non-negative (got: {start})");
        }

        if (start >= bytes.Length)
        {
            return new BsonString("");
        }

        var count = length < 0 || start + length > bytes.Length ? bytes.Length - start : length;
        if (IsContinuationByte(bytes, start))
        {
            throw new MongoErrorException(28656, "$substrBytes:  Invalid range, starting index is a UTF-8 continuation byte.");
        }

        if (IsContinuationByte(bytes, start + count))
        {
            throw new MongoErrorException(28657, "$substrBytes:  Invalid range, ending index is in the middle of a UTF-8 character.");
        }

        return new BsonString(Encoding.UTF8.GetString(bytes, (int)start, (int)count));
    }

    private static bool IsContinuationByte(byte[] bytes, long index) => index < bytes.Length && (bytes[index] & 0xC0) == 0x80;

    private static BsonValue? SubstrCodePoints(BsonValue?[] values)
    {
        var s = CoerceToString("$substrCP", values[0]);
        var start = IntegralArgument("$substrCP", values[1], "starting index");
        var length = IntegralArgument("$substrCP", values[2], "length");
        if (start < 0)
        {
            throw new MongoErrorException(34455, $"$substrCP: the starting index must be nonnegative integer (got: {start})");
        }

        if (length < 0)
        {
            throw new MongoErrorException(34454, $"$substrCP: length must be a nonnegative integer (got: {length})");
        }

        var from = CharIndexOfCodePoint(s, start);
        var to = from + CharIndexOfCodePoint(s[from..], length);
        return new BsonString(s[from..to]);
    }

    private static BsonValue? Split(BsonValue? input, BsonValue? delimiter)
    {
        if (Values.IsNullish(input))
        {
            return BsonNull.Value;
        }

        if (input is not BsonString s)
        {
            throw new MongoErrorException(40085, $"$split requires an expression that evaluates to a string as a first argument, found: {Values.TypeName(input)}");
        }

        if (delimiter is not BsonString d)
        {
            throw new MongoErrorException(40086, $"$split requires an expression that evaluates to a string as a second argument, found: {Values.TypeName(delimiter)}");
        }

        if (d.Value.Length == 0)
        {
            throw new MongoErrorException(40087, "$split requires a non-empty separator");
        }

        return new BsonArray(s.Value.Split(d.Value).Select(part => new BsonString(part)));
    }

    private static BsonValue? IndexOfString(string op, BsonValue?[] values, bool bytes)
    {
        if (Values.IsNullish(values[0]))
        {
            return BsonNull.Value;
        }

        if (values[0] is not BsonString input)
        {
            throw new MongoErrorException(40091, $"{op} requires a string as the first argument, found: {Values.TypeName(values[0])}");
        }

        if (values[1] is not BsonString search)
        {
            throw new MongoErrorException(40092, $"{op} requires a string as the second argument, found: {Values.TypeName(values[1])}");
        }

        // Indexes count code points (or bytes); work on an array of either unit.
        var units = bytes
            ? Encoding.UTF8.GetBytes(input.Value).Select(b => (int)b).ToArray()
            : [.. input.Value.EnumerateRunes().Select(r => r.Value)];
        var needle = bytes
            ? Encoding.UTF8.GetBytes(search.Value).Select(b => (int)b).ToArray()
            : [.. search.Value.EnumerateRunes().Select(r => r.Value)];
        var start = values.Length > 2 ? NonNegativeIndex(op, values[2]) : 0;
        var end = values.Length > 3 ? Math.Min(NonNegativeIndex(op, values[3]), units.Length) : units.Length;
        for (var i = start; i + needle.Length <= end; i++)
        {
            if (units.AsSpan(i, needle.Length).SequenceEqual(needle))
            {
                return new BsonInt32(i);
            }
        }

        return new BsonInt32(-1);
    }

    private static Evaluator CompileTrim(ExpressionCompiler compiler, BsonValue operand, string op, bool start, bool end)
    {
        var args = NamedArgs.Parse(compiler, op, operand, ["input"], ["chars"]);
        var input = args.Required("input");
        var chars = args.Optional("chars");
        return context =>
        {
            var value = input(context);
            if (Values.IsNullish(value))
            {
                return BsonNull.Value;
            }

            if (value is not BsonString s)
            {
                throw new MongoErrorException(50699, $"{op} requires its input to be a string, got {value} (of type {Values.TypeName(value)}) instead.");
            }

            var trimChars = chars?.Invoke(context);
            if (chars is not null && Values.IsNullish(trimChars))
            {
                return BsonNull.Value;
            }

            if (trimChars is not null and not BsonString)
            {
                throw new MongoErrorException(50700, $"{op} requires 'chars' to be a string, got {Values.TypeName(trimChars)} instead.");
            }

            var set = trimChars is BsonString t ? t.Value.EnumerateRunes().ToHashSet() : null;
            bool Trimmed(Rune rune) => set?.Contains(rune) ?? (Rune.IsWhiteSpace(rune) || rune.Value == 0);
            var runes = s.Value.EnumerateRunes().ToList();
            var from = 0;
            var to = runes.Count;
            while (start && from < to && Trimmed(runes[from]))
            {
                from++;
            }

            while (end && to > from && Trimmed(runes[to - 1]))
            {
                to--;
            }

            return new BsonString(string.Concat(runes.Skip(from).Take(to - from)));
        };
    }

    private static Evaluator CompileRegex(ExpressionCompiler compiler, BsonValue operand, string op, RegexMode mode)
    {
        var args = NamedArgs.Parse(compiler, op, operand, ["input", "regex"], ["options"]);
        var input = args.Required("input");
        var regex = args.Required("regex");
        var options = args.Optional("options");
        return context =>
        {
            var value = input(context);
            var pattern = regex(context);
            if (!Values.IsNullish(value) && value is not BsonString)
            {
                throw new MongoErrorException(51104, $"{op} needs 'input' to be of type string");
            }

            if (Values.IsNullish(value) || Values.IsNullish(pattern))
            {
                return mode switch
                {
                    RegexMode.Match => Values.False,
                    RegexMode.Find => BsonNull.Value,
                    _ => new BsonArray(),
                };
            }

            var optionText = options?.Invoke(context) is BsonString o ? o.Value : "";
            var (patternText, regexOptions) = pattern switch
            {
                BsonString p => (p.Value, ""),
                BsonRegularExpression r => (r.Pattern, r.Options),
                _ => throw new MongoErrorException(51105, $"{op} needs 'regex' to be of type string or regex"),
            };
            var compiled = ToRegex(op, patternText, regexOptions + optionText);
            var text = value!.AsString;
            return mode switch
            {
                RegexMode.Match => Values.Bool(compiled.IsMatch(text)),
                RegexMode.Find => compiled.Match(text) is { Success: true } m ? MatchDocument(text, m) : BsonNull.Value,
                _ => new BsonArray(compiled.Matches(text).Select(m => MatchDocument(text, m))),
            };
        };
    }

    /// <summary>A regex from MongoDB's pattern and option letters (i, m, s, x).</summary>
    private static Regex ToRegex(string op, string pattern, string options)
    {
        var result = RegexOptions.CultureInvariant;
        foreach (var option in options)
        {
            result |= option switch
            {
                'i' => RegexOptions.IgnoreCase,
                'm' => RegexOptions.Multiline,
                's' => RegexOptions.Singleline,
                'x' => RegexOptions.IgnorePatternWhitespace,
                'u' => RegexOptions.None,
                _ => throw new MongoErrorException(51108, $"{op} invalid flag in regex options: {option}"),
            };
        }

        try
        {
            return RegexCache.Get(pattern, result);
        }
        catch (ArgumentException e)
        {
            throw new MongoErrorException(51111, $"{op}: invalid regular expression /{pattern}/: {e.Message}");
        }
    }

    private static BsonDocument MatchDocument(string text, Match match) => new()
    {
        { "match", match.Value },
        { "idx", CodePointCount(text[..match.Index]) },
        { "captures", new BsonArray(match.Groups.Cast<Group>().Skip(1).Select(g => g.Success ? (BsonValue)g.Value : BsonNull.Value)) },
    };

    private static Evaluator CompileReplace(ExpressionCompiler compiler, BsonValue operand, string op, bool all)
    {
        var args = NamedArgs.Parse(compiler, op, operand, ["input", "find", "replacement"], []);
        var input = args.Required("input");
        var find = args.Required("find");
        var replacement = args.Required("replacement");
        return context =>
        {
            BsonValue?[] values = [input(context), find(context), replacement(context)];
            if (values.FirstOrDefault(v => !Values.IsNullish(v) && v is not BsonString) is { } wrong)
            {
                throw new MongoErrorException(51746, $"{op} requires that 'input', 'find' and 'replacement' be strings, found {Values.TypeName(wrong)}");
            }

            if (values.Any(Values.IsNullish))
            {
                return BsonNull.Value;
            }

            var (text, search, with) = (values[0]!.AsString, values[1]!.AsString, values[2]!.AsString);
            if (all)
            {
                return new BsonString(search.Length == 0 ? text : text.Replace(search, with, StringComparison.Ordinal));
            }

            var at = text.IndexOf(search, StringComparison.Ordinal);
            return new BsonString(at < 0 ? text : string.Concat(text.AsSpan(0, at), with, text.AsSpan(at + search.Length)));
        };
    }

    /// <summary>Compiled regexes by pattern and options, so a pattern in a pipeline is parsed once;
    /// bounded because patterns may be computed per document.</summary>
    private static class RegexCache
    {
        private const int Capacity = 1000;
        private static readonly ConcurrentDictionary<(string, RegexOptions), Regex> Cache = new();

        public static Regex Get(string pattern, RegexOptions options)
        {
            if (Cache.TryGetValue((pattern, options), out var regex))
            {
                return regex;
            }

            if (Cache.Count >= Capacity)
            {
                Cache.Clear();
            }

            return Cache.GetOrAdd((pattern, options), key => new Regex(key.Item1, key.Item2));
        }
    }
}
