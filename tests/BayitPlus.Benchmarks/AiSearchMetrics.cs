using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace BayitPlus.Benchmarks;

/// <summary>One query of the AI search evaluation set (<c>ai-search-eval.json</c>): its language
/// (<c>en</c>, <c>he</c>, <c>es</c>), its kind (<c>paraphrase</c>: shares no content word with the
/// relevant item's title in that language; <c>meaning</c>: shares no content word with anything the
/// keyword index holds for the relevant item in that language, its title, description, cast and
/// director; <c>title</c>: the title, exact or nearly) and the English titles of the items that answer it.</summary>
internal sealed record EvalQuery(string Id, string Language, string Kind, string Query, IReadOnlyList<string> Relevant);

/// <summary>One text of an item in the three languages.</summary>
internal sealed record Localized(string He, string En, string Es)
{
    public string In(string language) => language switch
    {
        "he" => He,
        "es" => Es,
        _ => En,
    };
}

/// <summary>An item's texts the keyword index covers, as the evaluation set is checked against them:
/// title and description per language, and the names of its cast and director.</summary>
internal sealed record EvalItem(Localized Title, Localized Description, IReadOnlyList<string> People)
{
    /// <summary>Everything the keyword index holds for the item that a query in <paramref name="language"/>
    /// can match: title and description in that language, cast and director.</summary>
    public string Indexed(string language) => string.Join('\n', [Title.In(language), Description.In(language), .. People]);
}

/// <summary>The evaluation set: read from its JSON file and checked against the catalog it is
/// written for, so a query naming a missing item, a paraphrase that repeats its item's title or a
/// meaning query that repeats a word the keyword index holds for its item is caught before any
/// figure is printed.</summary>
internal static class EvalSet
{
    public static readonly IReadOnlyList<string> Languages = ["en", "he", "es"];
    public static readonly IReadOnlyList<string> Kinds = ["paraphrase", "meaning", "title"];

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static IReadOnlyList<EvalQuery> Parse(string json) =>
        JsonSerializer.Deserialize<EvalFile>(json, Json)?.Queries ?? throw new InvalidDataException("The evaluation set has no \"queries\".");

    /// <summary>What is wrong with <paramref name="queries"/> over the items of <paramref name="catalog"/>
    /// (keyed by English title); empty when the set is usable.</summary>
    public static IReadOnlyList<string> Problems(IReadOnlyList<EvalQuery> queries, IReadOnlyDictionary<string, EvalItem> catalog)
    {
        var problems = new List<string>();
        problems.AddRange(queries.GroupBy(q => q.Id).Where(g => g.Count() > 1).Select(g => $"{g.Key}: the id is used {g.Count()} times"));
        foreach (var query in queries)
        {
            if (!Languages.Contains(query.Language) || !Kinds.Contains(query.Kind))
            {
                problems.Add($"{query.Id}: language \"{query.Language}\" or kind \"{query.Kind}\" is not one of {string.Join('/', Languages)}, {string.Join('/', Kinds)}");
                continue;
            }

            if (string.IsNullOrWhiteSpace(query.Query) || query.Relevant.Count == 0)
            {
                problems.Add($"{query.Id}: a query needs its text and at least one relevant item");
                continue;
            }

            foreach (var relevant in query.Relevant)
            {
                if (!catalog.TryGetValue(relevant, out var item))
                {
                    problems.Add($"{query.Id}: no item is titled \"{relevant}\"");
                    continue;
                }

                var title = item.Title.In(query.Language);
                if (query.Kind == "paraphrase" && TitleOverlap.SharedWords(query.Query, title, query.Language) is { Count: > 0 } sharedWithTitle)
                {
                    problems.Add($"{query.Id}: the paraphrase \"{query.Query}\" shares {string.Join(", ", sharedWithTitle)} with the title \"{title}\"");
                }

                if (query.Kind == "meaning" && TitleOverlap.SharedWords(query.Query, item.Indexed(query.Language), query.Language) is { Count: > 0 } sharedWithIndex)
                {
                    problems.Add($"{query.Id}: the meaning query \"{query.Query}\" shares {string.Join(", ", sharedWithIndex)} with the title, description, cast or director of \"{title}\"");
                }
            }

            if (query.Kind == "title" && !query.Relevant.Any(r => catalog.TryGetValue(r, out var item) && TitleOverlap.SharedWords(query.Query, item.Title.In(query.Language), query.Language).Count > 0))
            {
                problems.Add($"{query.Id}: the title query \"{query.Query}\" shares no word with its item's title");
            }
        }

        return problems;
    }

    private sealed record EvalFile(IReadOnlyList<EvalQuery>? Queries);
}

