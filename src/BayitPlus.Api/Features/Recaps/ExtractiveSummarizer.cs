using System.Globalization;
using System.Text;

namespace BayitPlus.Api.Features.Recaps;

/// <summary>The local summarizer, with no network: splits the transcript into sentences (Hebrew,
/// English, Spanish), ranks them with TextRank over word overlap, and answers with the top sentences
/// in time order as the summary and the next ones as key points. It cannot translate, so it answers in
/// the transcript's language (the most lines') and says whether that is the language asked.</summary>
public sealed class ExtractiveSummarizer : IRecapSummarizer
{
    private const int MaxSummarySentences = 3;
    private const int MaxSummaryCharacters = 450;
    private const int MaxKeyPoints = 5;
    private const double Damping = 0.85;

    /// <summary>The newest sentences ranked, at most: the ranking compares every pair, so time and
    /// memory grow with the square of the count (600: a few milliseconds and 3 MB).</summary>
    public const int MaxSentences = 600;

    public bool Translates => false;

    public Task<RecapSummary> SummarizeAsync(IReadOnlyList<TranscriptLine> transcript, string language, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(Summarize(transcript, language));
    }

    /// <summary>An empty transcript gives an empty summary with no key points (callers refuse too
    /// little transcript before asking).</summary>
    public static RecapSummary Summarize(IReadOnlyList<TranscriptLine> transcript, string language)
    {
        var spoken = TranscriptLanguage(transcript) ?? language;
        var sentences = Distinct(transcript
            .SelectMany(line => SentenceSplitter.Split(line.Text))
            .TakeLast(MaxSentences)
            .Select(text => new Sentence(text, Words.Of(text, spoken)))
            .ToList());
        var order = Rank(sentences);

        var summary = new List<int>();
        var characters = 0;
        foreach (var index in order)
        {
            var length = sentences[index].Text.Length;
            if (summary.Count == MaxSummarySentences || (summary.Count > 0 && characters + length > MaxSummaryCharacters))
            {
                break;
            }

            summary.Add(index);
            characters += length + 1;
        }

        var keyPoints = order.Skip(summary.Count).Take(MaxKeyPoints).Order().Select(index => sentences[index].Text).ToList();
        var text = string.Join(' ', summary.Order().Select(index => sentences[index].Text));
        return new RecapSummary(text, keyPoints, spoken, string.Equals(spoken, language, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The language most lines are in; a tie goes to the one heard first.</summary>
    private static string? TranscriptLanguage(IReadOnlyList<TranscriptLine> transcript) =>
        transcript
            .Select((line, index) => (Language: line.Language.ToLowerInvariant(), index))
            .GroupBy(line => line.Language)
            .OrderByDescending(group => group.Count())
            .ThenBy(group => group.First().index)
            .Select(group => group.Key)
            .FirstOrDefault();

    /// <summary>Captions repeat themselves; a sentence with the same words as an earlier one (or with
    /// no words at all) is dropped so the summary and key points never say the same thing twice.</summary>
    private static List<Sentence> Distinct(List<Sentence> sentences)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        return sentences.Where(sentence => sentence.Words.Count > 0 && seen.Add(string.Join(' ', sentence.Words.Order(StringComparer.Ordinal)))).ToList();
    }

    /// <summary>Sentence indexes from the most to the least central (TextRank, Mihalcea and Tarau
    /// 2004: weighted PageRank over the overlap similarity); equal scores keep time order.</summary>
    private static List<int> Rank(List<Sentence> sentences)
    {
        var count = sentences.Count;
        var weights = new double[count, count];
        var outWeight = new double[count];
        for (var i = 0; i < count; i++)
        {
            for (var j = i + 1; j < count; j++)
            {
                var similarity = Similarity(sentences[i].Words, sentences[j].Words);
                weights[i, j] = weights[j, i] = similarity;
                outWeight[i] += similarity;
                outWeight[j] += similarity;
            }
        }

        var scores = Enumerable.Repeat(1.0, count).ToArray();
        for (var iteration = 0; iteration < 100; iteration++)
        {
            var next = new double[count];
            var change = 0.0;
            for (var i = 0; i < count; i++)
            {
                var sum = 0.0;
                for (var j = 0; j < count; j++)
                {
                    if (weights[j, i] > 0)
                    {
                        sum += weights[j, i] / outWeight[j] * scores[j];
                    }
                }

                next[i] = 1 - Damping + Damping * sum;
                change = Math.Max(change, Math.Abs(next[i] - scores[i]));
            }

            scores = next;
            if (change < 1e-10)
            {
                break;
            }
        }

        // Rounded so that sentences equal in the graph but summed in another order still tie.
        return Enumerable.Range(0, count).OrderByDescending(i => Math.Round(scores[i], 9)).ThenBy(i => i).ToList();
    }

    /// <summary>Words in common over log |Si| + log |Sj|; two one-word sentences sharing it count 1.</summary>
    private static double Similarity(IReadOnlySet<string> first, IReadOnlySet<string> second)
    {
        var overlap = first.Count(second.Contains);
        if (overlap == 0)
        {
            return 0;
        }

        var norm = Math.Log(first.Count) + Math.Log(second.Count);
        return norm > 0 ? overlap / norm : overlap;
    }

    private sealed record Sentence(string Text, IReadOnlySet<string> Words);
}

/// <summary>Splits caption text into sentences at . ! ? … and the Hebrew sof pasuq (׃), but not
/// inside numbers (3.5), after abbreviations (Dr., Sr., etc.) or in dotted forms (e.g., U.S.).</summary>
public static class SentenceSplitter
{
    /// <summary>Abbreviations that often end a sentence: they end one when a capital follows.</summary>
    private static readonly HashSet<string> FinalAbbreviations = new(StringComparer.OrdinalIgnoreCase) { "etc", "inc", "ltd" };

    private static readonly HashSet<string> Abbreviations = new(StringComparer.OrdinalIgnoreCase)
    {
        "dr", "dra", "mr", "mrs", "ms", "prof", "sr", "sra", "srta", "st", "jr", "vs", "núm", "ud", "uds",
        "lic", "ing", "gob", "av", "pág", "approx", "corp", "dept", "fig", "vol",
    };

    public static IEnumerable<string> Split(string text)
    {
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (!IsTerminator(text[i]) || !EndsSentence(text, i))
            {
                continue;
            }

            var end = i + 1;
            while (end < text.Length && (IsTerminator(text[end]) || IsCloser(text[end])))
            {
                end++;
            }

            var sentence = text[start..end].Trim();
            if (sentence.Length > 0)
            {
                yield return sentence;
            }

            start = end;
            i = end - 1;
        }

        var rest = text[start..].Trim();
        if (rest.Length > 0)
        {
            yield return rest;
        }
    }

    private static bool IsTerminator(char c) => c is '.' or '!' or '?' or '…' or '\u05C3';

    private static bool IsHebrewLetter(char c) => c is >= '\u05D0' and <= '\u05EA';

    private static bool IsCloser(char c) => c is '"' or '\'' or ')' or ']' or '»' or '”' or '’';

    private static bool EndsSentence(string text, int index)
    {
        var next = index + 1;
        while (next < text.Length && (IsTerminator(text[next]) || IsCloser(text[next])))
        {
            next++;
        }

        if (next < text.Length && !char.IsWhiteSpace(text[next]))
        {
            // 3.5, e.g., U.S., www.example.com: the dot is inside a word.
            return false;
        }

        if (text[index] != '.')
        {
            return true;
        }

        var wordStart = index;
        while (wordStart > 0 && char.IsLetter(text[wordStart - 1]))
        {
            wordStart--;
        }

        var word = text[wordStart..index];
        if (FinalAbbreviations.Contains(word))
        {
            var following = text[next..].TrimStart();
            return following.Length == 0 || char.IsUpper(following[0]) || following[0] is '¿' or '¡' || IsHebrewLetter(following[0]);
        }

        // A lone capital is an initial (J. Smith); a dotted word before it is an abbreviation (e.g.).
        var initial = word.Length == 1 && char.IsUpper(word[0]);
        var dotted = wordStart > 0 && text[wordStart - 1] == '.';
        return !(Abbreviations.Contains(word) || initial || dotted);
    }
}

/// <summary>The words a sentence is compared by: accents and niqqud removed, lower case, the Hebrew
/// geresh and gershayim kept inside words (צה"ל), the maqaf and other punctuation splitting them,
/// and the language's stopwords left out.</summary>
public static class Words
{
    private static readonly Dictionary<string, HashSet<string>> Stopwords = new(StringComparer.OrdinalIgnoreCase)
    {
        ["en"] = Set("a an the and or but if of to in on at by for with from as is are was were be been being it its this that these those there here "
            + "i you he she we they me him her us them my your his our their what which who whom so not no do does did have has had will would can could "
            + "should may might must shall about into over than then too very just also up out all any some more most such only own same now"),
        ["es"] = Set("el la los las un una unos unas y o u pero si de del a al en con por para como es son fue fueron ser era eran esta este esto estos estas "
            + "ese esa eso esos esas que qué quien quién se su sus lo le les me te nos yo tu tú él ella ellos ellas nosotros mi mis muy más ya no sí "
            + "hay ha han he sin sobre entre también porque cuando donde todo todos toda todas otro otra hasta desde"),
        ["he"] = Set("של את על עם אל מן כי גם לא כן זה זו זאת אלה הוא היא הם הן אני אתה את אנחנו אתם יש אין היה היתה היו הייה או אבל אם כל עוד רק "
            + "כמו מה מי איך למה כאן שם אז עכשיו כבר מאוד יותר פה לו לה להם לי לנו בו בה בהם שלו שלה שלהם שלנו שלי אותו אותה אותם"),
    };

