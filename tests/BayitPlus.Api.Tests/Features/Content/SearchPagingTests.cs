using System.Net;
using System.Text.Json.Nodes;
using BayitPlus.Api.Features.Content;
using BayitPlus.Api.Tests.Support;
using Microsoft.AspNetCore.WebUtilities;
using MongoDB.Bson;
using MongoDB.Bson.Serialization;
using MongoDB.Driver;

namespace BayitPlus.Api.Tests.Features.Content;

/// <summary>Search pages with an opaque cursor bound to the search that issued it.</summary>
public sealed class SearchPagingTests(ApiFactory api)
{
    private IMongoCollection<BsonDocument> Searches => api.Database.GetCollection<BsonDocument>(SearchQueryDocument.CollectionName);

    /// <summary>A word no other test uses, so each test searches its own items in the shared database.</summary>
    private static string Word() => "p" + Guid.NewGuid().ToString("N")[..12];

    private async Task<List<string>> InsertAsync(string word, int count)
    {
        var items = Enumerable.Range(0, count).Select(i => Catalog.Item($"{word} {i}", ["paging"])).ToArray();
        await api.InsertAsync(items);
        return [.. items.Select(i => i.Id)];
    }

    private static List<string> Ids(JsonObject page) => [.. page["items"]!.AsArray().Select(i => i!["id"]!.GetValue<string>())];

    private Task<long> SearchesOfAsync(string word) => Searches.CountDocumentsAsync(new BsonDocument("query_text", word), cancellationToken: Http.Ct);

    [Fact]
    public async Task Pages_follow_the_ranking_without_repeats_and_the_search_is_recorded_once()
    {
        var word = Word();
        var inserted = await InsertAsync(word, 5);
        var client = api.CreateClient();
        var whole = await client.GetJsonAsync($"/api/search?q={word}&limit=50");
        Assert.Null(whole["nextCursor"]?.GetValue<string>());
        Assert.True(whole.ContainsKey("nextCursor"));

        var first = await client.GetJsonAsync($"/api/search?q={word}&limit=2");
        var cursor = first["nextCursor"]!.GetValue<string>();
        var second = await client.GetJsonAsync($"/api/search?q={word}&limit=2&cursor={cursor}");
        var third = await client.GetJsonAsync($"/api/search?q={word}&limit=2&cursor={second["nextCursor"]!.GetValue<string>()}");
        var restAtOnce = await client.GetJsonAsync($"/api/search?q={word}&limit=10&lang=en&cursor={cursor}");

        Assert.Equal(inserted.Order(StringComparer.Ordinal), Ids(whole).Order(StringComparer.Ordinal));
        Assert.Equal(Ids(whole), [.. Ids(first), .. Ids(second), .. Ids(third)]);
        Assert.Equal([2, 2, 1], new[] { first, second, third }.Select(page => Ids(page).Count));
        Assert.Null(third["nextCursor"]?.GetValue<string>());
        // A later page may ask for another page size or language: the cursor names a position, not a page.
        Assert.Equal(Ids(whole)[2..], Ids(restAtOnce));
        Assert.Null(restAtOnce["nextCursor"]?.GetValue<string>());

        var searchId = first["searchId"]!.GetValue<string>();
        Assert.All(new[] { second, third, restAtOnce }, page => Assert.Equal(searchId, page["searchId"]!.GetValue<string>()));
        Assert.NotEqual(whole["searchId"]!.GetValue<string>(), searchId);
        Assert.Equal(2, await SearchesOfAsync(word));
        var recorded = await Searches.Find(new BsonDocument("_id", ObjectId.Parse(searchId))).SingleAsync(Http.Ct);
        Assert.Equal(2, recorded["results_count"].AsInt32);
    }

    [Fact]
    public async Task A_click_on_a_later_page_is_recorded_against_the_one_search()
    {
        var word = Word();
        await InsertAsync(word, 3);
        var client = api.CreateClient();
        var first = await client.GetJsonAsync($"/api/search?q={word}&limit=2");
        var second = await client.GetJsonAsync($"/api/search?q={word}&limit=2&cursor={first["nextCursor"]!.GetValue<string>()}");
        var clicked = Ids(second).Single();

        var response = await client.PostJsonAsync($"/api/search/{second["searchId"]!.GetValue<string>()}/click", new { contentId = clicked });

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var recorded = await Searches.Find(new BsonDocument("_id", ObjectId.Parse(first["searchId"]!.GetValue<string>()))).SingleAsync(Http.Ct);
        Assert.Equal(clicked, recorded["clicked_result"].AsString);
    }

