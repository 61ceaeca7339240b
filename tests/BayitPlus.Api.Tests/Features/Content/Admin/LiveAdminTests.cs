using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using BayitPlus.Api.Features.Content;
using BayitPlus.Api.Infrastructure.Auth;
using BayitPlus.Api.Tests.Support;
using Microsoft.AspNetCore.OutputCaching;
using Microsoft.Extensions.DependencyInjection;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Tests.Features.Content.Admin;

public sealed class LiveAdminTests(ApiFactory api)
{
    private const string Channels = "/api/admin/live/channels";
    private const string Stations = "/api/admin/radio/stations";

    private IMongoCollection<BsonDocument> ChannelDocs => api.Database.GetCollection<BsonDocument>("livechannel");

    private IMongoCollection<BsonDocument> StationDocs => api.Database.GetCollection<BsonDocument>("radiostation");

    private static int _nextChannel = 100;

    private static int NextChannelNumber() => Interlocked.Increment(ref _nextChannel);

    private static JsonObject Channel(int number) => new()
    {
        ["channelName"] = "ערוץ 11",
        ["channelNumber"] = number,
        ["streamUrl"] = "https://live.example.com/11.m3u8",
        ["logoUrl"] = "https://cdn.example.com/11.png",
        ["language"] = "he",
        ["country"] = "IL",
        ["supportsDubbing"] = true,
    };

    private static JsonObject Station() => new()
    {
        ["stationName"] = "גלגלצ",
        ["streamUrl"] = "https://radio.example.com/glglz.mp3",
        ["logoUrl"] = "https://cdn.example.com/glglz.png",
        ["country"] = "IL",
        ["language"] = "he",
        ["genre"] = "pop",
    };

    private static HttpRequestMessage Patch(string url, string json) =>
        new(HttpMethod.Patch, url) { Content = new StringContent(json, Encoding.UTF8, "application/json") };

    private static JsonObject With(JsonObject body, string change)
    {
        foreach (var (name, value) in JsonNode.Parse(change)!.AsObject())
        {
            body[name] = value?.DeepClone();
        }

        return body;
    }

    [Fact]
    public async Task Create_a_channel_stores_it_active_with_the_spec_fields()
    {
        var admin = (await api.SignedInClientAsync(Roles.Admin)).Client;
        var number = NextChannelNumber();

        var response = await admin.PostJsonAsync(Channels, Channel(number));

        var body = await response.ReadJsonAsync();
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var id = body["id"]!.GetValue<string>();
        Assert.Equal($"{Channels}/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal(number, body["channelNumber"]!.GetValue<int>());
        Assert.True(body["isActive"]!.GetValue<bool>());
        var stored = await ChannelDocs.Find(new BsonDocument("_id", ObjectId.Parse(id))).SingleAsync(Http.Ct);
        Assert.Equal("ערוץ 11", stored["channel_name"].AsString);
        Assert.Equal(number, stored["channel_number"].AsInt32);
        Assert.Equal("https://live.example.com/11.m3u8", stored["stream_url"].AsString);
        Assert.Equal("https://cdn.example.com/11.png", stored["logo_url"].AsString);
        Assert.Equal("IL", stored["country"].AsString);
        Assert.True(stored["is_active"].AsBoolean);
        Assert.True(stored["supports_dubbing"].AsBoolean);
        Assert.False(stored["epg_enabled"].AsBoolean);
        Assert.Equal(BsonType.DateTime, stored["created_at"].BsonType);
    }

    [Fact]
    public async Task A_taken_channelNumber_is_a_409_naming_it_on_create_put_and_patch()
    {
        var admin = (await api.SignedInClientAsync(Roles.Admin)).Client;
        var taken = NextChannelNumber();
        await admin.PostJsonAsync(Channels, Channel(taken));
        var other = (await (await admin.PostJsonAsync(Channels, Channel(NextChannelNumber()))).ReadJsonAsync())["id"]!.GetValue<string>();

        var created = await admin.PostJsonAsync(Channels, Channel(taken));
        var put = await admin.PutJsonAsync($"{Channels}/{other}", Channel(taken));
        var patched = await admin.SendAsync(Patch($"{Channels}/{other}", $$"""{ "channelNumber": {{taken}} }"""), Http.Ct);

        foreach (var response in new[] { created, put, patched })
        {
            Assert.Equal("channelNumber", (await response.AssertProblemAsync(HttpStatusCode.Conflict))["field"]!.GetValue<string>());
        }

        Assert.Equal(1, await ChannelDocs.CountDocumentsAsync(new BsonDocument("channel_number", taken), cancellationToken: Http.Ct));
    }

    [Fact]
    public async Task Parallel_creates_with_one_channelNumber_store_exactly_one_channel()
    {
        var admin = (await api.SignedInClientAsync(Roles.Admin)).Client;
        var number = NextChannelNumber();

        var responses = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => admin.PostJsonAsync(Channels, Channel(number))));

        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.Equal(15, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        Assert.Equal(1, await ChannelDocs.CountDocumentsAsync(new BsonDocument("channel_number", number), cancellationToken: Http.Ct));
    }

