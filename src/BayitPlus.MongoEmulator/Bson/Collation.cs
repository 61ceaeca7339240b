using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using MongoDB.Bson;

namespace BayitPlus.MongoEmulator.Bson;

/// <summary>
/// A locale collation (<c>{locale, strength, caseLevel, numericOrdering, alternate, ...}</c>) as the
/// server's ICU applies it to string comparison, here through .NET's ICU-backed
/// <see cref="CompareInfo"/>: strength 1 ignores case and accents, 2 ignores case, 3 (the default)
/// distinguishes both, 5 then compares the code points of the canonical decompositions;
/// <c>caseLevel</c> brings case back at strengths 1 and 2; <c>numericOrdering</c> compares digit
/// runs as numbers; <c>alternate: "shifted"</c> ignores spaces and punctuation (or spaces only,
/// <c>maxVariable: "space"</c>). Options .NET cannot reproduce (<c>caseFirst: "upper"</c>,
/// <c>backwards</c>, <c>normalization</c>, <c>alternate: "shifted"</c> at strengths 4 and 5) are
/// refused rather than ignored.
/// </summary>
public sealed class Collation
{
    /// <summary>The ICU version MongoDB 8.0 is built with, which it reports in every collation.</summary>
    public const string IcuVersion = "57.1";

    private static readonly HashSet<string> Fields =
        ["locale", "caseLevel", "caseFirst", "strength", "numericOrdering", "alternate", "maxVariable", "normalization", "backwards", "version"];

    private readonly CompareInfo _compare;
    private readonly CompareOptions _options;
    private readonly bool _identical;
    private readonly VariableCharacters? _shifted;

