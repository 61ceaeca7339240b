using System.Net;
using BayitPlus.Api.Tests.Support;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Tests.Features.Content;

public sealed class PlayContentTests(ApiFactory api)
{
    private async Task<long> StoredViewsAsync(string id) =>
        (await api.RawContent().Find(new BsonDocument("_id", ObjectId.Parse(id))).SingleAsync(Http.Ct))["view_count"].ToInt64();

    [Fact]
    public async Task Playing_returns_the_stream_url_and_counts_one_view()
    {
        var item = (await api.InsertAsync(Catalog.Item("Playable", ["movies"], views: 41, streamUrl: "https://vod.example.com/playable/master.m3u8")))[0];
        var client = (await api.SignedInClientAsync()).Client;

        var response = await client.PostAsync($"/api/content/{item.Id}/play", null, Http.Ct);

        var body = await response.ReadJsonAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("https://vod.example.com/playable/master.m3u8", body["streamUrl"]!.GetValue<string>());
        Assert.Equal(42, await StoredViewsAsync(item.Id));
    }

    [Fact]
    public async Task Anonymous_plays_are_401_and_count_nothing()
    {
        var item = (await api.InsertAsync(Catalog.Item("Playable", ["movies"], views: 3)))[0];

        var response = await api.CreateClient().PostAsync($"/api/content/{item.Id}/play", null, Http.Ct);

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal(3, await StoredViewsAsync(item.Id));
    }

    [Theory]
    [InlineData("0123456789abcdef01234567")]
    [InlineData("not-an-id")]
    public async Task Playing_an_unknown_or_malformed_id_is_a_404(string id)
    {
        var client = (await api.SignedInClientAsync()).Client;

        var response = await client.PostAsync($"/api/content/{id}/play", null, Http.Ct);

        await response.AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task An_item_without_a_stream_is_a_409_naming_streamUrl_and_counts_nothing()
    {
        var item = (await api.InsertAsync(Catalog.Item("Coming soon", ["movies"], views: 7, streamUrl: null)))[0];
        var client = (await api.SignedInClientAsync()).Client;

        var response = await client.PostAsync($"/api/content/{item.Id}/play", null, Http.Ct);

        var problem = await response.AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal("streamUrl", problem["field"]!.GetValue<string>());
        Assert.Equal(7, await StoredViewsAsync(item.Id));
    }

    [Fact]
    public async Task One_hundred_parallel_plays_add_exactly_one_hundred_views()
    {
        var item = (await api.InsertAsync(Catalog.Item("Hit", ["movies"], views: 1000)))[0];
        var client = (await api.SignedInClientAsync()).Client;

        var responses = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => client.PostAsync($"/api/content/{item.Id}/play", null, Http.Ct)));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(1100, await StoredViewsAsync(item.Id));
    }
}
