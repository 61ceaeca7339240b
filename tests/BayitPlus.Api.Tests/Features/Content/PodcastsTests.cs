using System.Net;
using System.Text.Json.Nodes;
using BayitPlus.Api.Features.Content;
using BayitPlus.Api.Infrastructure.Mongo;
using BayitPlus.Api.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Tests.Features.Content;

public sealed class PodcastsTests(ApiFactory api)
{
    private static readonly DateTime Start = new(2024, 3, 1, 12, 0, 0, DateTimeKind.Utc);

    private MongoContext Db => api.Services.GetRequiredService<MongoContext>();

    private IMongoCollection<PodcastDocument> Podcasts => Db.Collection<PodcastDocument>(PodcastDocument.CollectionName);

    private IMongoCollection<PodcastEpisodeDocument> Episodes => Db.Collection<PodcastEpisodeDocument>(PodcastEpisodeDocument.CollectionName);

    private static string Unique(string hint) => $"{hint}-{Guid.NewGuid():N}"[..20];

    private async Task<PodcastDocument> InsertPodcastAsync(DateTime createdAt, string category, string language = "he")
    {
        var podcast = new PodcastDocument
        {
            Title = "Show " + Unique("t"),
            Description = "About things",
            Thumbnail = "https://cdn.example.com/show.jpg",
            RssFeedUrl = $"https://feeds.example.com/{Guid.NewGuid():N}.xml",
            Author = "Kan",
            Language = language,
            Categories = [category, "news"],
            EpisodeCount = 3,
            LastUpdated = Start,
            CreatedAt = createdAt,
        };
        await Podcasts.InsertOneAsync(podcast, cancellationToken: Http.Ct);
        return podcast;
    }

    private async Task<PodcastEpisodeDocument> InsertEpisodeAsync(string podcastId, DateTime? published, int number = 1)
    {
        var episode = new PodcastEpisodeDocument
        {
            PodcastId = podcastId,
            Title = $"Episode {number}",
            Description = "What happened",
            AudioUrl = $"https://cdn.example.com/{Guid.NewGuid():N}.mp3",
            Duration = 1800,
            PublishedDate = published,
            EpisodeNumber = number,
            SeasonNumber = 2,
            Transcript = "Shalom and welcome",
        };
        await Episodes.InsertOneAsync(episode, cancellationToken: Http.Ct);
        return episode;
    }