    [Theory]
    [InlineData("""{ "channelName": null }""", "channelName")]
    [InlineData("""{ "channelNumber": null }""", "channelNumber")]
    [InlineData("""{ "channelNumber": 0 }""", "channelNumber")]
    [InlineData("""{ "channelNumber": 10000 }""", "channelNumber")]
    [InlineData("""{ "channelNumber": "12" }""", "channelNumber")]
    [InlineData("""{ "streamUrl": "rtmp://live.example.com/11" }""", "streamUrl")]
    [InlineData("""{ "streamUrl": null }""", "streamUrl")]
    [InlineData("""{ "logoUrl": "logo.png" }""", "logoUrl")]
    [InlineData("""{ "language": "ar" }""", "language")]
    [InlineData("""{ "country": "il" }""", "country")]
    [InlineData("""{ "country": "ISR" }""", "country")]
    [InlineData("""{ "isActive": null }""", "isActive")]
    [InlineData("""{ "createdAt": "2025-01-01T00:00:00Z" }""", "createdAt")]
    public async Task Each_channel_validation_rule_is_a_400_naming_its_field(string change, string field)
    {
        var admin = (await api.SignedInClientAsync(Roles.Admin)).Client;

        var response = await admin.PostJsonAsync(Channels, With(Channel(NextChannelNumber()), change));

        await response.AssertValidationProblemAsync(field);
    }

