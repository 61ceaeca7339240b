using BayitPlus.MongoEmulator.Bson;
using MongoDB.Bson;

namespace BayitPlus.MongoEmulator.Text;

/// <summary>A parsed <c>$text</c> query: terms, phrases and negations.</summary>
/// <remarks>Immutable once parsed. Terms are folded, stop-word filtered and stemmed in the query's
/// language exactly as indexed text is, so they can be looked up in the index directly.</remarks>
public sealed class TextQuery
{
    private TextQuery(
        TextLanguage language,
        bool caseSensitive,
        bool diacriticSensitive,
        SearchParts parts)
    {
        Language = language;
        CaseSensitive = caseSensitive;
        DiacriticSensitive = diacriticSensitive;
        Terms = TermsOf(parts.Positive, foldCase: true, foldDiacritics: true);
        NegatedTerms = TermsOf(parts.Negative, foldCase: true, foldDiacritics: true);
        SensitiveTerms = IsSensitive ? TermsOf(parts.Positive, !caseSensitive, !diacriticSensitive) : [];
        NegatedSensitiveTerms = IsSensitive ? TermsOf(parts.Negative, !caseSensitive, !diacriticSensitive) : [];
        Phrases = [.. parts.Phrases.Select(FoldForQuery)];
        NegatedPhrases = [.. parts.NegatedPhrases.Select(FoldForQuery)];
    }

    internal TextLanguage Language { get; }

    internal bool CaseSensitive { get; }

    internal bool DiacriticSensitive { get; }

    internal bool IsSensitive => CaseSensitive || DiacriticSensitive;

    /// <summary>Fully folded terms; a document must contain at least one (words of phrases included).</summary>
    internal string[] Terms { get; }

    /// <summary>Fully folded negated terms; a document containing any is excluded.</summary>
    internal string[] NegatedTerms { get; }

    /// <summary>When sensitive: the terms folded only as far as the query allows.</summary>
    internal string[] SensitiveTerms { get; }

    internal string[] NegatedSensitiveTerms { get; }

    /// <summary>Phrases folded as far as the query allows; each must occur in some indexed string.</summary>
    internal string[] Phrases { get; }

    internal string[] NegatedPhrases { get; }

    /// <summary>Whether matching needs the document's text beyond the index postings.</summary>
    internal bool NeedsDocumentCheck => IsSensitive || Phrases.Length > 0 || NegatedPhrases.Length > 0;

    /// <summary>Parses <c>{$search, $language, $caseSensitive, $diacriticSensitive}</c>.</summary>
    internal static TextQuery Parse(BsonDocument textSpec, TextLanguage defaultLanguage)
    {
        string? search = null;
        var language = defaultLanguage;
        var caseSensitive = false;
        var diacriticSensitive = false;
        foreach (var element in textSpec)
        {
            switch (element.Name)
            {
                case "$search":
                    search = element.Value is BsonString { Value: var s }
                        ? s
                        : throw MongoErrorException.TypeMismatch("$text: $search must be a string");
                    break;
                case "$language":
                    language = element.Value is BsonString { Value: var name }
                        ? TextLanguage.Resolve(name, "language override")
                        : throw MongoErrorException.TypeMismatch("$text: $language must be a string");
                    break;
                case "$caseSensitive":
                    caseSensitive = element.Value is BsonBoolean { Value: var cs }
                        ? cs
                        : throw MongoErrorException.TypeMismatch("$text: $caseSensitive must be a boolean");
                    break;
                case "$diacriticSensitive":
                    diacriticSensitive = element.Value is BsonBoolean { Value: var ds }
                        ? ds
                        : throw MongoErrorException.TypeMismatch("$text: $diacriticSensitive must be a boolean");
                    break;
                default:
                    throw MongoErrorException.BadValue($"$text: unknown option '{element.Name}'");
            }
        }

        return search is null
            ? throw MongoErrorException.FailedToParse("$text requires a $search string")
            : new TextQuery(language, caseSensitive, diacriticSensitive, SearchParts.Parse(search));
    }

