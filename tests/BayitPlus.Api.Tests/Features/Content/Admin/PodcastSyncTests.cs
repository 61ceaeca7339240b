using System.Net;
using BayitPlus.Api.Features.Content.Admin;
using BayitPlus.Api.Infrastructure.Auth;
using BayitPlus.Api.Tests.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Tests.Features.Content.Admin;

/// <summary>The API with feeds on this machine allowed (the tests' feed server is on 127.0.0.1),
/// a small size cap, and the background sync off so only the tests sync.</summary>
public sealed class FeedSyncApiFactory : ApiFactory
{
    public const int MaxFeedBytes = 64 * 1024;

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
    {
        ["Content:Rss:AllowPrivateNetworks"] = "true",
        ["Content:Rss:MaxFeedBytes"] = MaxFeedBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Content:Rss:SyncInterval"] = "00:00:00",
    };
}

public sealed class PodcastSyncTests(FeedSyncApiFactory api) : IClassFixture<FeedSyncApiFactory>, IAsyncLifetime
{
    private FeedServer _feeds = null!;

    private IMongoCollection<BsonDocument> Episodes => api.Database.GetCollection<BsonDocument>("podcastepisode");

    private IMongoCollection<BsonDocument> Podcasts => api.Database.GetCollection<BsonDocument>("podcast");

    public async ValueTask InitializeAsync() => _feeds = await FeedServer.StartAsync();

    public ValueTask DisposeAsync() => _feeds.DisposeAsync();

    private static readonly Feeds.Item[] ThreeEpisodes =
    [
        new("ep-1", "First", "https://cdn.example.com/1.mp3", Duration: "1:02:03", PubDate: "Mon, 06 Jan 2025 10:00:00 GMT", Episode: 1, Season: 1, Description: "The first one"),
        new(null, "Second", "https://cdn.example.com/2.mp3", Duration: "1800", PubDate: "Mon, 13 Jan 2025 10:00:00 +0200", Episode: 2, Season: 1, Summary: "Summary only"),
        new("ep-3", "Third", "https://cdn.example.com/3.mp3", Duration: "45:30", PubDate: "2025-01-20T10:00:00Z"),
        new("no-audio", "A post without audio", null),
    ];

