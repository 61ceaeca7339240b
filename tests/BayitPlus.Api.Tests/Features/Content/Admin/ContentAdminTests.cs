using System.Net;
using BayitPlus.Api.Tests.Support;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Tests.Features.Content.Admin;

public sealed class ContentAdminTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    private IMongoCollection<BsonDocument> Content => api.Database.GetCollection<BsonDocument>("content");

    [Fact]
    public async Task Create_stores_the_item_with_server_timestamps_and_answers_the_admin_view()
    {
        var admin = await api.SignedInClientAsync();

        var response = await admin.PostJsonAsync("/api/admin/content", ContentBodies.Valid(tmdbId: 101));

        var body = await response.ReadJsonAsync();
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var id = body["id"]!.GetValue<string>();
        Assert.Equal($"/api/admin/content/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal("הסרט", body["title"]!.GetValue<string>());
        Assert.Equal("The Movie", body["titleEn"]!.GetValue<string>());
        Assert.Equal(["movies", "judaism"], body["sectionIds"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal("movies", body["primarySectionId"]!.GetValue<string>());
        Assert.Equal("https://cdn.example.com/movie.m3u8", body["streamUrl"]!.GetValue<string>());
        Assert.Equal(0, body["viewCount"]!.GetValue<long>());
        Assert.Equal(101, body["tmdbId"]!.GetValue<int>());
        Assert.True(body["isFeatured"]!.GetValue<bool>());
        Assert.NotNull(body["createdAt"]);

        var stored = await Content.Find(new BsonDocument("_id", ObjectId.Parse(id))).SingleAsync(Http.Ct);
        Assert.Equal("The Movie", stored["title_en"].AsString);
        Assert.Equal(new BsonArray { "movies", "judaism" }, stored["section_ids"]);
        Assert.Equal("movie", stored["content_format"].AsString);
        Assert.Equal("1:45:00", stored["duration"].AsString);
        Assert.Equal(101, stored["tmdb_id"].AsInt32);
        Assert.Equal(BsonType.DateTime, stored["created_at"].BsonType);
        Assert.Equal(stored["created_at"], stored["updated_at"]);
        Assert.Equal(0, stored["view_count"].ToInt64());
    }
}

/// <summary>Request bodies for the content admin tests.</summary>
public static class ContentBodies
{
    public static System.Text.Json.Nodes.JsonObject Valid(int? tmdbId = null) => new()
    {
        ["title"] = "הסרט",
        ["titleEn"] = "The Movie",
        ["titleEs"] = "La Película",
        ["description"] = "תיאור",
        ["sectionIds"] = new System.Text.Json.Nodes.JsonArray("movies", "judaism"),
        ["primarySectionId"] = "movies",
        ["contentFormat"] = "movie",
        ["audienceId"] = "general",
        ["genreIds"] = new System.Text.Json.Nodes.JsonArray("drama"),
        ["topicTags"] = new System.Text.Json.Nodes.JsonArray("jewish", "history"),
        ["streamUrl"] = "https://cdn.example.com/movie.m3u8",
        ["thumbnail"] = "https://cdn.example.com/thumb.jpg",
        ["duration"] = "1:45:00",
        ["year"] = 2020,
        ["rating"] = 7.5,
        ["cast"] = new System.Text.Json.Nodes.JsonArray("Actor One"),
        ["director"] = "Director",
        ["tmdbId"] = tmdbId,
        ["isFeatured"] = true,
    };
}
