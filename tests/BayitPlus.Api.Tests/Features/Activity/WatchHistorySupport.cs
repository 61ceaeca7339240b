using System.Net;
using System.Text.Json.Nodes;
using BayitPlus.Api.Features.Content;
using BayitPlus.Api.Tests.Features.Content;
using BayitPlus.Api.Tests.Support;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Tests.Features.Activity;

internal static class WatchHistorySupport
{
    public static IMongoCollection<BsonDocument> History(this ApiFactory api) => api.Database.GetCollection<BsonDocument>("watchhistory");

    /// <summary>A catalog item of its own section, with its three titles.</summary>
    public static async Task<ContentDocument> NewItemAsync(this ApiFactory api, string title = "פריט", string audience = "general", string? english = null, string? spanish = null)
    {
        var item = Catalog.Item(title, [Catalog.NewSlug()], audience: audience);
        item.TitleEn = english;
        item.TitleEs = spanish;
        await api.InsertAsync(item);
        return item;
    }

    /// <summary>Entries for <paramref name="newestFirst"/>, a second apart, most recent first; null
    /// stands for an item no longer in the catalog.</summary>
    public static Task InsertHistoryAsync(this ApiFactory api, string userId, IEnumerable<string?> newestFirst)
    {
        var start = DateTime.UtcNow;
        return api.History().InsertManyAsync(newestFirst.Select((id, i) => new BsonDocument
        {
            ["user_id"] = userId,
            ["content_id"] = id ?? ObjectId.GenerateNewId().ToString(),
            ["watched_at"] = start.AddSeconds(-i),
            ["duration_watched"] = 60,
            ["progress"] = 0.5,
        }), cancellationToken: Http.Ct);
    }

    public static Task<HttpResponseMessage> ReportAsync(this HttpClient client, string contentId, int position, int duration = 1000, string deviceType = "tv", string platform = "tizen") =>
        client.PutJsonAsync($"/api/users/me/history/{contentId}", new { positionSeconds = position, durationSeconds = duration, deviceType, platform });

    public static async Task<JsonObject> ReportOkAsync(this HttpClient client, string contentId, int position, int duration = 1000, string deviceType = "tv", string platform = "tizen")
    {
        var response = await client.ReportAsync(contentId, position, duration, deviceType, platform);
        var body = await response.Content.ReadAsStringAsync(Http.Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return JsonNode.Parse(body)!.AsObject();
    }

    public static Task<List<BsonDocument>> StoredAsync(this ApiFactory api, string userId) =>
        api.History().Find(new BsonDocument("user_id", userId)).ToListAsync(Http.Ct);

    public static string[] ContentIds(this JsonObject list) => [.. list["items"]!.AsArray().Select(i => i!["content"]!["id"]!.GetValue<string>())];
}
