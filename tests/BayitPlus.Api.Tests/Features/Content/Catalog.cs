using System.Text.Json.Nodes;
using BayitPlus.Api.Features.Content;
using BayitPlus.Api.Infrastructure.Mongo;
using BayitPlus.Api.Tests.Support;
using Microsoft.AspNetCore.OutputCaching;
using Microsoft.Extensions.DependencyInjection;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Tests.Features.Content;

/// <summary>Catalog test data, inserted straight into the collections.</summary>
internal static class Catalog
{
    private static readonly DateTime Epoch = new(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc);
    private static long _clock;

    /// <summary>A section (or genre, topic) slug no other test uses, so tests sharing a database
    /// scope their queries to their own items.</summary>
    public static string NewSlug(string hint = "s") => $"{hint}-{Guid.NewGuid():N}";

    /// <summary>A later creation time on every call, in whole milliseconds as BSON stores them.</summary>
    public static DateTime NextCreatedAt() => Epoch.AddSeconds(Interlocked.Increment(ref _clock));

    public static ContentDocument Item(
        string title,
        string[] sections,
        string format = "movie",
        string audience = "general",
        string[]? genres = null,
        string[]? topics = null,
        int? year = null,
        double? rating = null,
        bool featured = false,
        long views = 0,
        DateTime? createdAt = null,
        string? streamUrl = "https://vod.example.com/stream/master.m3u8") => new()
        {
            Title = title,
            SectionIds = [.. sections],
            PrimarySectionId = sections.FirstOrDefault(),
            ContentFormat = format,
            AudienceId = audience,
            GenreIds = [.. genres ?? []],
            TopicTags = [.. topics ?? []],
            Year = year,
            Rating = rating,
            IsFeatured = featured,
            ViewCount = views,
            StreamUrl = streamUrl,
            CreatedAt = createdAt ?? NextCreatedAt(),
        };

    public static IMongoCollection<ContentDocument> Content(this ApiFactory api) =>
        api.Services.GetRequiredService<MongoContext>().Collection<ContentDocument>(ContentDocument.CollectionName);

    public static IMongoCollection<BsonDocument> RawContent(this ApiFactory api) =>
        api.Database.GetCollection<BsonDocument>(ContentDocument.CollectionName);

    public static async Task<ContentDocument[]> InsertAsync(this ApiFactory api, params ContentDocument[] items)
    {
        await api.Content().InsertManyAsync(items, cancellationToken: Http.Ct);
        return items;
    }

    /// <summary>Clears the catalog output cache, as an admin write does.</summary>
    public static ValueTask EvictCatalogCacheAsync(this ApiFactory api) =>
        CatalogCache.EvictAsync(api.Services.GetRequiredService<IOutputCacheStore>(), Http.Ct);

    public static async Task<JsonObject> GetJsonAsync(this HttpClient client, string url)
    {
        var response = await client.GetAsync(url, Http.Ct);
        var body = await response.Content.ReadAsStringAsync(Http.Ct);
        Assert.True(response.IsSuccessStatusCode, $"GET {url}: {(int)response.StatusCode} {body}");
        return JsonNode.Parse(body)!.AsObject();
    }

    public static string[] Titles(this JsonObject page) => [.. page["items"]!.AsArray().Select(i => i!["title"]!.GetValue<string>())];

    /// <summary>Every page of a browse query, following nextCursor; asserts each page respects the limit.</summary>
    public static async Task<List<JsonObject>> AllPagesAsync(this HttpClient client, string url, int limit)
    {
        var items = new List<JsonObject>();
        string? cursor = null;
        do
        {
            var page = await client.GetJsonAsync($"{url}&limit={limit}" + (cursor is null ? "" : $"&cursor={cursor}"));
            var pageItems = page["items"]!.AsArray().Select(i => i!.AsObject()).ToList();
            Assert.InRange(pageItems.Count, 0, limit);
            items.AddRange(pageItems);
            cursor = page["nextCursor"]?.GetValue<string>();
        }
        while (cursor is not null);
        return items;
    }
}
