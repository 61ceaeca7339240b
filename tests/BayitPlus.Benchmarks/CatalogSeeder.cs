using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Benchmarks;

/// <summary>Fills a database with a synthetic catalog for load runs: items spread over every
/// taxonomy axis, with Hebrew, English and Spanish titles built from small word lists so that
/// search queries match a realistic share of the catalog.</summary>
internal static class CatalogSeeder
{
    public static readonly string[] Sections = ["movies", "series", "kids", "judaism", "documentaries", "news", "music", "comedy"];
    public static readonly string[] Genres = ["drama", "thriller", "comedy", "romance", "action", "history", "family", "crime", "science"];
    public static readonly string[] Topics = ["jewish", "educational", "history", "israel", "nature", "sports", "culture", "technology"];
    public static readonly string[] EnglishWords = ["night", "river", "city", "secret", "family", "journey", "desert", "light", "story", "home", "winter", "song"];
    private static readonly string[] Formats = ["movie", "series", "documentary", "short", "clip"];
    private static readonly string[] Audiences = ["general", "kids", "family", "mature"];
    private static readonly string[] HebrewWords = ["לילה", "נהר", "עיר", "סוד", "משפחה", "מסע", "מדבר", "אור", "סיפור", "בית", "חורף", "שיר"];
    private static readonly string[] SpanishWords = ["noche", "río", "ciudad", "secreto", "familia", "viaje", "desierto", "luz", "historia", "casa", "invierno", "canción"];

    public static async Task SeedAsync(IMongoDatabase database, int count)
    {
        var random = new Random(2026);
        var collection = database.GetCollection<BsonDocument>("content");
        var start = DateTime.UtcNow.AddDays(-count / 10.0);
        for (var offset = 0; offset < count; offset += 1_000)
        {
            var batch = Enumerable.Range(offset, Math.Min(1_000, count - offset)).Select(i => Item(i, random, start)).ToList();
            await collection.InsertManyAsync(batch);
        }
    }

    private static BsonDocument Item(int i, Random random, DateTime start)
    {
        var words = Enumerable.Range(0, 3).Select(_ => random.Next(EnglishWords.Length)).ToArray();
        var sections = Pick(Sections, random, 1, 2);
        return new BsonDocument
        {
            { "title", string.Join(' ', words.Select(w => HebrewWords[w])) + $" {i}" },
            { "title_en", string.Join(' ', words.Select(w => EnglishWords[w])) + $" {i}" },
            { "title_es", string.Join(' ', words.Select(w => SpanishWords[w])) + $" {i}" },
            { "description", "סרט על " + HebrewWords[random.Next(HebrewWords.Length)] },
            { "description_en", "A film about the " + EnglishWords[random.Next(EnglishWords.Length)] },
            { "description_es", "Una película sobre la " + SpanishWords[random.Next(SpanishWords.Length)] },
            { "section_ids", new BsonArray(sections) },
            { "primary_section_id", sections[0] },
            { "content_format", Formats[random.Next(Formats.Length)] },
            { "audience_id", Audiences[random.Next(Audiences.Length)] },
            { "genre_ids", new BsonArray(Pick(Genres, random, 1, 3)) },
            { "topic_tags", new BsonArray(Pick(Topics, random, 0, 2)) },
            { "stream_url", $"https://cdn.example/stream/{i}.m3u8" },
            { "duration", $"{random.Next(0, 3)}:{random.Next(0, 60):00}:{random.Next(0, 60):00}" },
            { "year", random.Next(1960, 2026) },
            { "rating", Math.Round(random.NextDouble() * 10, 1) },
            { "is_featured", random.Next(20) == 0 },
            { "view_count", (long)random.Next(0, 100_000) },
            { "created_at", start.AddMinutes(i * 14.4) },
        };
    }

    private static List<string> Pick(string[] values, Random random, int min, int max) =>
        values.OrderBy(_ => random.Next()).Take(random.Next(min, max + 1)).ToList();
}