/// <summary>The content words a query shares with a title (or any other text): words compared without case, accents or
/// niqqud, after a light stemming (English and Spanish plurals, Hebrew one-letter prefixes and
/// plural suffixes), and two words sharing most of a long stem (matchmaker, matchmaking) count as
/// one. Stopwords never count.</summary>
internal static partial class TitleOverlap
{
    private static readonly Dictionary<string, HashSet<string>> Stopwords = new(StringComparer.Ordinal)
    {
        ["en"] = new(StringComparer.Ordinal)
        {
            "a", "an", "the", "of", "and", "or", "in", "on", "at", "to", "for", "with", "about", "from", "by", "its", "his", "her", "their",
            "that", "who", "which", "is", "are", "what", "how", "why", "into", "over", "under", "it", "as", "be", "one", "some", "where", "when", "this",
        },
        ["es"] = new(StringComparer.Ordinal)
        {
            "el", "la", "los", "las", "un", "una", "unos", "unas", "de", "del", "en", "y", "o", "que", "con", "por", "para", "sobre", "su", "sus",
            "al", "a", "se", "es", "lo", "como", "qué", "cómo", "mas", "más", "sin", "entre",
        },
        ["he"] = new(StringComparer.Ordinal)
        {
            "של", "על", "את", "עם", "מה", "איך", "זה", "זו", "כי", "או", "גם", "אל", "מן", "לא", "הוא", "היא", "הם", "שלו", "שלה", "יש", "אחד", "אחת", "בין",
        },
    };

    private const string HebrewPrefixes = "הובלמשכ";

    public static IReadOnlyList<string> SharedWords(string query, string title, string language)
    {
        var titleWords = Words(title, language).ToList();
        return [.. Words(query, language).Where(q => titleWords.Any(t => Related(q, t, language))).Distinct()];
    }

    private static IEnumerable<string> Words(string text, string language)
    {
        var stopwords = Stopwords.GetValueOrDefault(language) ?? [];
        return Word().Matches(Plain(text)).Select(m => m.Value).Where(w => w.Length > 1 && !stopwords.Contains(w));
    }

    /// <summary>Lower case without accents or niqqud (a decomposed text without its marks).</summary>
    private static string Plain(string text)
    {
        var decomposed = text.ToLowerInvariant().Normalize(NormalizationForm.FormD);
        var plain = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed.Where(c => CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark))
        {
            plain.Append(c);
        }

        return plain.ToString().Normalize(NormalizationForm.FormC);
    }

    private static bool Related(string a, string b, string language)
    {
        var left = Stems(a, language);
        var right = Stems(b, language);
        return left.Overlaps(right) || left.Any(l => right.Any(r => LongCommonStem(l, r)));
    }

    private static bool LongCommonStem(string a, string b)
    {
        var common = 0;
        while (common < a.Length && common < b.Length && a[common] == b[common])
        {
            common++;
        }

        return common >= 5 && common >= 0.7 * Math.Min(a.Length, b.Length);
    }

    private static HashSet<string> Stems(string word, string language)
    {
        var stems = new HashSet<string>(StringComparer.Ordinal) { word };
        if (language == "he")
        {
            if (word.Length > 3 && HebrewPrefixes.Contains(word[0], StringComparison.Ordinal))
            {
                stems.Add(word[1..]);
            }

            foreach (var stem in stems.ToList().Where(s => s.Length > 4 && (s.EndsWith("ים", StringComparison.Ordinal) || s.EndsWith("ות", StringComparison.Ordinal))))
            {
                stems.Add(stem[..^2]);
            }
        }
        else if (word.Length > 4 && word.EndsWith("es", StringComparison.Ordinal))
        {
            stems.Add(word[..^2]);
            stems.Add(word[..^1]);
        }
        else if (word.Length > 3 && word.EndsWith('s'))
        {
            stems.Add(word[..^1]);
        }

        return stems;
    }

    [GeneratedRegex(@"[\p{L}\p{N}]+")]
    private static partial Regex Word();
}

/// <summary>Ranking quality of one ranked list against its relevant ids.</summary>
internal static class RankingMetrics
{
    /// <summary>The share of <paramref name="relevant"/> found among the first <paramref name="k"/> results.</summary>
    public static double RecallAt(int k, IReadOnlyList<string> ranked, IReadOnlyCollection<string> relevant)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        ArgumentOutOfRangeException.ThrowIfZero(relevant.Count);
        return ranked.Take(k).Distinct(StringComparer.Ordinal).Count(relevant.Contains) / (double)relevant.Count;
    }

    /// <summary>1 / the rank of the first relevant result, 0 when none is returned.</summary>
    public static double ReciprocalRank(IReadOnlyList<string> ranked, IReadOnlyCollection<string> relevant)
    {
        for (var i = 0; i < ranked.Count; i++)
        {
            if (relevant.Contains(ranked[i]))
            {
                return 1.0 / (i + 1);
            }
        }

        return 0;
    }
}