    private async Task<(HttpClient Admin, string Id)> CreatePodcastAsync(string feedUrl)
    {
        var admin = (await api.SignedInClientAsync(Roles.Admin)).Client;
        var created = await admin.PostJsonAsync("/api/admin/podcasts", new { title = "Show", rssFeedUrl = feedUrl, language = "he" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (admin, (await created.ReadJsonAsync())["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_good_feed_adds_its_episodes_with_the_itunes_fields_and_updates_the_show()
    {
        var (admin, id) = await CreatePodcastAsync(_feeds.Serve(Feeds.Rss(ThreeEpisodes)));

        var response = await admin.PostAsync($"/api/admin/podcasts/{id}/sync", null, Http.Ct);

        var body = await response.ReadJsonAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3, body["added"]!.GetValue<int>());
        Assert.Equal(0, body["updated"]!.GetValue<int>());
        Assert.Equal(3, body["episodeCount"]!.GetValue<int>());

        var stored = (await Episodes.Find(new BsonDocument("podcast_id", id)).ToListAsync(Http.Ct)).ToDictionary(e => e["title"].AsString);
        Assert.Equal(["First", "Second", "Third"], stored.Keys.Order(StringComparer.Ordinal));
        var first = stored["First"];
        Assert.Equal("ep-1", first["guid"].AsString);
        Assert.Equal("https://cdn.example.com/1.mp3", first["audio_url"].AsString);
        Assert.Equal(3723, first["duration"].AsInt32);
        Assert.Equal(new DateTime(2025, 1, 6, 10, 0, 0, DateTimeKind.Utc), first["published_date"].ToUniversalTime());
        Assert.Equal(1, first["episode_number"].AsInt32);
        Assert.Equal(1, first["season_number"].AsInt32);
        Assert.Equal("The first one", first["description"].AsString);
        var second = stored["Second"];
        Assert.Equal("https://cdn.example.com/2.mp3", second["guid"].AsString);
        Assert.Equal(1800, second["duration"].AsInt32);
        Assert.Equal(new DateTime(2025, 1, 13, 8, 0, 0, DateTimeKind.Utc), second["published_date"].ToUniversalTime());
        Assert.Equal("Summary only", second["description"].AsString);
        Assert.Equal(2730, stored["Third"]["duration"].AsInt32);
        Assert.False(stored["Third"].Contains("episode_number"));

        var podcast = await Podcasts.Find(new BsonDocument("_id", ObjectId.Parse(id))).SingleAsync(Http.Ct);
        Assert.Equal(3, podcast["episode_count"].AsInt32);
        Assert.Equal(BsonType.DateTime, podcast["last_updated"].BsonType);
    }

    [Fact]
    public async Task A_second_sync_of_the_same_feed_changes_nothing_and_a_changed_feed_adds_and_updates()
    {
        var url = _feeds.Serve(Feeds.Rss(ThreeEpisodes));
        var (admin, id) = await CreatePodcastAsync(url);
        await admin.PostAsync($"/api/admin/podcasts/{id}/sync", null, Http.Ct);
        var before = await Episodes.Find(new BsonDocument("podcast_id", id)).ToListAsync(Http.Ct);

        var again = await (await admin.PostAsync($"/api/admin/podcasts/{id}/sync", null, Http.Ct)).ReadJsonAsync();

        Assert.Equal(0, again["added"]!.GetValue<int>());
        Assert.Equal(0, again["updated"]!.GetValue<int>());
        Assert.Equal(3, again["episodeCount"]!.GetValue<int>());
        var after = await Episodes.Find(new BsonDocument("podcast_id", id)).ToListAsync(Http.Ct);
        Assert.Equal(before.OrderBy(e => e["_id"]), after.OrderBy(e => e["_id"]));

        _feeds.Replace(url, Feeds.Rss(
            ThreeEpisodes[0] with { Title = "First (remastered)" },
            ThreeEpisodes[1],
            ThreeEpisodes[2],
            new Feeds.Item("ep-4", "Fourth", "https://cdn.example.com/4.mp3")));
        var changed = await (await admin.PostAsync($"/api/admin/podcasts/{id}/sync", null, Http.Ct)).ReadJsonAsync();

        Assert.Equal(1, changed["added"]!.GetValue<int>());
        Assert.Equal(1, changed["updated"]!.GetValue<int>());
        Assert.Equal(4, changed["episodeCount"]!.GetValue<int>());
        Assert.Equal(1, await Episodes.CountDocumentsAsync(new BsonDocument { { "podcast_id", id }, { "title", "First (remastered)" } }, cancellationToken: Http.Ct));
    }

    [Fact]
    public async Task A_sync_shows_at_once_in_the_cached_public_catalog()
    {
        var (admin, id) = await CreatePodcastAsync(_feeds.Serve(Feeds.Rss(ThreeEpisodes)));
        var anonymous = api.CreateClient();
        Assert.Equal(0, (await anonymous.GetJsonAsync($"/api/podcasts/{id}"))["episodeCount"]!.GetValue<int>());

        await admin.PostAsync($"/api/admin/podcasts/{id}/sync", null, Http.Ct);

        Assert.Equal(3, (await anonymous.GetJsonAsync($"/api/podcasts/{id}"))["episodeCount"]!.GetValue<int>());
        Assert.Equal(3, (await anonymous.GetJsonAsync($"/api/podcasts/{id}/episodes"))["items"]!.AsArray().Count);
    }

    [Fact]
    public async Task Redirects_are_followed()
    {
        var target = _feeds.Serve(Feeds.Rss(ThreeEpisodes));
        var (admin, id) = await CreatePodcastAsync(_feeds.Handle(context =>
        {
            context.Response.Redirect(target);
            return Task.CompletedTask;
        }));

        var body = await (await admin.PostAsync($"/api/admin/podcasts/{id}/sync", null, Http.Ct)).ReadJsonAsync();

        Assert.Equal(3, body["added"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("<rss version=\"2.0\"><channel><title>Broken</title><item><title>x</item></channel></rss>")]
    [InlineData("not xml at all")]
    [InlineData("<html><body>Not a feed</body></html>")]
    [InlineData("<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>Atom, not RSS</title></feed>")]
    public async Task A_malformed_or_non_rss_document_is_a_422_and_stores_nothing(string document)
    {
        var (admin, id) = await CreatePodcastAsync(_feeds.Serve(document));

        var response = await admin.PostAsync($"/api/admin/podcasts/{id}/sync", null, Http.Ct);

        var problem = await response.AssertProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("rssFeedUrl", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(0, await Episodes.CountDocumentsAsync(new BsonDocument("podcast_id", id), cancellationToken: Http.Ct));
        Assert.False((await Podcasts.Find(new BsonDocument("_id", ObjectId.Parse(id))).SingleAsync(Http.Ct)).Contains("last_updated"));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_feed_larger_than_the_cap_is_a_422_whether_or_not_it_declares_its_length(bool declaresLength)
    {
        var padding = new string('x', FeedSyncApiFactory.MaxFeedBytes);
        var oversized = Feeds.Rss([.. ThreeEpisodes, new Feeds.Item("big", "Big", "https://cdn.example.com/big.mp3", Description: padding)]);
        var url = _feeds.Handle(async context =>
        {
            var bytes = System.Text.Encoding.UTF8.GetBytes(oversized);
            context.Response.ContentType = "application/rss+xml";
            if (declaresLength)
            {
                context.Response.ContentLength = bytes.Length;
            }

            await context.Response.Body.WriteAsync(bytes, context.RequestAborted);
        });
        var (admin, id) = await CreatePodcastAsync(url);

        var response = await admin.PostAsync($"/api/admin/podcasts/{id}/sync", null, Http.Ct);

        var problem = await response.AssertProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("larger than", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(0, await Episodes.CountDocumentsAsync(new BsonDocument("podcast_id", id), cancellationToken: Http.Ct));
    }

    [Fact]
    public async Task An_unreachable_feed_server_is_a_502()
    {
        var closed = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        closed.Start();
        var port = ((IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();
        var (admin, id) = await CreatePodcastAsync($"http://127.0.0.1:{port}/feed.xml");

        var response = await admin.PostAsync($"/api/admin/podcasts/{id}/sync", null, Http.Ct);

        await response.AssertProblemAsync(HttpStatusCode.BadGateway);
    }

    [Fact]
    public async Task A_feed_server_error_is_a_502()
    {
        var (admin, id) = await CreatePodcastAsync(_feeds.Handle(context =>
        {
            context.Response.StatusCode = StatusCodes.Status500InternalServerError;
            return Task.CompletedTask;
        }));

        var response = await admin.PostAsync($"/api/admin/podcasts/{id}/sync", null, Http.Ct);

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadGateway);
        Assert.Contains("500", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Syncing_an_unknown_or_malformed_podcast_id_is_a_404()
    {
        var admin = (await api.SignedInClientAsync(Roles.Admin)).Client;

        await (await admin.PostAsync($"/api/admin/podcasts/{ObjectId.GenerateNewId()}/sync", null, Http.Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await admin.PostAsync("/api/admin/podcasts/nope/sync", null, Http.Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task One_background_pass_syncs_every_show_and_a_broken_feed_does_not_stop_the_others()
    {
        var (_, broken) = await CreatePodcastAsync(_feeds.Serve("<rss><channel><item>"));
        var (_, good) = await CreatePodcastAsync(_feeds.Serve(Feeds.Rss(ThreeEpisodes)));

        var pass = await api.Services.GetRequiredService<PodcastFeedSync>().SyncAllAsync(Http.Ct);

        Assert.True(pass.Failed >= 1, $"the broken show was not counted as failed: {pass}");
        Assert.Equal(3, await Episodes.CountDocumentsAsync(new BsonDocument("podcast_id", good), cancellationToken: Http.Ct));
        Assert.Equal(0, await Episodes.CountDocumentsAsync(new BsonDocument("podcast_id", broken), cancellationToken: Http.Ct));
        var goodShow = await Podcasts.Find(new BsonDocument("_id", ObjectId.Parse(good))).SingleAsync(Http.Ct);
        Assert.Equal(3, goodShow["episode_count"].AsInt32);
    }

    [Theory]
    [InlineData("3725", 3725)]
    [InlineData("3725.4", 3725)]
    [InlineData("62:05", 3725)]
    [InlineData("1:02:05", 3725)]
    [InlineData("01:02:05", 3725)]
    [InlineData("", null)]
    [InlineData("1:2:3:4", null)]
    [InlineData("an hour", null)]
    [InlineData("-5", null)]
    public void Itunes_durations_are_read_as_seconds(string text, int? seconds) =>
        Assert.Equal(seconds, PodcastFeed.ParseDuration(text));
}
