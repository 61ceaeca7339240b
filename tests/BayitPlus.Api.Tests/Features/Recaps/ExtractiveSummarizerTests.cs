using BayitPlus.Api.Features.Recaps;

namespace BayitPlus.Api.Tests.Features.Recaps;

public sealed class ExtractiveSummarizerTests
{
    private static readonly DateTime Start = new(2026, 12, 4, 20, 0, 0, DateTimeKind.Utc);

    internal static List<TranscriptLine> Transcript(string language, params string[] lines) =>
        lines.Select((text, index) => new TranscriptLine(text, Start.AddSeconds(index * 10), Start.AddSeconds(index * 10 + 9), language, null)).ToList();

    private static readonly List<TranscriptLine> English = Transcript("en",
        "Good evening and welcome to the news.",
        "A storm hit the northern coast tonight. Heavy rain flooded roads near Haifa.",
        "The storm cut power to thousands of homes on the coast.",
        "Dr. Levi from the weather service said the storm will weaken by Sunday.",
        "Rescue teams evacuated families from flooded homes near Haifa.",
        "In sports, the final ended 2.5 to nothing, a joke from our anchor.",
        "Schools on the northern coast will stay closed tomorrow because of the storm.",
        "Stay with us.");

    [Fact]
    public void English_transcript_gives_the_central_sentences_in_time_order_and_the_next_as_key_points()
    {
        var recap = ExtractiveSummarizer.Summarize(English, "en");

        Assert.Equal("A storm hit the northern coast tonight. The storm cut power to thousands of homes on the coast. Schools on the northern coast will stay closed tomorrow because of the storm.", recap.Summary);
        // The sports line shares no word with the rest and ties the greeting at the lowest score; the earlier wins.
        Assert.Equal(
        [
            "Good evening and welcome to the news.",
            "Heavy rain flooded roads near Haifa.",
            "Dr. Levi from the weather service said the storm will weaken by Sunday.",
            "Rescue teams evacuated families from flooded homes near Haifa.",
            "Stay with us.",
        ], recap.KeyPoints);
        Assert.Equal("en", recap.Language);
        Assert.True(recap.Translated);
    }

    [Fact]
    public void Spanish_transcript()
    {
        var recap = ExtractiveSummarizer.Summarize(Transcript("es",
            "Buenas noches, bienvenidos al noticiero.",
            "¿Qué pasó hoy en el Congreso? ¡El presupuesto fue aprobado por fin!",
            "El presupuesto aprobado sube el gasto en salud y educación.",
            "La Sra. Martínez, ministra de Hacienda, defendió el presupuesto en el Congreso.",
            "La oposición votó contra el presupuesto por el gasto.",
            "El gasto en salud sube 3.5 por ciento el próximo año.",
            "Mañana, el tiempo será soleado."), "es");

        Assert.Equal("¡El presupuesto fue aprobado por fin! El presupuesto aprobado sube el gasto en salud y educación. La oposición votó contra el presupuesto por el gasto.", recap.Summary);
        Assert.Equal(
        [
            "Buenas noches, bienvenidos al noticiero.",
            "¿Qué pasó hoy en el Congreso?",
            "La Sra. Martínez, ministra de Hacienda, defendió el presupuesto en el Congreso.",
            "El gasto en salud sube 3.5 por ciento el próximo año.",
            "Mañana, el tiempo será soleado.",
        ], recap.KeyPoints);
        Assert.Equal("es", recap.Language);
        Assert.True(recap.Translated);
    }

    [Fact]
    public void Hebrew_transcript_with_niqqud_answers_in_hebrew_and_says_it_is_not_the_language_asked()
    {
        var recap = ExtractiveSummarizer.Summarize(Transcript("he",
            "ערב טוב וברוכים הבאים למהדורה.",
            "הַכְּנֶסֶת אישרה הלילה את חוק התקציב. ההצבעה נמשכה עד הבוקר.",
            "חוק התקציב מגדיל את התקציב לחינוך ולבריאות.",
            "שר האוצר אמר שהתקציב יעזור למשפחות צעירות.",
            "האופוזיציה הצביעה נגד חוק התקציב בכנסת.",
            "ובספורט, מכבי ניצחה אמש."), "en");

        Assert.Equal("הַכְּנֶסֶת אישרה הלילה את חוק התקציב. חוק התקציב מגדיל את התקציב לחינוך ולבריאות. האופוזיציה הצביעה נגד חוק התקציב בכנסת.", recap.Summary);
        Assert.Equal(["ערב טוב וברוכים הבאים למהדורה.", "ההצבעה נמשכה עד הבוקר.", "שר האוצר אמר שהתקציב יעזור למשפחות צעירות.", "ובספורט, מכבי ניצחה אמש."], recap.KeyPoints);
        Assert.Equal("he", recap.Language);
        Assert.False(recap.Translated);
    }

    [Fact]
    public void Answers_in_the_language_most_lines_are_in()
    {
        var lines = Transcript("es", "Hola a todos.", "El partido empieza ahora.", "Gol del equipo local.");
        lines.Add(new TranscriptLine("Goal for the home team.", Start.AddMinutes(1), Start.AddMinutes(1), "en", "Guest"));

        var recap = ExtractiveSummarizer.Summarize(lines, "en");

        Assert.Equal("es", recap.Language);
        Assert.False(recap.Translated);
    }

    [Fact]
    public void Empty_transcript_gives_an_empty_recap_in_the_language_asked()
    {
        var recap = ExtractiveSummarizer.Summarize([], "he");

        Assert.Equal("", recap.Summary);
        Assert.Empty(recap.KeyPoints);
        Assert.Equal("he", recap.Language);
        Assert.True(recap.Translated);
    }

    [Fact]
    public void A_short_transcript_has_fewer_key_points_and_repeated_captions_are_said_once()
    {
        var recap = ExtractiveSummarizer.Summarize(Transcript("en", "The match starts now.", "The match starts now!", "...", "Both teams are ready.", "The crowd is loud.", "Fans sing."), "en");

        // No sentence shares a word with another: all tie, so time order decides.
        Assert.Equal("The match starts now. Both teams are ready. The crowd is loud.", recap.Summary);
        Assert.Equal(["Fans sing."], recap.KeyPoints);
    }

    [Fact]
    public void The_summary_is_bounded_in_characters()
    {
        var longSentence = string.Join(' ', Enumerable.Repeat("the storm flooded the coast roads", 20)) + ".";
        var recap = ExtractiveSummarizer.Summarize(Transcript("en", longSentence, "The storm flooded roads.", "The coast roads are closed."), "en");

        Assert.Equal(longSentence, recap.Summary);
        Assert.Equal(["The storm flooded roads.", "The coast roads are closed."], recap.KeyPoints);
    }

    [Fact]
    public async Task The_same_transcript_always_gives_the_same_recap()
    {
        var summarizer = new ExtractiveSummarizer();
        var first = await summarizer.SummarizeAsync(English, "en", TestContext.Current.CancellationToken);

        for (var i = 0; i < 5; i++)
        {
            var again = await summarizer.SummarizeAsync(English.ToList(), "en", TestContext.Current.CancellationToken);
            Assert.Equal(first.Summary, again.Summary);
            Assert.Equal(first.KeyPoints, again.KeyPoints);
        }
    }
}
