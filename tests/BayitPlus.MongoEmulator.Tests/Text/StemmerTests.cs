using BayitPlus.MongoEmulator.Text;

namespace BayitPlus.MongoEmulator.Tests.Text;

public sealed class StemmerTests
{
    [Theory]
    [InlineData("movie", "movies")]
    [InlineData("story", "stories")]
    [InlineData("run", "running", "runs")]
    [InlineData("bake", "baked", "baking", "bakes")]
    [InlineData("box", "boxes")]
    [InlineData("match", "matches")]
    [InlineData("class", "classes")]
    [InlineData("play", "played", "playing", "plays")]
    [InlineData("study", "studied", "studies", "studying")]
    [InlineData("house", "houses")]
    [InlineData("stop", "stopped", "stopping")]
    [InlineData("tie", "ties", "tied")]
    public void English_inflections_meet_on_one_stem(string word, params string[] forms)
    {
        foreach (var form in forms)
        {
            Assert.Equal(EnglishStemmer.Stem(word), EnglishStemmer.Stem(form));
        }
    }

    [Theory]
    [InlineData("string", "string")]
    [InlineData("bus", "bus")]
    [InlineData("status", "status")]
    [InlineData("analysis", "analysis")]
    [InlineData("need", "need")]
    [InlineData("speeds", "speed")]
    [InlineData("falling", "fall")]
    [InlineData("coffee", "coffee")]
    [InlineData("1990s", "1990")]
    [InlineData("is", "is")]
    [InlineData("ספרים", "ספרים")]
    public void English_stemmer_is_conservative(string word, string stem) => Assert.Equal(stem, EnglishStemmer.Stem(word));

    [Theory]
    [InlineData("cancion", "canciones")]
    [InlineData("ciudad", "ciudades")]
    [InlineData("casa", "casas")]
    [InlineData("libro", "libros")]
    [InlineData("noche", "noches")]
    [InlineData("luz", "luces")]
    [InlineData("arbol", "arboles")]
    [InlineData("mes", "meses")]
    [InlineData("dulce", "dulces")]
    public void Spanish_plurals_meet_their_singular(string singular, string plural) =>
        Assert.Equal(SpanishStemmer.Stem(singular), SpanishStemmer.Stem(plural));

    [Fact]
    public void Stemmers_keep_the_case_of_kept_letters()
    {
        Assert.Equal("STORI", EnglishStemmer.Stem("STORIES"));
        Assert.Equal("Stori", EnglishStemmer.Stem("Story"));
        Assert.Equal("CANCION", SpanishStemmer.Stem("CANCIONES"));
    }
}
