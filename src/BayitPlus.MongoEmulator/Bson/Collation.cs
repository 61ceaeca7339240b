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
/// <c>maxVariable: "space"</c>); <c>normalization</c> compares the canonical decompositions.
/// Options left out take the locale's own defaults, as the server reads them from its ICU collator
/// (see <see cref="Tailoring"/>). .NET's collator always applies the locale's own caseFirst,
/// backwards, alternate and normalization settings, so a spec that departs from them in a way the
/// emulator cannot make up for (<c>caseFirst: "upper"</c> or <c>backwards</c> where the locale does
/// not set them, or turning off what it sets; <c>alternate: "shifted"</c> at strengths 4 and 5) is
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
    private readonly bool _decompose;

    private Collation(CompareInfo compare, CompareOptions options, bool identical, VariableCharacters? shifted, bool decompose, BsonDocument spec)
    {
        _compare = compare;
        _options = options;
        _identical = identical;
        _shifted = shifted;
        _decompose = decompose;
        Spec = spec;
    }

    /// <summary>The collation with every option spelled out, as the server reports an index's.</summary>
    public BsonDocument Spec { get; }

    /// <summary>Whether two collations (null: simple) compare strings alike.</summary>
    public static bool AreSame(Collation? x, Collation? y) => x is null || y is null ? x is null && y is null : x.Spec.Equals(y.Spec);

    /// <summary>The collation of a command or statement (its <c>collation</c> field); null for none,
    /// an empty document (which the server takes for none) or the binary <c>simple</c> collation.</summary>
    public static Collation? Of(BsonDocument holder) => holder.GetValue("collation", null) switch
    {
        null or BsonDocument { ElementCount: 0 } => null,
        BsonDocument spec => Parse(spec),
        var other => throw MongoErrorException.WrongType("collation", other, "object"),
    };

    /// <summary>Whether <paramref name="holder"/> names a collation: an empty one names none.</summary>
    public static bool IsNamedIn(BsonDocument holder) => holder.GetValue("collation", null) is not (null or BsonDocument { ElementCount: 0 });

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
            null => throw MongoErrorException.MissingField("locale"),
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
        var caseLevel = Flag(spec, "caseLevel") ?? false;
        var givenCaseFirst = Choice(spec, "caseFirst", "off", "lower", "upper");
        var numericOrdering = Flag(spec, "numericOrdering") ?? false;
        var givenAlternate = Choice(spec, "alternate", "non-ignorable", "shifted");
        var maxVariable = Choice(spec, "maxVariable", "punct", "space") ?? "punct";
        var givenNormalization = Flag(spec, "normalization");
        var givenBackwards = Flag(spec, "backwards");
        var culture = Culture(locale);
        var tailoring = Tailoring.Of(locale);
        var caseFirst = givenCaseFirst ?? tailoring.CaseFirst;
        var alternate = givenAlternate ?? tailoring.Alternate;
        var normalization = givenNormalization ?? tailoring.Normalization;
        var backwards = givenBackwards ?? tailoring.Backwards;
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
        if (!tailoring.CanReproduce(caseFirst, backwards, alternate, maxVariable, normalization) || (alternate == "shifted" && strength >= 4))
        {
            throw new MongoErrorException(ErrorCodes.NotImplemented,
                $"the emulator cannot reproduce the collation {normalized.ToJson()}: it cannot change a locale's own caseFirst 'upper', backwards, alternate 'shifted' (with maxVariable 'punct') or normalization, nor add caseFirst 'upper' or backwards, and takes alternate 'shifted' only up to strength 3");
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

        // .NET's collator already applies what the locale's own tailoring sets.
        var shifted = alternate == "shifted" && tailoring.Alternate != "shifted"
            ? VariableCharacters.For(culture.CompareInfo, spacesOnly: maxVariable == "space")
            : null;
        return new Collation(culture.CompareInfo, options, strength == 5, shifted, normalization && !tailoring.Normalization, normalized);
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

    /// <summary>The text as the collator is given it. Decomposing it is what ICU's normalization
    /// does: canonically equivalent texts compare alike.</summary>
    private string Comparable(string value)
    {
        var text = _decompose ? value.Normalize(NormalizationForm.FormD) : value;
        return _shifted?.Strip(text) ?? text;
    }

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
                throw MongoErrorException.WrongType("collation.version", other, "string");
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
        // The server takes only ICU's canonical spelling of an id (en_US, not en-us).
        if (Canonical(locale) is var canonical && canonical != locale)
        {
            throw MongoErrorException.BadValue($"Field 'locale' is invalid in: {{ locale: \"{locale}\" }}. Did you mean '{canonical}'?");
        }

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

    /// <summary>ICU's spelling of a locale id: lower-case language, title-case script, upper-case
    /// region, joined by underscores.</summary>
    private static string Canonical(string locale)
    {
        var parts = locale.Split('-', '_');
        for (var i = 0; i < parts.Length; i++)
        {
            var part = parts[i];
            parts[i] = i == 0 ? part.ToLowerInvariant()
                : part.Length == 4 ? char.ToUpperInvariant(part[0]) + part[1..].ToLowerInvariant()
                : part.ToUpperInvariant();
        }

        return string.Join('_', parts);
    }

    private static bool? Flag(BsonDocument spec, string name) => spec.GetValue(name, null) switch
    {
        null => null,
        BsonBoolean flag => flag.Value,
        var other => throw MongoErrorException.WrongType($"collation.{name}", other, "bool"),
    };

    private static string? Choice(BsonDocument spec, string name, params string[] allowed) => spec.GetValue(name, null) switch
    {
        null => null,
        BsonString text when allowed.Contains(text.Value) => text.Value,
        _ => throw MongoErrorException.BadValue($"Field '{name}' must be one of {string.Join(", ", allowed.Select(a => $"'{a}'"))}"),
    };

    /// <summary>
    /// The settings a locale's CLDR tailoring gives its standard collation (CLDR 28's
    /// <c>coll/*.txt</c>; ICU 57.1 ships CLDR 29's, assumed alike), which the server takes for every option a spec leaves out before it
    /// validates and reports the spec: Danish and Maltese <c>[caseFirst upper]</c>, Canadian French
    /// <c>[backwards 2]</c>, Thai <c>[alternate shifted]</c>, and <c>[normalization on]</c> for the
    /// languages in <see cref="Normalizing"/>. Every other
    /// locale keeps the root's settings.
    /// </summary>
    private sealed record Tailoring(string CaseFirst = "off", bool Backwards = false, string Alternate = "non-ignorable", bool Normalization = false)
    {
        private static readonly HashSet<string> Normalizing =
            ["as", "bn", "el", "fa", "gu", "he", "hi", "ig", "km", "kn", "kok", "mr", "my", "or", "pa", "ps", "si", "ta", "te", "th", "vi", "yi", "yo"];

        public static Tailoring Of(string locale)
        {
            var parts = locale.Split('_');
            var language = parts[0];
            var normalization = Normalizing.Contains(language);
            return language switch
            {
                "da" or "mt" => new Tailoring(CaseFirst: "upper"),
                "fr" when parts.Length > 1 && parts[1] == "CA" => new Tailoring(Backwards: true),
                "th" => new Tailoring(Alternate: "shifted", Normalization: true),
                _ => new Tailoring(Normalization: normalization),
            };
        }

        /// <summary>Whether .NET's collator, which always applies these settings, can compare as
        /// the resolved spec asks: the emulator adds normalization and <c>alternate: "shifted"</c>
        /// itself, but cannot take away what the locale sets nor order case or accents otherwise.
        /// <c>caseFirst: "lower"</c> orders as the root already does.</summary>
        public bool CanReproduce(string caseFirst, bool backwards, string alternate, string maxVariable, bool normalization) =>
            (caseFirst == "upper") == (CaseFirst == "upper")
            && backwards == Backwards
            && (Alternate != "shifted" || (alternate == "shifted" && maxVariable == "punct"))
            && (normalization || !Normalization);
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