    public static IReadOnlySet<string> Of(string text, string language)
    {
        var stopwords = Stopwords.GetValueOrDefault(language) ?? [];
        return Normalize(text)
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Where(word => !stopwords.Contains(word))
            .ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>Lower case letters and digits separated by single spaces.</summary>
    public static string Normalize(string text)
    {
        var decomposed = text.Normalize(NormalizationForm.FormD);
        var result = new StringBuilder(decomposed.Length);
        for (var i = 0; i < decomposed.Length; i++)
        {
            var c = decomposed[i];
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark)
            {
                continue;
            }

            if (char.IsLetterOrDigit(c))
            {
                result.Append(char.ToLowerInvariant(c));
            }
            else if (IsGeresh(c) && result.Length > 0 && IsHebrewLetter(result[^1]) && i + 1 < decomposed.Length && IsHebrewLetter(decomposed[i + 1]))
            {
                continue;
            }
            else
            {
                result.Append(' ');
            }
        }

        return result.ToString();
    }

    private static bool IsGeresh(char c) => c is '"' or '\'' or '\u05F3' or '\u05F4';

    private static bool IsHebrewLetter(char c) => c is >= '\u05D0' and <= '\u05EA';

    private static HashSet<string> Set(string words) =>
        words.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(Normalize).Select(word => word.Trim()).ToHashSet(StringComparer.Ordinal);
}