    /// <summary>Reads every page of a list, calling <paramref name="betweenPages"/> before each next page.</summary>
    private static async Task<List<JsonObject>> ReadAllPagesAsync(HttpClient client, string url, Func<Task> betweenPages)
    {
        var items = new List<JsonObject>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var separator = url.Contains('?', StringComparison.Ordinal) ? '&' : '?';
            var response = await client.GetAsync(cursor is null ? url : $"{url}{separator}cursor={cursor}", Http.Ct);
            var body = await response.ReadJsonAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, body.ToJsonString());
            items.AddRange(body["items"]!.AsArray().Select(item => item!.AsObject()));
            cursor = body["nextCursor"]?.GetValue<string>();
            pages++;
            Assert.True(pages < 50, "paging does not end");
            await betweenPages();
        }
        while (cursor is not null);
        return items;
    }

    [Fact]
    public async Task Podcasts_page_newest_first_without_repeats_or_skips_while_shows_are_added()
    {
        var category = Unique("cat");
        var expected = new List<PodcastDocument>();
        foreach (var minutes in new[] { 0, 10, 10, 10, 20, 30, 30 })
        {
            expected.Add(await InsertPodcastAsync(Start.AddMinutes(minutes), category));
        }

        expected = [.. expected.OrderByDescending(p => p.CreatedAt).ThenByDescending(p => p.Id, StringComparer.Ordinal)];
        var added = 0;

        var items = await ReadAllPagesAsync(api.CreateClient(), $"/api/podcasts?category={category}&limit=2", async () =>
        {
            added++;
            await InsertPodcastAsync(Start.AddHours(added), category);
        });

        Assert.Equal(expected.Select(p => p.Id), items.Select(i => i["id"]!.GetValue<string>()));
    }

    [Fact]
    public async Task A_podcast_answers_its_public_fields_without_the_feed_address()
    {
        var podcast = await InsertPodcastAsync(Start, Unique("cat"), "en");

        var response = await api.CreateClient().GetAsync($"/api/podcasts/{podcast.Id}", Http.Ct);

        var body = await response.ReadJsonAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(podcast.Id, body["id"]!.GetValue<string>());
        Assert.Equal(podcast.Title, body["title"]!.GetValue<string>());
        Assert.Equal("About things", body["description"]!.GetValue<string>());
        Assert.Equal("https://cdn.example.com/show.jpg", body["thumbnail"]!.GetValue<string>());
        Assert.Equal("Kan", body["author"]!.GetValue<string>());
        Assert.Equal("en", body["language"]!.GetValue<string>());
        Assert.Equal(podcast.Categories, body["categories"]!.AsArray().Select(c => c!.GetValue<string>()));
        Assert.Equal(3, body["episodeCount"]!.GetValue<int>());
        Assert.Equal(Start, body["lastUpdated"]!.GetValue<DateTime>().ToUniversalTime());
        Assert.Null(body["rssFeedUrl"]);
    }

    [Fact]
    public async Task Podcasts_filter_by_language_and_category()
    {
        var category = Unique("cat");
        var hebrew = await InsertPodcastAsync(Start, category, "he");
        var english = await InsertPodcastAsync(Start.AddMinutes(1), category, "en");
        await InsertPodcastAsync(Start, Unique("other"), "en");
        var client = api.CreateClient();

        async Task<List<string>> Ids(string query) =>
            [.. (await (await client.GetAsync($"/api/podcasts?{query}", Http.Ct)).ReadJsonAsync())["items"]!.AsArray().Select(i => i!["id"]!.GetValue<string>())];

        Assert.Equal([english.Id, hebrew.Id], await Ids($"category={category}"));
        Assert.Equal([english.Id], await Ids($"category={category}&language=en"));
        Assert.Equal([hebrew.Id], await Ids($"category={category}&language=he"));
    }

    [Theory]
    [InlineData("language=fr", "language")]
    [InlineData("category=", "category")]
    [InlineData("cursor=nonsense", "cursor")]
    [InlineData("cursor=AAAA", "cursor")]
    public async Task Invalid_podcast_list_requests_are_400_naming_the_field(string query, string field)
    {
        var response = await api.CreateClient().GetAsync($"/api/podcasts?{query}", Http.Ct);

        var problem = await response.AssertValidationProblemAsync(field);
        Assert.Single(problem["errors"]![field]!.AsArray());
    }

    [Fact]
    public async Task A_cursor_with_keys_of_the_wrong_type_is_a_400_not_a_500()
    {
        var cursor = Microsoft.AspNetCore.WebUtilities.WebEncoders.Base64UrlEncode(
            new BsonDocument("k", new BsonArray { "yesterday", new BsonObjectId(ObjectId.GenerateNewId()) }).ToBson());

        var response = await api.CreateClient().GetAsync($"/api/podcasts?cursor={cursor}", Http.Ct);

        await response.AssertValidationProblemAsync("cursor");
    }

    [Fact]
    public async Task Episodes_page_newest_first_without_repeats_or_skips_while_episodes_are_added()
    {
        var podcast = await InsertPodcastAsync(Start, Unique("cat"));
        var other = await InsertPodcastAsync(Start, Unique("cat"));
        var expected = new List<PodcastEpisodeDocument>();
        var number = 0;
        foreach (var days in new int?[] { 0, 1, 1, 1, 2, null, 3, null, 5 })
        {
            expected.Add(await InsertEpisodeAsync(podcast.Id, days is { } d ? Start.AddDays(d) : null, ++number));
        }

        await InsertEpisodeAsync(other.Id, Start.AddDays(4));
        expected =
        [
            .. expected
                .OrderByDescending(e => e.PublishedDate.HasValue)
                .ThenByDescending(e => e.PublishedDate)
                .ThenByDescending(e => e.Id, StringComparer.Ordinal),
        ];
        var added = 0;

        var items = await ReadAllPagesAsync(api.CreateClient(), $"/api/podcasts/{podcast.Id}/episodes?limit=2", async () =>
        {
            added++;
            await InsertEpisodeAsync(podcast.Id, Start.AddDays(100 + added), 100 + added);
        });

        Assert.Equal(expected.Select(e => e.Id), items.Select(i => i["id"]!.GetValue<string>()));
        Assert.All(items, item =>
        {
            Assert.Equal(podcast.Id, item["podcastId"]!.GetValue<string>());
            Assert.False(item.ContainsKey("transcript"), "the list carries no transcript");
        });
        var first = items.Single(i => i["id"]!.GetValue<string>() == expected[0].Id);
        Assert.Equal("Episode 9", first["title"]!.GetValue<string>());
        Assert.Equal("What happened", first["description"]!.GetValue<string>());
        Assert.Equal(expected[0].AudioUrl, first["audioUrl"]!.GetValue<string>());
        Assert.Equal(1800, first["durationSeconds"]!.GetValue<int>());
        Assert.False(first.ContainsKey("duration"), "an episode's duration is answered in seconds, as durationSeconds");
        Assert.Equal(Start.AddDays(5), first["publishedDate"]!.GetValue<DateTime>().ToUniversalTime());
        Assert.Equal(9, first["episodeNumber"]!.GetValue<int>());
        Assert.Equal(2, first["seasonNumber"]!.GetValue<int>());
    }

    [Fact]
    public async Task Episodes_of_an_unknown_or_malformed_podcast_are_404()
    {
        var client = api.CreateClient();

        var unknown = await client.GetAsync($"/api/podcasts/{ObjectId.GenerateNewId()}/episodes", Http.Ct);
        var malformed = await client.GetAsync("/api/podcasts/zzz/episodes", Http.Ct);

        await unknown.AssertProblemAsync(HttpStatusCode.NotFound);
        await malformed.AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task An_episode_answers_with_its_transcript_only_under_its_own_podcast()
    {
        var podcast = await InsertPodcastAsync(Start, Unique("cat"));
        var other = await InsertPodcastAsync(Start, Unique("cat"));
        var episode = await InsertEpisodeAsync(podcast.Id, Start, 7);
        var client = api.CreateClient();

        var found = await client.GetAsync($"/api/podcasts/{podcast.Id}/episodes/{episode.Id}", Http.Ct);
        var underOther = await client.GetAsync($"/api/podcasts/{other.Id}/episodes/{episode.Id}", Http.Ct);

        var body = await found.ReadJsonAsync();
        Assert.Equal(HttpStatusCode.OK, found.StatusCode);
        Assert.Equal(episode.Id, body["id"]!.GetValue<string>());
        Assert.Equal(podcast.Id, body["podcastId"]!.GetValue<string>());
        Assert.Equal(7, body["episodeNumber"]!.GetValue<int>());
        Assert.Equal("Shalom and welcome", body["transcript"]!.GetValue<string>());
        await underOther.AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("/api/podcasts/not-an-id")]
    [InlineData("/api/podcasts/000000000000000000000000")]
    [InlineData("/api/podcasts/000000000000000000000000/episodes/000000000000000000000000")]
    [InlineData("/api/podcasts/000000000000000000000000/episodes/nope")]
    [InlineData("/api/podcasts/nope/episodes/000000000000000000000000")]
    public async Task Unknown_or_malformed_ids_are_404(string url)
    {
        var response = await api.CreateClient().GetAsync(url, Http.Ct);

        await response.AssertProblemAsync(HttpStatusCode.NotFound);
    }
}
