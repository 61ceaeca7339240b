using System.Net;
using BayitPlus.Api.Features.Content;
using BayitPlus.Api.Infrastructure.Mongo;
using BayitPlus.Api.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace BayitPlus.Api.Tests.Features.Content;

/// <summary>An API whose catalog cache outlives any test, so a test can see a cached answer
/// without depending on how fast it runs.</summary>
public sealed class LongCatalogCacheApiFactory : ApiFactory
{
    protected override IReadOnlyDictionary<string, string?> Settings =>
        new Dictionary<string, string?>(base.Settings) { ["Content:CatalogCacheDuration"] = "01:00:00" };
}

/// <summary>
/// The test classes that assert a cached answer (<c>[Collection&lt;CatalogCacheCollection&gt;]</c>),
/// on one <see cref="LongCatalogCacheApiFactory"/> host. The output cache belongs to the host and
/// any catalog write evicts all of it, so they are kept off the shared host, where other tests'
/// admin writes would evict the answer under test, and run one after another, as one of them evicts
/// the cache itself.
/// </summary>
[CollectionDefinition]
public sealed class CatalogCacheCollection : ICollectionFixture<LongCatalogCacheApiFactory>;

[Collection<CatalogCacheCollection>]
public sealed class LiveAndRadioTests(LongCatalogCacheApiFactory api)
{
    private static int _nextChannelNumber = 1000;

    private MongoContext Db => api.Services.GetRequiredService<MongoContext>();

    /// <summary>A country no other test uses, so each test lists only its own channels and stations.</summary>
    private static string Country() => "C" + Guid.NewGuid().ToString("N")[..8];

    private async Task<LiveChannelDocument> InsertChannelAsync(string country, int number, string language = "he", bool active = true)
    {
        var channel = new LiveChannelDocument
        {
            ChannelName = $"Channel {number}",
            ChannelNumber = number,
            StreamUrl = $"https://live.example.com/{number}.m3u8",
            LogoUrl = $"https://cdn.example.com/{number}.png",
            Language = language,
            Country = country,
            IsActive = active,
            SupportsDubbing = number % 2 == 0,
            EpgEnabled = true,
            CreatedAt = DateTime.UtcNow,
        };
        await Db.Collection<LiveChannelDocument>(LiveChannelDocument.CollectionName).InsertOneAsync(channel, cancellationToken: Http.Ct);
        return channel;
    }

    private async Task<RadioStationDocument> InsertStationAsync(string country, string name, string language = "he", string genre = "news", bool active = true)
    {
        var station = new RadioStationDocument
        {
            StationName = name,
            StreamUrl = $"https://radio.example.com/{Guid.NewGuid():N}",
            LogoUrl = "https://cdn.example.com/radio.png",
            Country = country,
            Language = language,
            Genre = genre,
            IsActive = active,
            CreatedAt = DateTime.UtcNow,
        };
        await Db.Collection<RadioStationDocument>(RadioStationDocument.CollectionName).InsertOneAsync(station, cancellationToken: Http.Ct);
        return station;
    }

    private static int Numbers(int count) => Interlocked.Add(ref _nextChannelNumber, count) - count;

