namespace BayitPlus.MongoEmulator.Text;

/// <summary>A light Spanish plural stemmer (our own; MongoDB uses Snowball). Index and query terms go
/// through the same rules, so singular and plural meet on one stem.</summary>
/// <remarks>Tokens shorter than 3 characters are kept. Then: <c>-es</c> goes when the token is longer
/// than 4 (canciones → cancion, ciudades → ciudad); otherwise a final <c>s</c> after <c>a</c> or
/// <c>o</c> goes from a token longer than 3 (casas → casa); then a final <c>e</c> goes when more than 3 characters remain, so the
/// plurals of words in <c>-e</c> meet their singular (noche, noches → noch); a final <c>z</c> becomes
/// <c>c</c> (luz, luces → luc). Suffixes are matched ASCII case-insensitively; accents are already
/// folded away unless the query is <c>$diacriticSensitive</c>.</remarks>
internal static class SpanishStemmer
{
    public static string Stem(ReadOnlySpan<char> token)
    {
        if (token.Length < 3)
        {
            return new string(token);
        }

        var word = token.Length <= 64 ? stackalloc char[token.Length] : new char[token.Length];
        token.CopyTo(word);
        var length = token.Length;
        if (length > 4 && Ends(word[..length], "es"))
        {
            length -= 2;
        }
        else if (length > 3 && (Ends(word[..length], "as") || Ends(word[..length], "os")))
        {
            length--;
        }

        if (length > 3 && Ends(word[..length], "e"))
        {
            length--;
        }

        if (Ends(word[..length], "z"))
        {
            word[length - 1] = word[length - 1] == 'Z' ? 'C' : 'c';
        }

        return new string(word[..length]);
    }

    private static bool Ends(ReadOnlySpan<char> word, string suffix) =>
        word.EndsWith(suffix, StringComparison.OrdinalIgnoreCase);
}
