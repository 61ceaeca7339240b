using System.Runtime.InteropServices;
using BayitPlus.MongoEmulator.Bson;
using MongoDB.Bson;

namespace BayitPlus.MongoEmulator.Text;

/// <summary>An inverted text index over the fields of a text index specification, with weights,
/// tokenizing Hebrew, English and Spanish text case- and diacritic-insensitively.</summary>
/// <remarks>
/// <para>Each term maps to its postings: the documents containing it and the term's score in each.
/// As MongoDB does (it stores the score in the index key), the score is computed when the document is
/// added: for every indexed string, each of its terms adds
/// <c>weight × (2 − 2^(1−count)) × (0.5 × count / terms + 0.5)</c>, where <c>count</c> is how often the
/// term occurs in that string and <c>terms</c> how many terms (stop words excluded) the string has.
/// A query's score for a document is the sum of the scores of its distinct terms, so heavier fields
/// and more matching terms score higher.</para>
/// <para>Not thread-safe for concurrent mutation; the engine serialises calls.</para>
/// </remarks>
public sealed class TextIndex
{
    private readonly TextIndexSpec spec;
    private readonly Dictionary<string, Dictionary<int, double>> postings = new(StringComparer.Ordinal);
    private readonly Dictionary<BsonValue, int> slotById = new(BsonOrder.Instance);
    private readonly List<IndexedDocument?> slots = [];
    private readonly Stack<int> freeSlots = new();

    /// <param name="keyPattern">The index key, e.g. <c>{title: "text", description: "text"}</c>
    /// (other, non-text keys are prefix/suffix fields and are ignored for scoring).</param>
    /// <param name="options">The index options: <c>weights</c>, <c>default_language</c>, <c>language_override</c>.</param>
    public TextIndex(BsonDocument keyPattern, BsonDocument options) => spec = TextIndexSpec.Parse(keyPattern, options);

    /// <summary>How many documents the index holds.</summary>
    public int Count => slotById.Count;

    /// <summary>Throws what <see cref="Add"/> would throw for this document (BadValue for an
    /// unsupported or non-string language override), so a caller can check before changing anything.</summary>
    public void Validate(BsonDocument document) => spec.LanguageOf(document);

    /// <summary>Indexes a document, replacing any earlier version with the same id. Throws (leaving
    /// the index unchanged) when the document names an unsupported language; see <see cref="Validate"/>.</summary>
    public void Add(BsonValue id, BsonDocument document)
    {
        var analysis = Analyze(document);
        Remove(id);
        var slot = freeSlots.Count > 0 ? freeSlots.Pop() : AppendSlot();
        foreach (var (term, score) in analysis.TermScores)
        {
            ref var list = ref CollectionsMarshal.GetValueRefOrAddDefault(postings, term, out _);
            list ??= [];
            list[slot] = score;
        }

        slots[slot] = new IndexedDocument(id, analysis.Language, analysis.Texts, [.. analysis.TermScores.Keys]);
        slotById[id] = slot;
    }

    /// <summary>Removes the document with this id (a no-op when absent). The index removes what it
    /// stored at <see cref="Add"/>, so <paramref name="document"/> is only the caller's copy.</summary>
    public void Remove(BsonValue id, BsonDocument document) => Remove(id);

    /// <summary>Parses <c>{$search, $language, $caseSensitive, $diacriticSensitive}</c>.</summary>
    public TextQuery Parse(BsonDocument textSpec) => TextQuery.Parse(textSpec, spec.DefaultLanguage);

    /// <summary>The ids of matching documents (keys compared with MongoDB equality) and their scores.</summary>
    public IReadOnlyDictionary<BsonValue, double> Search(TextQuery query)
    {
        var scores = new Dictionary<int, double>();
        foreach (var term in query.Terms)
        {
            if (postings.TryGetValue(term, out var list))
            {
                foreach (var (slot, score) in list)
                {
                    CollectionsMarshal.GetValueRefOrAddDefault(scores, slot, out _) += score;
                }
            }
        }

        if (!query.IsSensitive)
        {
            foreach (var term in query.NegatedTerms)
            {
                if (postings.TryGetValue(term, out var list))
                {
                    foreach (var slot in list.Keys)
                    {
                        scores.Remove(slot);
                    }
                }
            }
        }

        var result = new Dictionary<BsonValue, double>(scores.Count, BsonOrder.Instance);
        foreach (var (slot, score) in scores)
        {
            var document = slots[slot]!;
            if (!query.NeedsDocumentCheck || query.AcceptsDocument(document.Language, document.Texts))
            {
                result[document.Id] = score;
            }
        }

        return result;
    }

    /// <summary>Scores one document that may not be in the index; null when it does not match.</summary>
    public double? Score(BsonDocument document, TextQuery query)
    {
        var analysis = Analyze(document);
        var score = 0.0;
        var matched = false;
        foreach (var term in query.Terms)
        {
            if (analysis.TermScores.TryGetValue(term, out var termScore))
            {
                score += termScore;
                matched = true;
            }
        }

        if (!matched || (!query.IsSensitive && query.NegatedTerms.Any(analysis.TermScores.ContainsKey)))
        {
            return null;
        }

        return !query.NeedsDocumentCheck || query.AcceptsDocument(analysis.Language, analysis.Texts) ? score : null;
    }

    private int AppendSlot()
    {
        slots.Add(null);
        return slots.Count - 1;
    }

    private void Remove(BsonValue id)
    {
        if (!slotById.Remove(id, out var slot))
        {
            return;
        }

        foreach (var term in slots[slot]!.Terms)
        {
            var list = postings[term];
            list.Remove(slot);
            if (list.Count == 0)
            {
                postings.Remove(term);
            }
        }

        slots[slot] = null;
        freeSlots.Push(slot);
    }

    private Analysis Analyze(BsonDocument document)
    {
        var language = spec.LanguageOf(document);
        var values = new List<(double Weight, string Text)>();
        spec.Collect(document, values);
        var texts = new TextValue[values.Count];
        var termScores = new Dictionary<string, double>(StringComparer.Ordinal);
        var terms = new List<string>();
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < values.Count; i++)
        {
            var (weight, text) = values[i];
            var folded = TextAnalyzer.Fold(text, foldCase: true, foldDiacritics: true);
            texts[i] = new TextValue(text, folded);
            terms.Clear();
            TextAnalyzer.AddTerms(folded, language, sensitive: false, terms);
            counts.Clear();
            foreach (var term in terms)
            {
                CollectionsMarshal.GetValueRefOrAddDefault(counts, term, out _)++;
            }

            foreach (var (term, count) in counts)
            {
                var frequency = 2 - Math.Pow(2, 1 - count);
                var coefficient = (0.5 * count / terms.Count) + 0.5;
                CollectionsMarshal.GetValueRefOrAddDefault(termScores, term, out _) += weight * frequency * coefficient;
            }
        }

        return new Analysis(language, texts, termScores);
    }

    private sealed record Analysis(TextLanguage Language, TextValue[] Texts, Dictionary<string, double> TermScores);

    private sealed record IndexedDocument(BsonValue Id, TextLanguage Language, TextValue[] Texts, string[] Terms);
}

/// <summary>One indexed string: as stored, and case- and diacritic-folded for phrase matching.</summary>
internal readonly record struct TextValue(string Raw, string Folded);
