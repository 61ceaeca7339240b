using System.Globalization;
using MongoDB.Bson;

namespace BayitPlus.MongoEmulator.Bson;

/// <summary>
/// A locale collation (<c>{locale, strength, caseLevel, numericOrdering, alternate, ...}</c>) as the
/// server's ICU applies it to string comparison, here through .NET's ICU-backed
/// <see cref="CompareInfo"/>: strength 1 ignores case and accents, 2 ignores case, 3 (the default)
/// distinguishes both; <c>caseLevel</c> brings case back at strengths 1 and 2; <c>numericOrdering</c>
/// compares digit runs as numbers; <c>alternate: "shifted"</c> ignores punctuation and spaces.
/// Options .NET cannot reproduce (<c>caseFirst: "upper"</c>, <c>backwards</c>,
/// <c>normalization</c>, <c>maxVariable: "space"</c>) are refused rather than ignored.
/// </summary>
public sealed class Collation
{
    private static readonly HashSet<string> Fields =
        ["locale", "caseLevel", "caseFirst", "strength", "numericOrdering", "alternate", "maxVariable", "normalization", "backwards", "version"];

    private readonly CompareInfo _compare;
    private readonly CompareOptions _options;
    private readonly bool _identical;

    private Collation(CompareInfo compare, CompareOptions options, bool identical, BsonDocument spec)
    {
        _compare = compare;
        _options = options;
        _identical = identical;
        Spec = spec;
    }

    /// <summary>The collation with every option spelled out, as the server reports an index's.</summary>
    public BsonDocument Spec { get; }

    /// <summary>Whether two collations (null: simple) compare strings alike.</summary>
    public static bool AreSame(Collation? x, Collation? y) => x is null || y is null ? x is null && y is null : x.Spec.Equals(y.Spec);

    /// <summary>The collation of a command, statement or index (its <c>collation</c> field); null
    /// for none or the binary <c>simple</c> collation.</summary>
    public static Collation? Of(BsonDocument holder) => holder.GetValue("collation", null) switch
    {
        null => null,
        BsonDocument spec => Parse(spec),
        var other => throw MongoErrorException.TypeMismatch($"BSON field 'collation' is the wrong type '{other.BsonType}', expected type 'object'"),
    };

    public static Collation? Parse(BsonDocument spec)
    {
        var unknown = spec.Names.FirstOrDefault(n => !Fields.Contains(n));
        if (unknown is not null)
        {
            throw new MongoErrorException(ErrorCodes.UnknownField, $"BSON field 'collation.{unknown}' is an unknown field.");
        }

        var locale = spec.GetValue("locale", null) switch
        {
            BsonString text => text.Value,
            null => throw new MongoErrorException(40414, "BSON field 'locale' is missing but a required field"),
            _ => throw MongoErrorException.TypeMismatch("BSON field 'collation.locale' must be a string"),
        };
        if (locale == "simple")
        {
            return spec.ElementCount == 1 || spec.Names.All(n => n is "locale" or "version")
                ? null
                : throw MongoErrorException.BadValue("The 'simple' collation takes no other options");
        }

        var strength = spec.GetValue("strength", 3) is var s && BsonOrder.IsNumber(s) && BsonOrder.ToDouble(s) is >= 1 and <= 5 and var d && d == Math.Floor(d)
            ? (int)d
            : throw MongoErrorException.BadValue("Field 'strength' must be an integer 1 through 5");
        var caseLevel = Flag(spec, "caseLevel");
        var caseFirst = Choice(spec, "caseFirst", "off", "off", "lower", "upper");
        var alternate = Choice(spec, "alternate", "non-ignorable", "non-ignorable", "shifted");
        var maxVariable = Choice(spec, "maxVariable", "punct", "punct", "space");
        if (caseFirst == "upper" || Flag(spec, "backwards") || Flag(spec, "normalization") || (alternate == "shifted" && maxVariable == "space"))
        {
            throw new MongoErrorException(ErrorCodes.NotImplemented,
                "the collation options caseFirst 'upper', backwards, normalization and maxVariable 'space' are not supported by the emulator");
        }

        var options = strength switch
        {
            1 => CompareOptions.IgnoreCase | CompareOptions.IgnoreNonSpace | CompareOptions.IgnoreKanaType | CompareOptions.IgnoreWidth,
            2 => CompareOptions.IgnoreCase | CompareOptions.IgnoreKanaType | CompareOptions.IgnoreWidth,
            _ => CompareOptions.None,
        };
        if (caseLevel)
        {
            options &= ~CompareOptions.IgnoreCase;
        }

        if (Flag(spec, "numericOrdering"))
        {
            options |= CompareOptions.NumericOrdering;
        }

        if (alternate == "shifted")
        {
            options |= CompareOptions.IgnoreSymbols;
        }

        var normalized = new BsonDocument
        {
            { "locale", locale },
            { "caseLevel", caseLevel },
            { "caseFirst", caseFirst },
            { "strength", strength },
            { "numericOrdering", Flag(spec, "numericOrdering") },
            { "alternate", alternate },
            { "maxVariable", maxVariable },
            { "normalization", false },
            { "backwards", false },
        };
        return new Collation(Culture(locale).CompareInfo, options, strength == 5, normalized);
    }

    public int Compare(string x, string y)
    {
        var order = Math.Sign(_compare.Compare(x, y, _options));
        return order == 0 && _identical ? Math.Sign(string.CompareOrdinal(x, y)) : order;
    }

    /// <summary>A hash equal for strings the collation finds equal.</summary>
    public int HashOf(string value)
    {
        if (_identical)
        {
            return StringComparer.Ordinal.GetHashCode(value);
        }

        // Digit runs compare by value under numericOrdering ("01" equals "1"), which no hash of the
        // text captures; a constant hash stays correct.
        return (_options & CompareOptions.NumericOrdering) != 0 ? 0 : _compare.GetHashCode(value, _options);
    }

    private static CultureInfo Culture(string locale)
    {
        var name = locale.Replace('_', '-');
        try
        {
            return name == "root" ? CultureInfo.InvariantCulture : CultureInfo.GetCultureInfo(name, predefinedOnly: true);
        }
        catch (CultureNotFoundException)
        {
            throw MongoErrorException.BadValue($"Field 'locale' is invalid in: {{ locale: \"{locale}\" }}");
        }
    }

    private static bool Flag(BsonDocument spec, string name) => spec.GetValue(name, false) switch
    {
        BsonBoolean flag => flag.Value,
        var other => throw MongoErrorException.TypeMismatch($"BSON field 'collation.{name}' is the wrong type '{other.BsonType}', expected type 'bool'"),
    };

    private static string Choice(BsonDocument spec, string name, string fallback, params string[] allowed)
    {
        var value = spec.GetValue(name, fallback);
        return value is BsonString text && allowed.Contains(text.Value)
            ? text.Value
            : throw MongoErrorException.BadValue($"Field '{name}' must be one of {string.Join(", ", allowed.Select(a => $"'{a}'"))}");
    }
}