/// <summary>One query's outcome under one retrieval mode.</summary>
internal sealed record QueryOutcome(string Language, string Kind, string Mode, double Recall, double ReciprocalRank);

/// <summary>The mean recall@5 and MRR of the queries of one language and kind under one mode.</summary>
internal sealed record EvalCell(string Language, string Kind, string Mode, double Recall, double Mrr, int Queries);

/// <summary>The evaluation's table and the issue's targets: on English paraphrases hybrid recall@5
/// at least 20 points above keyword-only, and on English exact titles hybrid never below keyword-only
/// (neither its recall@5 nor its MRR lower).</summary>
internal static class EvalReport
{
    public const int K = 5;
    public const double ParaphraseGain = 0.20;
    public static readonly IReadOnlyList<string> Modes = ["keyword", "vector", "hybrid"];

    // Means of a few dozen fractions: equal figures may differ in the last bits.
    private const double Tolerance = 1e-9;

    public static IReadOnlyList<EvalCell> Aggregate(IEnumerable<QueryOutcome> outcomes) =>
    [
        .. outcomes
            .GroupBy(o => (o.Language, o.Kind, o.Mode))
            .Select(g => new EvalCell(g.Key.Language, g.Key.Kind, g.Key.Mode, g.Average(o => o.Recall), g.Average(o => o.ReciprocalRank), g.Count()))
            .OrderBy(c => IndexOf(EvalSet.Languages, c.Language)).ThenBy(c => IndexOf(EvalSet.Kinds, c.Kind)).ThenBy(c => IndexOf(Modes, c.Mode)),
    ];

    /// <summary>The targets <paramref name="cells"/> miss, each as a sentence; empty when all are met.</summary>
    public static IReadOnlyList<string> TargetFailures(IReadOnlyList<EvalCell> cells)
    {
        var failures = new List<string>();
        EvalCell? Cell(string kind, string mode) => cells.SingleOrDefault(c => c.Language == "en" && c.Kind == kind && c.Mode == mode);

        if (Cell("paraphrase", "keyword") is not { } keywordParaphrase || Cell("paraphrase", "hybrid") is not { } hybridParaphrase)
        {
            failures.Add("English paraphrases were not measured in keyword and hybrid modes");
        }
        else if (hybridParaphrase.Recall - keywordParaphrase.Recall < ParaphraseGain - Tolerance)
        {
            failures.Add($"English paraphrases: hybrid recall@{K} {Percent(hybridParaphrase.Recall)} is not {ParaphraseGain * 100:0} points above keyword's {Percent(keywordParaphrase.Recall)}");
        }

        if (Cell("title", "keyword") is not { } keywordTitle || Cell("title", "hybrid") is not { } hybridTitle)
        {
            failures.Add("English titles were not measured in keyword and hybrid modes");
        }
        else
        {
            if (hybridTitle.Recall < keywordTitle.Recall - Tolerance)
            {
                failures.Add($"English titles: hybrid recall@{K} {Percent(hybridTitle.Recall)} is below keyword's {Percent(keywordTitle.Recall)}");
            }

            if (hybridTitle.Mrr < keywordTitle.Mrr - Tolerance)
            {
                failures.Add($"English titles: hybrid MRR {hybridTitle.Mrr.ToString("0.000", CultureInfo.InvariantCulture)} is below keyword's {keywordTitle.Mrr.ToString("0.000", CultureInfo.InvariantCulture)}");
            }
        }

        return failures;
    }

    /// <summary>A Markdown table, one row per language, kind and mode.</summary>
    public static string Table(IReadOnlyList<EvalCell> cells)
    {
        var table = new StringBuilder();
        table.AppendLine(CultureInfo.InvariantCulture, $"| Language | Queries | Mode | Recall@{K} | MRR | n |");
        table.AppendLine("|---|---|---|---:|---:|---:|");
        foreach (var cell in cells)
        {
            table.AppendLine(CultureInfo.InvariantCulture, $"| {cell.Language} | {cell.Kind} | {cell.Mode} | {Percent(cell.Recall)} | {cell.Mrr:0.000} | {cell.Queries} |");
        }

        return table.ToString();
    }

    private static string Percent(double share) => (share * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%";

    private static int IndexOf(IReadOnlyList<string> values, string value) => values.ToList().IndexOf(value);
}
