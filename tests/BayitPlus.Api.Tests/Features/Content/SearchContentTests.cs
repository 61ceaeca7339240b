using System.Net;
using BayitPlus.Api.Features.Content;
using BayitPlus.Api.Infrastructure.Mongo;
using BayitPlus.Api.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Tests.Features.Content;

[Collection<FakeClockCollection>]
public sealed class SearchContentTests(FakeClockApiFactory api)
{
    private IMongoCollection<ContentDocument> Content =>
        api.Services.GetRequiredService<MongoContext>().Collection<ContentDocument>(ContentDocument.CollectionName);

    private IMongoCollection<BsonDocument> Searches => api.Database.GetCollection<BsonDocument>("searchquery");

    /// <summary>A word no other test uses, so each test searches its own items in the shared database.</summary>
    private static string Word() => "w" + Guid.NewGuid().ToString("N")[..12];

    private async Task<ContentDocument> InsertAsync(string title, Action<ContentDocument>? configure = null)
    {
        var content = new ContentDocument { Title = title, CreatedAt = DateTime.UtcNow };
        configure?.Invoke(content);
        await Content.InsertOneAsync(content, cancellationToken: Http.Ct);
        return content;
    }

    private static async Task<List<string>> SearchIdsAsync(HttpClient client, string query)
    {
        var response = await client.GetAsync($"/api/search?{query}", Http.Ct);
        var body = await response.ReadJsonAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body.ToJsonString());
        return [.. body["items"]!.AsArray().Select(item => item!["id"]!.GetValue<string>())];
    }

    [Fact]
    public async Task A_title_match_outranks_a_description_only_match()
    {
        var word = Word();
        // Inserted first: equal scores put newer items first, so this one leads only by its score.
        var inTitle = await InsertAsync($"The {word} story");
        var inDescription = await InsertAsync("Another film", c => c.Description = $"A film that mentions {word} once");

        var ids = await SearchIdsAsync(api.CreateClient(), $"q={word}");

        Assert.Equal([inTitle.Id, inDescription.Id], ids);
    }

    [Fact]
    public async Task Hebrew_English_and_Spanish_queries_each_find_their_item()
    {
        var marker = Word();
        var hebrew = await InsertAsync($"סיפור הקיבוץ {marker}");
        var english = await InsertAsync($"סרט {marker}", c => c.TitleEn = $"The Lighthouse Keeper {marker}");
        var spanish = await InsertAsync($"הר {marker}", c => c.DescriptionEs = $"Una historia de la montaña encantada {marker}");
        var client = api.CreateClient();

        Assert.Equal([hebrew.Id], await SearchIdsAsync(client, "q=" + Uri.EscapeDataString("הקיבוץ")));
        Assert.Equal([english.Id], await SearchIdsAsync(client, "q=lighthouse"));
        Assert.Equal([spanish.Id], await SearchIdsAsync(client, "q=" + Uri.EscapeDataString("montaña encantada")));
        Assert.Equal([spanish.Id], await SearchIdsAsync(client, "q=montana"));
    }

    [Fact]
    public async Task Results_are_localized_and_fall_back_to_hebrew()
    {
        var word = Word();
        await InsertAsync($"כותרת {word}", c =>
        {
            c.TitleEn = $"Title {word}";
            c.Description = "תיאור";
        });
        var client = api.CreateClient();

        var english = await client.GetAsync($"/api/search?q={word}&lang=en", Http.Ct);
        var englishItem = (await english.ReadJsonAsync())["items"]![0]!;
        var spanish = new HttpRequestMessage(HttpMethod.Get, $"/api/search?q={word}");
        spanish.Headers.AcceptLanguage.ParseAdd("es-ES");
        var spanishResponse = await client.SendAsync(spanish, Http.Ct);
        var spanishItem = (await spanishResponse.ReadJsonAsync())["items"]![0]!;

        Assert.Equal("en", english.Content.Headers.ContentLanguage.Single());
        Assert.Equal($"Title {word}", englishItem["title"]!.GetValue<string>());
        Assert.Equal("תיאור", englishItem["description"]!.GetValue<string>());
        Assert.Equal("es", spanishResponse.Content.Headers.ContentLanguage.Single());
        Assert.Equal($"כותרת {word}", spanishItem["title"]!.GetValue<string>());
        Assert.Null(englishItem["streamUrl"]);
    }

    [Fact]
    public async Task Cast_and_director_matches_count_below_a_title_match()
    {
        var actor = Word();
        var director = Word();
        // Inserted first: equal scores put newer items first, so this one leads only by its score.
        var byTitle = await InsertAsync($"{actor} the movie");
        var byCast = await InsertAsync("Drama", c => c.Cast = [$"Noa {actor}", "Someone Else"]);
        var byDirector = await InsertAsync("Comedy", c => c.Director = $"Avi {director}");
        var client = api.CreateClient();

        Assert.Equal([byTitle.Id, byCast.Id], await SearchIdsAsync(client, $"q={actor}"));
        Assert.Equal([byDirector.Id], await SearchIdsAsync(client, $"q={director}"));
    }

    [Fact]
    public async Task Taxonomy_filters_combine_with_the_text_query()
    {
        var word = Word();
        var first = await InsertAsync($"{word} one", c =>
        {
            c.ContentFormat = "movie";
            c.SectionIds = ["movies", "israeli"];
            c.AudienceId = "general";
            c.GenreIds = ["drama"];
            c.TopicTags = ["jerusalem"];
            c.Year = 2001;
        });
        var second = await InsertAsync($"{word} two", c =>
        {
            c.ContentFormat = "series";
            c.SectionIds = ["series"];
            c.AudienceId = "kids";
            c.GenreIds = ["comedy", "family-fun"];
            c.TopicTags = ["kibbutz"];
            c.Year = 2010;
        });
        var third = await InsertAsync($"{word} three", c =>
        {
            c.ContentFormat = "movie";
            c.SectionIds = ["docs"];
            c.AudienceId = "mature";
            c.GenreIds = ["drama", "war"];
            c.Year = 2015;
        });
        await InsertAsync("Unrelated", c => c.ContentFormat = "movie");
        var client = api.CreateClient();

        async Task<string[]> Found(string filters) => [.. (await SearchIdsAsync(client, $"q={word}&{filters}")).Order(StringComparer.Ordinal)];
        string[] Ids(params ContentDocument[] items) => [.. items.Select(i => i.Id).Order(StringComparer.Ordinal)];

        Assert.Equal(Ids(first, third), await Found("format=movie"));
        Assert.Equal(Ids(first), await Found("format=movie&section=israeli"));
        Assert.Equal(Ids(first, second), await Found("section=movies&section=series"));
        Assert.Equal(Ids(second, third), await Found("audience=kids&audience=mature"));
        Assert.Equal(Ids(first, third), await Found("genre=drama"));
        Assert.Equal(Ids(third), await Found("genre=drama&audience=mature"));
        Assert.Equal(Ids(second), await Found("topic=kibbutz"));
        Assert.Equal(Ids(second), await Found("yearFrom=2005&yearTo=2012"));
        Assert.Equal(Ids(second, third), await Found("yearFrom=2010"));
        Assert.Equal(Ids(first), await Found("yearTo=2001"));
        Assert.Empty(await Found("format=series&genre=war"));
    }

    [Fact]
    public async Task An_anonymous_search_is_recorded_with_every_field_and_no_user()
    {
        var word = Word();
        await InsertAsync($"{word} a");
        await InsertAsync($"{word} b");
        await InsertAsync($"{word} c");

        var response = await api.CreateClient().GetAsync($"/api/search?q=%20%20{word}%20&limit=2", Http.Ct);

        var body = await response.ReadJsonAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, body["items"]!.AsArray().Count);
        var searchId = body["searchId"]!.GetValue<string>();
        var stored = await Searches.Find(new BsonDocument("_id", ObjectId.Parse(searchId))).SingleAsync(Http.Ct);
        Assert.Equal(word, stored["query_text"].AsString);
        Assert.Equal("traditional", stored["search_type"].AsString);
        Assert.Equal(2, stored["results_count"].AsInt32);
        // The fake clock does not move during the request, so the measured time is exactly zero:
        // the latency is taken from the injected TimeProvider.
        Assert.Equal(0, stored["response_time_ms"].AsInt32);
        Assert.Equal(Millis(api.Clock.GetUtcNow().UtcDateTime), stored["created_at"].ToUniversalTime());
        Assert.False(stored.Contains("user_id"));
        Assert.False(stored.Contains("clicked_result"));
    }

    [Fact]
    public async Task A_signed_in_search_records_the_user()
    {
        var word = Word();
        var (userId, client) = await api.SignedInClientAsync();

        var response = await client.GetAsync($"/api/search?q={word}", Http.Ct);

        var body = await response.ReadJsonAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(body["items"]!.AsArray());
        var stored = await Searches.Find(new BsonDocument("_id", ObjectId.Parse(body["searchId"]!.GetValue<string>()))).SingleAsync(Http.Ct);
        Assert.Equal(userId, stored["user_id"].AsString);
        Assert.Equal(0, stored["results_count"].AsInt32);
    }

    [Fact]
    public async Task An_invalid_token_searches_anonymously()
    {
        var word = Word();
        var client = api.CreateClient().WithToken("not-a-token");

        var response = await client.GetAsync($"/api/search?q={word}", Http.Ct);

        var body = await response.ReadJsonAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var stored = await Searches.Find(new BsonDocument("_id", ObjectId.Parse(body["searchId"]!.GetValue<string>()))).SingleAsync(Http.Ct);
        Assert.False(stored.Contains("user_id"));
    }

    [Fact]
    public async Task Searches_are_not_cached_each_one_is_recorded()
    {
        var word = Word();
        var client = api.CreateClient();

        var first = await (await client.GetAsync($"/api/search?q={word}", Http.Ct)).ReadJsonAsync();
        await InsertAsync($"{word} late");
        var second = await (await client.GetAsync($"/api/search?q={word}", Http.Ct)).ReadJsonAsync();

        Assert.NotEqual(first["searchId"]!.GetValue<string>(), second["searchId"]!.GetValue<string>());
        Assert.Single(second["items"]!.AsArray());
        Assert.Equal(2, await Searches.CountDocumentsAsync(new BsonDocument("query_text", word), cancellationToken: Http.Ct));
    }

    [Fact]
    public async Task The_default_limit_is_20()
    {
        var word = Word();
        await Content.InsertManyAsync(
            Enumerable.Range(0, 21).Select(i => new ContentDocument { Title = $"{word} {i}", CreatedAt = DateTime.UtcNow }),
            cancellationToken: Http.Ct);

        var ids = await SearchIdsAsync(api.CreateClient(), $"q={word}");

        Assert.Equal(20, ids.Count);
        Assert.Equal(20, ids.Distinct().Count());
    }

    [Theory]
    [InlineData("", "q")]
    [InlineData("q=", "q")]
    [InlineData("q=%20%20%20", "q")]
    [InlineData("q=film&limit=0", "limit")]
    [InlineData("q=film&limit=51", "limit")]
    [InlineData("q=film&format=opera", "format")]
    [InlineData("q=film&format=movie&format=Movie", "format")]
    [InlineData("q=film&audience=adults", "audience")]
    [InlineData("q=film&section=Not_A_Slug", "section")]
    [InlineData("q=film&genre=drama%20", "genre")]
    [InlineData("q=film&topic=-x", "topic")]
    [InlineData("q=film&yearFrom=2010&yearTo=2000", "yearTo")]
    public async Task Invalid_searches_are_400_naming_the_field_and_are_not_recorded(string query, string field)
    {
        var before = await Searches.CountDocumentsAsync(FilterDefinition<BsonDocument>.Empty, cancellationToken: Http.Ct);

        var response = await api.CreateClient().GetAsync($"/api/search?{query}", Http.Ct);

        var problem = await response.AssertValidationProblemAsync(field);
        Assert.Single(problem["errors"]![field]!.AsArray());
        Assert.Equal(before, await Searches.CountDocumentsAsync(FilterDefinition<BsonDocument>.Empty, cancellationToken: Http.Ct));
    }

    [Fact]
    public async Task A_query_of_200_characters_is_accepted_and_201_is_not()
    {
        var client = api.CreateClient();
        var longest = new string('x', 200);

        var accepted = await client.GetAsync($"/api/search?q={longest}", Http.Ct);
        var rejected = await client.GetAsync($"/api/search?q={longest}y", Http.Ct);

        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        var problem = await rejected.AssertValidationProblemAsync("q");
        Assert.Contains("200", problem["errors"]!["q"]![0]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_malformed_number_is_a_400_problem_not_a_500()
    {
        var response = await api.CreateClient().GetAsync("/api/search?q=film&limit=many", Http.Ct);

        await response.AssertProblemAsync(HttpStatusCode.BadRequest);
    }

    private static DateTime Millis(DateTime value) => new(value.Ticks - (value.Ticks % TimeSpan.TicksPerMillisecond), DateTimeKind.Utc);
}
