using BayitPlus.MongoEmulator.Text;

namespace BayitPlus.MongoEmulator.Tests.Text;

public sealed class TextAnalyzerTests
{
    [Theory]
    [InlineData("שָׁלוֹם עוֹלָם", "שלום עולם")]
    [InlineData("בְּרֵאשִׁ֖ית בָּרָ֣א", "בראשית ברא")]
    [InlineData("\uFB2A\u05DE\u05DF", "שמן")]
    [InlineData("Canción ÑANDÚ Árbol pingüino", "cancion nandu arbol pinguino")]
    [InlineData("Cafe\u0301 Ἀθῆναι Йогурт", "cafe αθηναι иогурт")]
    public void Fold_removes_case_niqqud_cantillation_and_accents(string text, string expected) =>
        Assert.Equal(expected, TextAnalyzer.Fold(text, foldCase: true, foldDiacritics: true));

    [Fact]
    public void Fold_can_keep_case_or_diacritics()
    {
        Assert.Equal("canción", TextAnalyzer.Fold("Canción", foldCase: true, foldDiacritics: false));
        Assert.Equal("Cancion", TextAnalyzer.Fold("Canción", foldCase: false, foldDiacritics: true));
        Assert.Same("plain", TextAnalyzer.Fold("plain", foldCase: true, foldDiacritics: true));
    }

    [Fact]
    public void Hebrew_is_split_on_maqaf_geresh_and_punctuation_and_left_unstemmed()
    {
        Assert.Equal(["בית", "ספר", "צה", "ל", "ספרים", "ילדים"], Terms("בית־ספר, צה״ל: ספרים/ילדים!", TextLanguage.English));
        Assert.Equal(["שלום", "עולם"], Terms("שָׁלוֹם-עוֹלָם", TextLanguage.None));
    }

    [Fact]
    public void Apostrophes_hyphens_and_punctuation_split_english_words()
    {
        Assert.Equal(["don", "stop", "motion", "rock", "n", "roll"], Terms("Don't stop-motion: rock'n'roll", TextLanguage.English));
    }

    [Fact]
    public void English_terms_are_case_insensitive_stop_word_free_and_stemmed()
    {
        Assert.Equal(["best", "movi", "top", "10", "2024"], Terms("The BEST of the Movies: top 10 in 2024", TextLanguage.English));
        Assert.Equal(["coffee", "coffee", "coffee"], Terms("COFFEE Coffee coffees", TextLanguage.English));
    }

    [Fact]
    public void Spanish_terms_drop_spanish_stop_words_and_plurals()
    {
        Assert.Equal(["cancion", "navidad", "luc", "ciudad"], Terms("Las canciones de Navidad y las luces de la ciudad", TextLanguage.Spanish));
    }

    [Fact]
    public void Language_none_keeps_every_word_as_is()
    {
        Assert.Equal(["the", "movies", "of", "las", "canciones"], Terms("The movies of las canciones", TextLanguage.None));
    }

    [Fact]
    public void Sensitive_terms_keep_case_but_still_drop_stop_words()
    {
        var terms = new List<string>();
        TextAnalyzer.AddTerms(TextAnalyzer.Fold("The Café STORIES", foldCase: false, foldDiacritics: false), TextLanguage.English, sensitive: true, terms);
        Assert.Equal(["Café", "STORI"], terms);
    }

    private static List<string> Terms(string text, TextLanguage language)
    {
        var terms = new List<string>();
        TextAnalyzer.AddTerms(TextAnalyzer.Fold(text, foldCase: true, foldDiacritics: true), language, sensitive: false, terms);
        return terms;
    }
}