    [Fact]
    public async Task Channel_numbers_1_and_9999_are_accepted()
    {
        var admin = (await api.SignedInClientAsync(Roles.Admin)).Client;

        Assert.Equal(HttpStatusCode.Created, (await admin.PostJsonAsync(Channels, Channel(1))).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await admin.PostJsonAsync(Channels, Channel(9999))).StatusCode);
    }

    [Fact]
    public async Task Patch_deactivates_a_channel_and_delete_removes_it()
    {
        var admin = (await api.SignedInClientAsync(Roles.Admin)).Client;
        var id = (await (await admin.PostJsonAsync(Channels, Channel(NextChannelNumber()))).ReadJsonAsync())["id"]!.GetValue<string>();

        var patched = await (await admin.SendAsync(Patch($"{Channels}/{id}", """{ "isActive": false, "logoUrl": null }"""), Http.Ct)).ReadJsonAsync();
        var stored = await ChannelDocs.Find(new BsonDocument("_id", ObjectId.Parse(id))).SingleAsync(Http.Ct);
        var deleted = await admin.DeleteAsync($"{Channels}/{id}", Http.Ct);

        Assert.False(patched["isActive"]!.GetValue<bool>());
        Assert.False(stored["is_active"].AsBoolean);
        Assert.False(stored.Contains("logo_url"));
        Assert.Equal("ערוץ 11", stored["channel_name"].AsString);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(0, await ChannelDocs.CountDocumentsAsync(new BsonDocument("_id", ObjectId.Parse(id)), cancellationToken: Http.Ct));
    }

    [Fact]
    public async Task Create_get_put_patch_and_delete_a_radio_station()
    {
        var admin = (await api.SignedInClientAsync(Roles.Admin)).Client;

        var created = await admin.PostJsonAsync(Stations, Station());
        var id = (await created.ReadJsonAsync())["id"]!.GetValue<string>();
        var got = await (await admin.GetAsync($"{Stations}/{id}", Http.Ct)).ReadJsonAsync();
        var put = await (await admin.PutJsonAsync($"{Stations}/{id}", With(Station(), """{ "genre": "news", "logoUrl": null }"""))).ReadJsonAsync();
        var patched = await (await admin.SendAsync(Patch($"{Stations}/{id}", """{ "isActive": false }"""), Http.Ct)).ReadJsonAsync();
        var stored = await StationDocs.Find(new BsonDocument("_id", ObjectId.Parse(id))).SingleAsync(Http.Ct);
        var deleted = await admin.DeleteAsync($"{Stations}/{id}", Http.Ct);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal($"{Stations}/{id}", created.Headers.Location?.OriginalString);
        Assert.Equal("pop", got["genre"]!.GetValue<string>());
        Assert.Equal("news", put["genre"]!.GetValue<string>());
        Assert.Null(put["logoUrl"]);
        Assert.False(patched["isActive"]!.GetValue<bool>());
        Assert.Equal("גלגלצ", stored["station_name"].AsString);
        Assert.Equal("news", stored["genre"].AsString);
        Assert.False(stored["is_active"].AsBoolean);
        Assert.False(stored.Contains("logo_url"));
        Assert.Equal(BsonType.DateTime, stored["updated_at"].BsonType);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        await (await admin.GetAsync($"{Stations}/{id}", Http.Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("""{ "stationName": "" }""", "stationName")]
    [InlineData("""{ "streamUrl": "radio.example.com/x.mp3" }""", "streamUrl")]
    [InlineData("""{ "logoUrl": "ftp://cdn.example.com/x.png" }""", "logoUrl")]
    [InlineData("""{ "genre": "Rock & Roll" }""", "genre")]
    [InlineData("""{ "language": "de" }""", "language")]
    [InlineData("""{ "country": "Israel" }""", "country")]
    [InlineData("""{ "updatedAt": "2025-01-01T00:00:00Z" }""", "updatedAt")]
    public async Task Each_station_validation_rule_is_a_400_naming_its_field(string change, string field)
    {
        var admin = (await api.SignedInClientAsync(Roles.Admin)).Client;

        var response = await admin.PostJsonAsync(Stations, With(Station(), change));

        await response.AssertValidationProblemAsync(field);
    }

    [Fact]
    public async Task A_new_channel_shows_at_once_in_the_cached_public_list()
    {
        var admin = (await api.SignedInClientAsync(Roles.Admin)).Client;
        var anonymous = api.CreateClient();
        var number = NextChannelNumber();
        await anonymous.GetJsonAsync("/api/live/channels?country=IL");

        await admin.PostJsonAsync(Channels, Channel(number));
        var listed = await anonymous.GetJsonAsync("/api/live/channels?country=IL");

        Assert.Contains(listed["items"]!.AsArray(), channel => channel!["channelNumber"]!.GetValue<int>() == number);
    }

    [Theory]
    [InlineData(Channels)]
    [InlineData(Stations)]
    [InlineData("/api/admin/podcasts")]
    public async Task Creating_a_channel_station_or_show_evicts_the_cached_catalog(string route)
    {
        var admin = (await api.SignedInClientAsync(Roles.Admin)).Client;
        var store = api.Services.GetRequiredService<IOutputCacheStore>();
        var key = $"test-{Guid.NewGuid():N}";
        await store.SetAsync(key, [1], [CatalogCache.Tag], TimeSpan.FromMinutes(5), Http.Ct);
        JsonObject body = route switch
        {
            Channels => Channel(NextChannelNumber()),
            Stations => Station(),
            _ => new JsonObject { ["title"] = "Show", ["rssFeedUrl"] = $"https://feeds.example.com/{Guid.NewGuid():N}.xml" },
        };

        var response = await admin.PostJsonAsync(route, body);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Null(await store.GetAsync(key, Http.Ct));
    }
}
