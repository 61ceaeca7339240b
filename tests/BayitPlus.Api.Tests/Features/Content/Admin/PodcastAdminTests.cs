using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using BayitPlus.Api.Features.Content;
using BayitPlus.Api.Infrastructure.Auth;
using BayitPlus.Api.Infrastructure.Mongo;
using BayitPlus.Api.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Tests.Features.Content.Admin;

public sealed class PodcastAdminTests(ApiFactory api)
{
    private const string Route = "/api/admin/podcasts";

    private IMongoCollection<BsonDocument> Podcasts => api.Database.GetCollection<BsonDocument>("podcast");

    private static JsonObject Valid(string? feed = null) => new()
    {
        ["title"] = "פודקאסט",
        ["description"] = "שיחות",
        ["thumbnail"] = "https://cdn.example.com/show.jpg",
        ["rssFeedUrl"] = feed ?? $"https://feeds.example.com/{Guid.NewGuid():N}.xml",
        ["author"] = "Author",
        ["language"] = "he",
        ["categories"] = new JsonArray("Society & Culture", "History"),
    };

    private static HttpRequestMessage Patch(string url, string json) =>
        new(HttpMethod.Patch, url) { Content = new StringContent(json, Encoding.UTF8, "application/json") };

    [Fact]
    public async Task Create_stores_the_show_with_no_episodes_yet()
    {
        var admin = (await api.SignedInClientAsync(Roles.Admin)).Client;
        var body = Valid();

        var response = await admin.PostJsonAsync(Route, body);

        var created = await response.ReadJsonAsync();
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var id = created["id"]!.GetValue<string>();
        Assert.Equal($"{Route}/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal(body["rssFeedUrl"]!.GetValue<string>(), created["rssFeedUrl"]!.GetValue<string>());
        Assert.Equal(0, created["episodeCount"]!.GetValue<int>());
        Assert.Null(created["lastUpdated"]);
        var stored = await Podcasts.Find(new BsonDocument("_id", ObjectId.Parse(id))).SingleAsync(Http.Ct);
        Assert.Equal("פודקאסט", stored["title"].AsString);
        Assert.Equal(body["rssFeedUrl"]!.GetValue<string>(), stored["rss_feed_url"].AsString);
        Assert.Equal("he", stored["language"].AsString);
        Assert.Equal(new BsonArray { "Society & Culture", "History" }, stored["categories"]);
        Assert.Equal(0, stored["episode_count"].AsInt32);
        Assert.Equal(BsonType.DateTime, stored["created_at"].BsonType);
        Assert.Equal(BsonType.DateTime, stored["updated_at"].BsonType);
    }

    [Fact]
    public async Task Get_put_and_patch_answer_the_admin_view()
    {
        var admin = (await api.SignedInClientAsync(Roles.Admin)).Client;
        var id = (await (await admin.PostJsonAsync(Route, Valid())).ReadJsonAsync())["id"]!.GetValue<string>();
        var replacement = Valid();
        replacement.Remove("author");
        replacement["title"] = "Renamed";

        var got = await (await admin.GetAsync($"{Route}/{id}", Http.Ct)).ReadJsonAsync();
        var put = await (await admin.PutJsonAsync($"{Route}/{id}", replacement)).ReadJsonAsync();
        var patched = await (await admin.SendAsync(Patch($"{Route}/{id}", """{ "language": "en", "thumbnail": null }"""), Http.Ct)).ReadJsonAsync();

        Assert.Equal("Author", got["author"]!.GetValue<string>());
        Assert.Equal("Renamed", put["title"]!.GetValue<string>());
        Assert.Null(put["author"]);
        Assert.Equal("en", patched["language"]!.GetValue<string>());
        Assert.Null(patched["thumbnail"]);
        Assert.Equal("Renamed", patched["title"]!.GetValue<string>());
        var stored = await Podcasts.Find(new BsonDocument("_id", ObjectId.Parse(id))).SingleAsync(Http.Ct);
        Assert.False(stored.Contains("author"));
        Assert.False(stored.Contains("thumbnail"));
        Assert.Equal("en", stored["language"].AsString);
    }

    [Fact]
    public async Task A_taken_rssFeedUrl_is_a_409_naming_it()
    {
        var admin = (await api.SignedInClientAsync(Roles.Admin)).Client;
        var feed = $"https://feeds.example.com/{Guid.NewGuid():N}.xml";
        await admin.PostJsonAsync(Route, Valid(feed));
        var other = (await (await admin.PostJsonAsync(Route, Valid())).ReadJsonAsync())["id"]!.GetValue<string>();

        var duplicate = await admin.PostJsonAsync(Route, Valid(feed));
        var patched = await admin.SendAsync(Patch($"{Route}/{other}", $$"""{ "rssFeedUrl": "{{feed}}" }"""), Http.Ct);

        Assert.Equal("rssFeedUrl", (await duplicate.AssertProblemAsync(HttpStatusCode.Conflict))["field"]!.GetValue<string>());
        Assert.Equal("rssFeedUrl", (await patched.AssertProblemAsync(HttpStatusCode.Conflict))["field"]!.GetValue<string>());
        Assert.Equal(1, await Podcasts.CountDocumentsAsync(new BsonDocument("rss_feed_url", feed), cancellationToken: Http.Ct));
    }

    [Theory]
    [InlineData("""{ "title": "" }""", "title")]
    [InlineData("""{ "rssFeedUrl": null }""", "rssFeedUrl")]
    [InlineData("""{ "rssFeedUrl": "feeds.example.com/show.xml" }""", "rssFeedUrl")]
    [InlineData("""{ "rssFeedUrl": "ftp://feeds.example.com/show.xml" }""", "rssFeedUrl")]
    [InlineData("""{ "thumbnail": "data:image/png;base64,AAAA" }""", "thumbnail")]
    [InlineData("""{ "language": "fr" }""", "language")]
    [InlineData("""{ "language": "HE" }""", "language")]
    [InlineData("""{ "categories": ["History", "History"] }""", "categories")]
    [InlineData("""{ "categories": ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k"] }""", "categories")]
    [InlineData("""{ "episodeCount": 10 }""", "episodeCount")]
    [InlineData("""{ "lastUpdated": "2025-01-01T00:00:00Z" }""", "lastUpdated")]
    [InlineData("""{ "createdAt": "2025-01-01T00:00:00Z" }""", "createdAt")]
    public async Task Each_validation_rule_is_a_400_naming_its_field(string change, string field)
    {
        var admin = (await api.SignedInClientAsync(Roles.Admin)).Client;
        var body = Valid();
        foreach (var (name, value) in JsonNode.Parse(change)!.AsObject())
        {
            body[name] = value?.DeepClone();
        }

        var response = await admin.PostJsonAsync(Route, body);

        await response.AssertValidationProblemAsync(field);
    }

    [Fact]
    public async Task Delete_removes_the_show_and_its_episodes_only()
    {
        var admin = (await api.SignedInClientAsync(Roles.Admin)).Client;
        var doomed = (await (await admin.PostJsonAsync(Route, Valid())).ReadJsonAsync())["id"]!.GetValue<string>();
        var kept = (await (await admin.PostJsonAsync(Route, Valid())).ReadJsonAsync())["id"]!.GetValue<string>();
        var episodes = api.Services.GetRequiredService<MongoContext>().Collection<PodcastEpisodeDocument>(PodcastEpisodeDocument.CollectionName);
        await episodes.InsertManyAsync(
            [
                .. Enumerable.Range(1, 3).Select(i => new PodcastEpisodeDocument { PodcastId = doomed, Title = $"D{i}", AudioUrl = $"https://cdn.example.com/d{i}.mp3", Guid = $"d{i}" }),
                new PodcastEpisodeDocument { PodcastId = kept, Title = "K1", AudioUrl = "https://cdn.example.com/k1.mp3", Guid = "k1" },
            ],
            cancellationToken: Http.Ct);

        var response = await admin.DeleteAsync($"{Route}/{doomed.ToUpperInvariant()}", Http.Ct);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(0, await episodes.CountDocumentsAsync(e => e.PodcastId == doomed, cancellationToken: Http.Ct));
        Assert.Equal(1, await episodes.CountDocumentsAsync(e => e.PodcastId == kept, cancellationToken: Http.Ct));
        Assert.Equal(0, await Podcasts.CountDocumentsAsync(new BsonDocument("_id", ObjectId.Parse(doomed)), cancellationToken: Http.Ct));
        await (await admin.DeleteAsync($"{Route}/{doomed}", Http.Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
    }
}