    /// <summary>Checks what the postings cannot: phrases, and for case- or diacritic-sensitive queries
    /// that a positive term and no negated term occur with the exact case/diacritics.</summary>
    internal bool AcceptsDocument(TextLanguage language, TextValue[] texts)
    {
        var folded = new string[texts.Length];
        for (var i = 0; i < texts.Length; i++)
        {
            folded[i] = IsSensitive ? TextAnalyzer.Fold(texts[i].Raw, !CaseSensitive, !DiacriticSensitive) : texts[i].Folded;
        }

        if (IsSensitive)
        {
            var documentTerms = new List<string>();
            foreach (var text in folded)
            {
                TextAnalyzer.AddTerms(text, language, sensitive: true, documentTerms);
            }

            var present = documentTerms.ToHashSet(StringComparer.Ordinal);
            if (!SensitiveTerms.Any(present.Contains) || NegatedSensitiveTerms.Any(present.Contains))
            {
                return false;
            }
        }

        return Phrases.All(phrase => ContainsPhrase(folded, phrase))
            && !NegatedPhrases.Any(phrase => ContainsPhrase(folded, phrase));
    }

    private static bool ContainsPhrase(string[] texts, string phrase)
    {
        foreach (var text in texts)
        {
            if (text.Contains(phrase, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private string FoldForQuery(string text) => TextAnalyzer.Fold(text, !CaseSensitive, !DiacriticSensitive);

    private string[] TermsOf(List<string> chunks, bool foldCase, bool foldDiacritics)
    {
        var terms = new List<string>();
        foreach (var chunk in chunks)
        {
            TextAnalyzer.AddTerms(TextAnalyzer.Fold(chunk, foldCase, foldDiacritics), Language, !(foldCase && foldDiacritics), terms);
        }

        return [.. terms.Distinct(StringComparer.Ordinal)];
    }

    /// <summary>The <c>$search</c> string split into term chunks and phrases.</summary>
    /// <remarks>Words are separated by whitespace. A <c>-</c> right after whitespace (or at the start)
    /// negates what follows up to the next whitespace, a word or a quoted phrase; a hyphen elsewhere
    /// only separates words. <c>"..."</c> is a phrase (an unclosed quote runs to the end); the words of
    /// a non-negated phrase also count as terms, as in MongoDB.</remarks>
    private sealed record SearchParts(List<string> Positive, List<string> Negative, List<string> Phrases, List<string> NegatedPhrases)
    {
        public static SearchParts Parse(string search)
        {
            var parts = new SearchParts([], [], [], []);
            var negating = false;
            var afterSpace = true;
            var i = 0;
            while (i < search.Length)
            {
                var c = search[i];
                if (char.IsWhiteSpace(c))
                {
                    negating = false;
                    afterSpace = true;
                    i++;
                    continue;
                }

                if (c == '-' && afterSpace)
                {
                    negating = true;
                    afterSpace = false;
                    i++;
                    continue;
                }

                afterSpace = false;
                if (c == '"')
                {
                    var close = search.IndexOf('"', i + 1);
                    var end = close < 0 ? search.Length : close;
                    parts.AddPhrase(search[(i + 1)..end], negating);
                    negating = false;
                    i = end + 1;
                    continue;
                }

                var start = i;
                while (i < search.Length && !char.IsWhiteSpace(search[i]) && search[i] != '"')
                {
                    i++;
                }

                (negating ? parts.Negative : parts.Positive).Add(search[start..i]);
            }

            return parts;
        }

        private void AddPhrase(string phrase, bool negated)
        {
            if (string.IsNullOrWhiteSpace(phrase))
            {
                return;
            }

            if (negated)
            {
                NegatedPhrases.Add(phrase);
            }
            else
            {
                Phrases.Add(phrase);
                Positive.Add(phrase);
            }
        }
    }
}
