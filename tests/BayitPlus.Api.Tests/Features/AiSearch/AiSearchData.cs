using System.Net;
using System.Text.Json.Nodes;
using BayitPlus.Api.Features.AiSearch;
using BayitPlus.Api.Features.Content;
using BayitPlus.Api.Tests.Features.Content;
using BayitPlus.Api.Tests.Support;

namespace BayitPlus.Api.Tests.Features.AiSearch;

/// <summary>Catalog items with English texts for the local model, in a section of the test's own so
/// that searches filtered by it see only the test's items, and the calls the AI search tests make.</summary>
internal static class AiSearchData
{
    public static ContentDocument Item(string section, string title, string description, string format = "movie", string[]? genres = null, int? year = null)
    {
        var item = Catalog.Item($"כותרת {title}", [section], format: format, genres: genres, year: year);
        item.TitleEn = title;
        item.DescriptionEn = description;
        return item;
    }

    /// <summary>Inserts the items and waits until the indexer has embedded them with the local model.</summary>
    public static async Task<ContentDocument[]> CatalogAsync(this ApiFactory api, params ContentDocument[] items)
    {
        await api.InsertAsync(items);
        foreach (var item in items)
        {
            await Embeddings.WaitForAsync(api, item.Id, e => e["embedding_model"] == EmbeddingModel.Local.Id);
        }

        return items;
    }

    public static Task<HttpResponseMessage> AiSearchAsync(this HttpClient client, string query) =>
        client.GetAsync($"/api/ai-search?{query}&lang=en", Http.Ct);

    public static async Task<JsonObject> AiSearchOkAsync(this HttpClient client, string query)
    {
        var response = await client.AiSearchAsync(query);
        var body = await response.ReadJsonAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body.ToJsonString());
        return body;
    }

    public static string[] Ids(this JsonObject page) => [.. page["items"]!.AsArray().Select(i => i!["id"]!.GetValue<string>())];

    public static string Q(string text) => "q=" + Uri.EscapeDataString(text);
}