    private async Task<List<string>> ListIdsAsync(string url, HttpClient? client = null)
    {
        var response = await (client ?? api.CreateClient()).GetAsync(url, Http.Ct);
        var body = await response.ReadJsonAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body.ToJsonString());
        Assert.False(body.ContainsKey("nextCursor"), "the whole lineup is one answer, with no cursor");
        return [.. body["items"]!.AsArray().Select(i => i!["id"]!.GetValue<string>())];
    }

    [Fact]
    public async Task Active_channels_are_listed_by_channel_number_and_inactive_ones_hidden()
    {
        var country = Country();
        var first = Numbers(4);
        var third = await InsertChannelAsync(country, first + 3);
        var one = await InsertChannelAsync(country, first);
        await InsertChannelAsync(country, first + 1, active: false);
        var two = await InsertChannelAsync(country, first + 2);

        Assert.Equal([one.Id, two.Id, third.Id], await ListIdsAsync($"/api/live/channels?country={country}"));
    }

    [Fact]
    public async Task Channels_filter_by_country_and_language()
    {
        var country = Country();
        var otherCountry = Country();
        var first = Numbers(3);
        var hebrew = await InsertChannelAsync(country, first, "he");
        var english = await InsertChannelAsync(country, first + 1, "en");
        var elsewhere = await InsertChannelAsync(otherCountry, first + 2, "en");

        Assert.Equal([hebrew.Id, english.Id], await ListIdsAsync($"/api/live/channels?country={country}"));
        Assert.Equal([english.Id], await ListIdsAsync($"/api/live/channels?country={country}&language=en"));
        var allEnglish = await ListIdsAsync("/api/live/channels?language=en");
        Assert.Contains(english.Id, allEnglish);
        Assert.Contains(elsewhere.Id, allEnglish);
        Assert.DoesNotContain(hebrew.Id, allEnglish);
    }

    [Fact]
    public async Task A_channel_answers_its_fields_and_an_inactive_one_is_a_404()
    {
        var country = Country();
        var first = Numbers(2);
        var active = await InsertChannelAsync(country, first + 1);
        var inactive = await InsertChannelAsync(country, first, active: false);
        var client = api.CreateClient();

        var found = await client.GetAsync($"/api/live/channels/{active.Id}", Http.Ct);
        var hidden = await client.GetAsync($"/api/live/channels/{inactive.Id}", Http.Ct);

        var body = await found.ReadJsonAsync();
        Assert.Equal(HttpStatusCode.OK, found.StatusCode);
        Assert.Equal(active.Id, body["id"]!.GetValue<string>());
        Assert.Equal(active.ChannelName, body["channelName"]!.GetValue<string>());
        Assert.Equal(first + 1, body["channelNumber"]!.GetValue<int>());
        Assert.Equal(active.StreamUrl, body["streamUrl"]!.GetValue<string>());
        Assert.Equal(active.LogoUrl, body["logoUrl"]!.GetValue<string>());
        Assert.Equal("he", body["language"]!.GetValue<string>());
        Assert.Equal(country, body["country"]!.GetValue<string>());
        Assert.Equal(active.SupportsDubbing, body["supportsDubbing"]!.GetValue<bool>());
        Assert.True(body["epgEnabled"]!.GetValue<bool>());
        await hidden.AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Active_stations_are_listed_by_name_and_inactive_ones_hidden()
    {
        var country = Country();
        var galatz = await InsertStationAsync(country, "Galatz");
        var bet = await InsertStationAsync(country, "Kan Bet");
        await InsertStationAsync(country, "Closed FM", active: false);
        var eightyEight = await InsertStationAsync(country, "88FM");

        Assert.Equal([eightyEight.Id, galatz.Id, bet.Id], await ListIdsAsync($"/api/radio/stations?country={country}"));
    }

    [Fact]
    public async Task Stations_filter_by_country_language_and_genre()
    {
        var country = Country();
        var news = await InsertStationAsync(country, "A News", "he", "news");
        var music = await InsertStationAsync(country, "B Music", "he", "music");
        var spanish = await InsertStationAsync(country, "C Musica", "es", "music");
        await InsertStationAsync(Country(), "D Music", "he", "music");

        Assert.Equal([news.Id, music.Id, spanish.Id], await ListIdsAsync($"/api/radio/stations?country={country}"));
        Assert.Equal([music.Id, spanish.Id], await ListIdsAsync($"/api/radio/stations?country={country}&genre=music"));
        Assert.Equal([music.Id], await ListIdsAsync($"/api/radio/stations?country={country}&genre=music&language=he"));
        Assert.Equal([spanish.Id], await ListIdsAsync($"/api/radio/stations?country={country}&language=es"));
    }

    [Fact]
    public async Task A_station_answers_its_fields_and_an_inactive_one_is_a_404()
    {
        var country = Country();
        var station = await InsertStationAsync(country, "Reshet Gimmel", "he", "israeli");
        var closed = await InsertStationAsync(country, "Gone", active: false);
        var client = api.CreateClient();

        var found = await client.GetAsync($"/api/radio/stations/{station.Id}", Http.Ct);
        var hidden = await client.GetAsync($"/api/radio/stations/{closed.Id}", Http.Ct);

        var body = await found.ReadJsonAsync();
        Assert.Equal(HttpStatusCode.OK, found.StatusCode);
        Assert.Equal(station.Id, body["id"]!.GetValue<string>());
        Assert.Equal("Reshet Gimmel", body["stationName"]!.GetValue<string>());
        Assert.Equal(station.StreamUrl, body["streamUrl"]!.GetValue<string>());
        Assert.Equal(station.LogoUrl, body["logoUrl"]!.GetValue<string>());
        Assert.Equal(country, body["country"]!.GetValue<string>());
        Assert.Equal("he", body["language"]!.GetValue<string>());
        Assert.Equal("israeli", body["genre"]!.GetValue<string>());
        await hidden.AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("/api/live/channels/not-an-id")]
    [InlineData("/api/live/channels/000000000000000000000000")]
    [InlineData("/api/radio/stations/not-an-id")]
    [InlineData("/api/radio/stations/000000000000000000000000")]
    public async Task Unknown_or_malformed_ids_are_404(string url)
    {
        var response = await api.CreateClient().GetAsync(url, Http.Ct);

        await response.AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("/api/live/channels?country=", "country")]
    [InlineData("/api/live/channels?language=", "language")]
    [InlineData("/api/radio/stations?genre=", "genre")]
    public async Task Overlong_filters_are_400_naming_the_field(string url, string field)
    {
        var response = await api.CreateClient().GetAsync(url + new string('x', 61), Http.Ct);

        await response.AssertValidationProblemAsync(field);
    }

    [Fact]
    public async Task Anonymous_lists_are_served_from_the_output_cache_and_signed_in_ones_are_not()
    {
        var country = Country();
        var first = Numbers(2);
        var url = $"/api/live/channels?country={country}";
        var before = await InsertChannelAsync(country, first);
        Assert.Equal([before.Id], await ListIdsAsync(url));

        var after = await InsertChannelAsync(country, first + 1);
        var (_, signedIn) = await api.SignedInClientAsync();

        Assert.Equal([before.Id], await ListIdsAsync(url));
        Assert.Equal([before.Id, after.Id], await ListIdsAsync(url, signedIn));
    }
}
