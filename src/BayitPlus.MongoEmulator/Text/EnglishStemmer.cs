namespace BayitPlus.MongoEmulator.Text;

/// <summary>A light, conservative English suffix stemmer (our own, far simpler than the Snowball
/// stemmer MongoDB uses). Index and query terms go through the same rules, so what matters is that
/// inflected forms of a word meet on one stem, not that the stem is a real word.</summary>
/// <remarks>Tokens shorter than 3 characters are kept. Then, in order:
/// <list type="number">
/// <item>Plurals: <c>-sses</c> → <c>-ss</c>; <c>-ies</c> → <c>-i</c> (longer than 4 characters, else
/// only the <c>s</c> goes); <c>-xes -zes -ches -shes</c> → drop <c>es</c> (longer than 4); a final
/// <c>s</c> not after <c>s</c>, <c>u</c> or <c>i</c> goes when the token is longer than 3.</item>
/// <item>Verb endings: <c>-eed</c> is kept; <c>-ied</c> → <c>-i</c> (longer than 4); <c>-ed</c> and
/// <c>-ing</c> go when at least 2 characters including a vowel remain, and then a doubled final
/// consonant other than <c>l</c>, <c>s</c>, <c>z</c> is undoubled (stopped → stop, running → run).</item>
/// <item>Tail: a final <c>y</c> after a consonant becomes <c>i</c> (story, stories → stori); otherwise
/// a final <c>e</c> not after <c>e</c> goes (bake, baked, baking → bak).</item>
/// </list>
/// Suffixes are matched ASCII case-insensitively and the kept characters keep their case, so the
/// same rules serve <c>$caseSensitive</c> queries.</remarks>
internal static class EnglishStemmer
{
    public static string Stem(ReadOnlySpan<char> token)
    {
        if (token.Length < 3)
        {
            return new string(token);
        }

        var word = token.Length <= 64 ? stackalloc char[token.Length] : new char[token.Length];
        token.CopyTo(word);
        var length = StripPlural(word, token.Length);
        length = StripVerbEnding(word, length);
        length = AdjustTail(word, length);
        return new string(word[..length]);
    }

    private static int StripPlural(ReadOnlySpan<char> word, int length)
    {
        var w = word[..length];
        if (Ends(w, "sses"))
        {
            return length - 2;
        }

        if (Ends(w, "ies"))
        {
            return length > 4 ? length - 2 : length - 1;
        }

        if (length > 4 && (Ends(w, "xes") || Ends(w, "zes") || Ends(w, "ches") || Ends(w, "shes")))
        {
            return length - 2;
        }

        return length > 3 && Ends(w, "s") && !Ends(w, "ss") && !Ends(w, "us") && !Ends(w, "is") ? length - 1 : length;
    }

    private static int StripVerbEnding(ReadOnlySpan<char> word, int length)
    {
        var w = word[..length];
        if (Ends(w, "eed"))
        {
            return length;
        }

        if (length > 4 && Ends(w, "ied"))
        {
            return length - 2;
        }

        var cut = Ends(w, "ing") ? 3 : Ends(w, "ed") ? 2 : 0;
        if (cut == 0 || length - cut < 2 || !HasVowel(w[..(length - cut)]))
        {
            return length;
        }

        length -= cut;
        var last = Lower(word[length - 1]);
        return length >= 3 && last == Lower(word[length - 2]) && IsConsonant(last) && last is not ('l' or 's' or 'z')
            ? length - 1
            : length;
    }

    private static int AdjustTail(Span<char> word, int length)
    {
        var last = Lower(word[length - 1]);
        if (last == 'y' && length > 2 && IsConsonant(Lower(word[length - 2])))
        {
            word[length - 1] = word[length - 1] == 'Y' ? 'I' : 'i';
            return length;
        }

        return last == 'e' && length >= 3 && Lower(word[length - 2]) != 'e' ? length - 1 : length;
    }

    private static bool Ends(ReadOnlySpan<char> word, string suffix) =>
        word.EndsWith(suffix, StringComparison.OrdinalIgnoreCase);

    private static bool HasVowel(ReadOnlySpan<char> word)
    {
        foreach (var c in word)
        {
            if (IsVowel(Lower(c)))
            {
                return true;
            }
        }

        return false;
    }

    private static char Lower(char c) => char.IsAsciiLetterUpper(c) ? (char)(c | 0x20) : c;

    private static bool IsVowel(char lower) => lower is 'a' or 'e' or 'i' or 'o' or 'u' or 'y';

    private static bool IsConsonant(char lower) => char.IsAsciiLetterLower(lower) && !IsVowel(lower);
}