    [Fact]
    public async Task The_deepest_reachable_result_is_the_thousandth()
    {
        var word = Word();
        await InsertAsync(word, 3);
        var client = api.CreateClient();
        var issued = (await client.GetJsonAsync($"/api/search?q={word}&limit=1"))["nextCursor"]!.GetValue<string>();

        var last = await client.GetJsonAsync($"/api/search?q={word}&cursor={Craft(issued, s => s[2] = SearchCursor.MaxResults - 1)}");
        var beyond = await client.GetAsync($"/api/search?q={word}&cursor={Craft(issued, s => s[2] = SearchCursor.MaxResults)}", Http.Ct);

        Assert.Empty(last["items"]!.AsArray());
        Assert.Null(last["nextCursor"]?.GetValue<string>());
        await beyond.AssertValidationProblemAsync("cursor");
    }

    [Fact]
    public async Task A_cursor_of_another_search_or_one_crafted_is_a_400_naming_cursor_and_nothing_is_recorded()
    {
        var word = Word();
        var other = Word();
        await InsertAsync(word, 3);
        var client = api.CreateClient();
        var issued = (await client.GetJsonAsync($"/api/search?q={word}&limit=1&format=movie"))["nextCursor"]!.GetValue<string>();
        var browse = (await client.GetJsonAsync("/api/content?section=paging&limit=1"))["nextCursor"]!.GetValue<string>();
        var bytes = WebEncoders.Base64UrlDecode(issued);
        (string Case, string Query)[] cases =
        [
            ("another q", $"q={other}&format=movie&cursor={issued}"),
            ("without the filter", $"q={word}&cursor={issued}"),
            ("another filter", $"q={word}&format=series&cursor={issued}"),
            ("a filter more", $"q={word}&format=movie&genre=drama&cursor={issued}"),
            ("a browse cursor", $"q={word}&format=movie&cursor={browse}"),
            ("not base64url", $"q={word}&format=movie&cursor=@@not-a-cursor@@"),
            ("text, not BSON", $"q={word}&format=movie&cursor={WebEncoders.Base64UrlEncode("hello"u8.ToArray())}"),
            ("truncated", $"q={word}&format=movie&cursor={WebEncoders.Base64UrlEncode(bytes[..^1])}"),
            ("trailing byte", $"q={word}&format=movie&cursor={WebEncoders.Base64UrlEncode([.. bytes, 0])}"),
            ("too long", $"q={word}&format=movie&cursor={WebEncoders.Base64UrlEncode(new byte[4096])}"),
            ("offset 0", $"q={word}&format=movie&cursor={Craft(issued, s => s[2] = 0)}"),
            ("negative offset", $"q={word}&format=movie&cursor={Craft(issued, s => s[2] = -1)}"),
            ("offset a long", $"q={word}&format=movie&cursor={Craft(issued, s => s[2] = 1L)}"),
            ("offset a document", $"q={word}&format=movie&cursor={Craft(issued, s => s[2] = new BsonDocument("$gt", 0))}"),
            ("another tag", $"q={word}&format=movie&cursor={Craft(issued, s => s[0] = "content-newest")}"),
            ("search id a string", $"q={word}&format=movie&cursor={Craft(issued, s => s[1] = s[1].ToString())}"),
            ("digest changed", $"q={word}&format=movie&cursor={Craft(issued, s => s[3] = "AAAAAAAAAAAAAAAA")}"),
            ("one value more", $"q={word}&format=movie&cursor={Craft(issued, s => s.Add(1))}"),
            ("one value fewer", $"q={word}&format=movie&cursor={Craft(issued, s => s.RemoveAt(3))}"),
        ];

        foreach (var (name, query) in cases)
        {
            var response = await client.GetAsync($"/api/search?{query}", Http.Ct);

            var body = await response.Content.ReadAsStringAsync(Http.Ct);
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{name}: {(int)response.StatusCode} {body}");
            var problem = JsonNode.Parse(body)!.AsObject();
            Assert.Equal(["cursor"], problem["errors"]!.AsObject().Select(e => e.Key));
        }

        Assert.Equal(1, await SearchesOfAsync(word));
        Assert.Equal(0, await SearchesOfAsync(other));
    }

    /// <summary>The issued cursor with its values changed, re-encoded as the server encodes cursors.</summary>
    private static string Craft(string issued, Action<BsonArray> change)
    {
        var values = BsonSerializer.Deserialize<BsonDocument>(WebEncoders.Base64UrlDecode(issued))["s"].AsBsonArray;
        change(values);
        return WebEncoders.Base64UrlEncode(new BsonDocument("s", values).ToBson());
    }
}
