using BayitPlus.Api.Features.Recaps;

namespace BayitPlus.Api.Tests.Features.Recaps;

public sealed class SentenceSplitterTests
{
    [Fact]
    public void Splits_english_at_stops_and_marks_but_not_after_abbreviations_or_inside_numbers()
    {
        var sentences = SentenceSplitter.Split("Dr. Cohen said inflation fell to 3.5 percent. Is that good? Yes, e.g. for rents, food, etc. and more! Mr. J. Smith agreed.");

        Assert.Equal(["Dr. Cohen said inflation fell to 3.5 percent.", "Is that good?", "Yes, e.g. for rents, food, etc. and more!", "Mr. J. Smith agreed."], sentences);
    }

    [Fact]
    public void Splits_spanish_with_opening_marks_and_abbreviations()
    {
        var sentences = SentenceSplitter.Split("¿Qué dijo el Sr. Gómez? ¡Que la Dra. Ruiz ganó con 2.5 puntos! Fin del debate.");

        Assert.Equal(["¿Qué dijo el Sr. Gómez?", "¡Que la Dra. Ruiz ganó con 2.5 puntos!", "Fin del debate."], sentences);
    }

    [Fact]
    public void Splits_hebrew_at_stops_and_sof_pasuq_but_not_at_maqaf()
    {
        var sentences = SentenceSplitter.Split("ראש הממשלה נאם הערב בכנסת. הוא דיבר על בית־המשפט׃ והאופוזיציה יצאה מהאולם!");

        Assert.Equal(["ראש הממשלה נאם הערב בכנסת.", "הוא דיבר על בית־המשפט׃", "והאופוזיציה יצאה מהאולם!"], sentences);
    }

    [Fact]
    public void Keeps_closing_quotes_with_their_sentence_and_text_without_a_stop()
    {
        var sentences = SentenceSplitter.Split("He said \"stop.\" Then he left... and never came back");

        Assert.Equal(["He said \"stop.\"", "Then he left...", "and never came back"], sentences);
    }

    [Fact]
    public void A_short_word_like_no_still_ends_a_sentence_and_etc_ends_one_before_a_capital()
    {
        Assert.Equal(["Dijo que no.", "Después se fue."], SentenceSplitter.Split("Dijo que no. Después se fue."));
        Assert.Equal(["Rents, food, etc.", "Then sports."], SentenceSplitter.Split("Rents, food, etc. Then sports."));
        Assert.Equal(["Ventas, compras, etc.", "¿Y ahora?"], SentenceSplitter.Split("Ventas, compras, etc. ¿Y ahora?"));
        Assert.Equal(["Y más, etc."], SentenceSplitter.Split("Y más, etc.  "));
    }

    [Fact]
    public void Empty_and_blank_text_has_no_sentences()
    {
        Assert.Empty(SentenceSplitter.Split(""));
        Assert.Empty(SentenceSplitter.Split("   "));
    }

    [Fact]
    public void Words_drop_accents_niqqud_case_stopwords_and_split_at_the_maqaf()
    {
        Assert.Equal("cancion nino ", Words.Normalize("CANCIÓN niño."));
        Assert.Equal(new HashSet<string> { "cancion", "nino", "canto" }, Words.Of("El Niño cantó la CANCIÓN.", "es"));
        Assert.Equal(new HashSet<string> { "בית", "המשפט", "צהל" }, Words.Of("בֵּית־הַמִּשְׁפָּט של צָה\"ל", "he"));
        Assert.Equal(new HashSet<string> { "minister", "spoke" }, Words.Of("The Minister spoke to them.", "en"));
    }
}
