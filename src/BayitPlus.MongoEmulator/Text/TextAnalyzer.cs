using System.Globalization;

namespace BayitPlus.MongoEmulator.Text;

/// <summary>Folding and tokenization shared by indexing and querying.</summary>
/// <remarks>A token is a maximal run of letters, decimal digits and combining marks; everything else
/// (spaces, punctuation including apostrophes, hyphens, the Hebrew maqaf and geresh/gershayim,
/// symbols) separates tokens. Characters are examined one UTF-16 unit at a time, so letters outside
/// the Basic Multilingual Plane act as separators.</remarks>
internal static class TextAnalyzer
{
    /// <summary>Lower-cases (<paramref name="foldCase"/>) and removes diacritics
    /// (<paramref name="foldDiacritics"/>: precomposed letters become their base letter and nonspacing
    /// marks such as accents, Hebrew niqqud and cantillation are dropped). Returns the same instance
    /// when nothing changes.</summary>
    public static string Fold(string text, bool foldCase, bool foldDiacritics)
    {
        if (!foldCase && !foldDiacritics)
        {
            return text;
        }

        var buffer = text.Length <= 256 ? stackalloc char[text.Length] : new char[text.Length];
        var length = 0;
        var changed = false;
        foreach (var c in text)
        {
            var folded = c;
            if (c < 0x80)
            {
                folded = foldCase ? char.ToLowerInvariant(c) : c;
            }
            else if (foldDiacritics && char.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark)
            {
                changed = true;
                continue;
            }
            else
            {
                folded = foldDiacritics ? DiacriticFolding.Fold(c) : c;
                folded = foldCase ? char.ToLowerInvariant(folded) : folded;
            }

            changed |= folded != c;
            buffer[length++] = folded;
        }

        return changed ? new string(buffer[..length]) : text;
    }

    /// <summary>Appends the terms of already folded text: its tokens minus stop words, stemmed. When
    /// the text kept case or diacritics (<paramref name="sensitive"/>), stop words are recognised on a
    /// fully folded copy of each token.</summary>
    public static void AddTerms(string folded, TextLanguage language, bool sensitive, List<string> terms)
    {
        var i = 0;
        while (i < folded.Length)
        {
            if (!IsTokenChar(folded[i]))
            {
                i++;
                continue;
            }

            var start = i;
            while (i < folded.Length && IsTokenChar(folded[i]))
            {
                i++;
            }

            var token = folded.AsSpan(start, i - start);
            ReadOnlySpan<char> plain = sensitive ? Fold(new string(token), foldCase: true, foldDiacritics: true) : token;
            if (!language.IsStopWord(plain))
            {
                terms.Add(language.Stem(token));
            }
        }
    }

    public static bool IsTokenChar(char c) =>
        char.IsLetterOrDigit(c) || char.GetUnicodeCategory(c) is UnicodeCategory.NonSpacingMark
            or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark;
}
