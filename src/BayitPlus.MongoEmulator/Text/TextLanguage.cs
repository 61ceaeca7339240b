using System.Collections.Frozen;
using BayitPlus.MongoEmulator.Bson;

namespace BayitPlus.MongoEmulator.Text;

/// <summary>A text search language: its stop words and its stemmer. The emulator implements
/// <c>english</c>, <c>spanish</c> and <c>none</c> (tokenize and fold only, as MongoDB does for
/// <c>none</c>); Hebrew text is indexed under any of them unchanged, since neither the stop words
/// nor the stemmers touch Hebrew letters.</summary>
internal sealed class TextLanguage
{
    public static readonly TextLanguage English = new(
        "english",
        EnglishStemmer.Stem,
        """
        a about above after again against all am an and any are as at be because been before being below
        between both but by can could did do does doing down during each few for from further had has have
        having he her here hers herself him himself his how i if in into is it its itself just me more most my
        myself no nor not now of off on once only or other our ours ourselves out over own same she should so
        some such than that the their theirs them themselves then there these they this those through to too
        under until up very was we were what when where which while who whom why will with would you your
        yours yourself yourselves s t d ll m re ve
        """);

    /// <summary>Spanish stop words are listed without accents: they are compared with folded tokens.</summary>
    public static readonly TextLanguage Spanish = new(
        "spanish",
        SpanishStemmer.Stem,
        """
        a al algo algunas algunos ante antes como con contra cual cuando de del desde donde durante e el ella
        ellas ellos en entre era eran es esa esas ese eso esos esta estaba estan estar estas este esto estos
        fue fueron ha han hasta hay la las le les lo los mas me mi mis mucho muchos muy nada ni no nos nosotros
        o otra otras otro otros para pero poco por porque que quien quienes se ser si sin sobre son su sus
        tambien tanto te ti tu tus un una uno unos y ya yo
        """);

    public static readonly TextLanguage None = new("none", null, string.Empty);

    private static readonly FrozenDictionary<string, TextLanguage> ByName = new Dictionary<string, TextLanguage>
    {
        ["english"] = English,
        ["en"] = English,
        ["spanish"] = Spanish,
        ["es"] = Spanish,
        ["none"] = None,
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    /// <summary>Languages a real server accepts but the emulator has no stop words or stemmer for.</summary>
    private static readonly FrozenSet<string> OtherMongoLanguages = FrozenSet.ToFrozenSet(
        [
            "danish", "da", "dutch", "nl", "finnish", "fi", "french", "fr", "german", "de", "hungarian", "hu",
            "italian", "it", "norwegian", "nb", "portuguese", "pt", "romanian", "ro", "russian", "ru",
            "swedish", "sv", "turkish", "tr",
        ],
        StringComparer.OrdinalIgnoreCase);

    private readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> stopWords;
    private readonly Stemmer? stemmer;

    private TextLanguage(string name, Stemmer? stemmer, string stopWords)
    {
        Name = name;
        this.stemmer = stemmer;
        this.stopWords = stopWords
            .Split((char[])[' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries)
            .ToFrozenSet(StringComparer.Ordinal)
            .GetAlternateLookup<ReadOnlySpan<char>>();
    }

    internal delegate string Stemmer(ReadOnlySpan<char> token);

    public string Name { get; }

    /// <summary>Whether a case- and diacritic-folded token is a stop word.</summary>
    public bool IsStopWord(ReadOnlySpan<char> foldedToken) => stopWords.Contains(foldedToken);

    public string Stem(ReadOnlySpan<char> token) => stemmer is null ? new string(token) : stemmer(token);

    /// <summary>The language named <paramref name="name"/> (case-insensitive; full name or ISO code);
    /// <paramref name="what"/> names the setting in the error message, e.g. "language override".</summary>
    public static TextLanguage Resolve(string name, string what)
    {
        if (ByName.TryGetValue(name, out var language))
        {
            return language;
        }

        var hint = OtherMongoLanguages.Contains(name) ? " (the emulator implements english, spanish and none)" : string.Empty;
        throw MongoErrorException.BadValue($"{what} unsupported: {name}{hint}");
    }
}