    private Collation(CompareInfo compare, CompareOptions options, bool identical, VariableCharacters? shifted, BsonDocument spec)
    {
        _compare = compare;
        _options = options;
        _identical = identical;
        _shifted = shifted;
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
        var numericOrdering = Flag(spec, "numericOrdering");
        var alternate = Choice(spec, "alternate", "non-ignorable", "non-ignorable", "shifted");
        var maxVariable = Choice(spec, "maxVariable", "punct", "punct", "space");
        var normalization = Flag(spec, "normalization");
        var backwards = Flag(spec, "backwards");
        var culture = Culture(locale);
        CheckVersion(spec);
        var normalized = new BsonDocument
        {
            { "locale", locale },
            { "caseLevel", caseLevel },
            { "caseFirst", caseFirst },
            { "strength", strength },
            { "numericOrdering", numericOrdering },
            { "alternate", alternate },
            { "maxVariable", maxVariable },
            { "normalization", normalization },
            { "backwards", backwards },
            { "version", IcuVersion },
        };
        CheckCombination(normalized, strength, caseLevel, caseFirst, backwards);
        if (caseFirst == "upper" || backwards || normalization || (alternate == "shifted" && strength >= 4))
        {
            throw new MongoErrorException(ErrorCodes.NotImplemented,
                "the collation options caseFirst 'upper', backwards, normalization and alternate 'shifted' with strength 4 or 5 are not supported by the emulator");
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

        if (numericOrdering)
        {
            options |= CompareOptions.NumericOrdering;
        }

        var shifted = alternate == "shifted" ? VariableCharacters.For(culture.CompareInfo, spacesOnly: maxVariable == "space") : null;
        return new Collation(culture.CompareInfo, options, strength == 5, shifted, normalized);
    }

    public int Compare(string x, string y)
    {
        var order = Math.Sign(_compare.Compare(Comparable(x), Comparable(y), _options));
        return order == 0 && _identical ? CompareCodePoints(x.Normalize(NormalizationForm.FormD), y.Normalize(NormalizationForm.FormD)) : order;
    }

    /// <summary>A hash equal for strings the collation finds equal.</summary>
    public int HashOf(string value)
    {
        if (_identical)
        {
            return StringComparer.Ordinal.GetHashCode(value.Normalize(NormalizationForm.FormD));
        }

        // Digit runs compare by value under numericOrdering ("01" equals "1"), which no hash of the
        // text captures; a constant hash stays correct.
        return (_options & CompareOptions.NumericOrdering) != 0 ? 0 : _compare.GetHashCode(Comparable(value), _options);
    }

    private string Comparable(string value) => _shifted?.Strip(value) ?? value;

    /// <summary>ICU's identical level: code point order (UTF-16 order differs for surrogates).</summary>
    private static int CompareCodePoints(string x, string y)
    {
        var left = x.EnumerateRunes();
        var right = y.EnumerateRunes();
        while (true)
        {
            var hasLeft = left.MoveNext();
            var hasRight = right.MoveNext();
            if (!hasLeft || !hasRight)
            {
                return hasLeft.CompareTo(hasRight);
            }

            var order = left.Current.Value.CompareTo(right.Current.Value);
            if (order != 0)
            {
                return Math.Sign(order);
            }
        }
    }

    private static void CheckVersion(BsonDocument spec)
    {
        switch (spec.GetValue("version", null))
        {
            case null:
            case BsonString { Value: IcuVersion }:
                return;
            case BsonString other:
                throw new MongoErrorException(ErrorCodes.IncompatibleCollationVersion,
                    $"Requested collation version {other.Value} but the only available collator version was {IcuVersion}. Requested collation spec: {spec.ToJson()}");
            case var other:
                throw MongoErrorException.TypeMismatch($"BSON field 'collation.version' is the wrong type '{other.BsonType}', expected type 'string'");
        }
    }

    /// <summary>The combinations the server refuses whatever the locale.</summary>
    private static void CheckCombination(BsonDocument spec, int strength, bool caseLevel, string caseFirst, bool backwards)
    {
        if (backwards && strength == 1)
        {
            throw MongoErrorException.BadValue($"'backwards' is invalid with 'strength' of 1 in: {spec.ToJson()}");
        }

        if (caseFirst != "off" && !caseLevel && strength <= 2)
        {
            throw MongoErrorException.BadValue($"'caseFirst' is invalid unless 'caseLevel' is on or 'strength' is greater than 2 in: {spec.ToJson()}");
        }
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

    /// <summary>
    /// The characters <c>alternate: "shifted"</c> ignores at strengths 1 to 3: those whose weight
    /// falls in ICU's space group (<c>maxVariable: "space"</c>) or space and punctuation groups
    /// (<c>"punct"</c>), with the combining marks that follow them. .NET's own
    /// <see cref="CompareOptions.IgnoreSymbols"/> also ignores symbols and currency signs, so the
    /// emulator removes these characters itself and compares the rest with the non-ignorable
    /// collator. A character's group is found once, from its place in the locale's order: the
    /// punctuation group starts at '_' and the symbol group at '`'.
    /// </summary>
    private sealed class VariableCharacters(CompareInfo compare, string firstNonVariable)
    {
        private static readonly ConcurrentDictionary<(string Locale, bool SpacesOnly), VariableCharacters> ByLocale = new();

        private readonly ConcurrentDictionary<int, bool> _variable = new();

        public static VariableCharacters For(CompareInfo compare, bool spacesOnly) =>
            ByLocale.GetOrAdd((compare.Name, spacesOnly), key => new VariableCharacters(compare, key.SpacesOnly ? "_" : "`"));

        public string Strip(string value)
        {
            StringBuilder? kept = null;
            var afterVariable = false;
            var position = 0;
            foreach (var rune in value.EnumerateRunes())
            {
                var category = Rune.GetUnicodeCategory(rune);
                var ignored = IsVariable(rune)
                    || (afterVariable && category is UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark);
                afterVariable = ignored;
                if (ignored)
                {
                    kept ??= new StringBuilder(value, 0, position, value.Length);
                }
                else
                {
                    kept?.Append(value, position, rune.Utf16SequenceLength);
                }

                position += rune.Utf16SequenceLength;
            }

            return kept?.ToString() ?? value;
        }

        private bool IsVariable(Rune rune) => _variable.GetOrAdd(rune.Value, _ =>
        {
            var text = rune.ToString();
            return compare.Compare("a" + text + "b", "ab", CompareOptions.IgnoreSymbols) == 0
                && compare.Compare("a" + text + "b", "ab", CompareOptions.None) != 0
                && compare.Compare(text, firstNonVariable, CompareOptions.None) < 0;
        });
    }
}
