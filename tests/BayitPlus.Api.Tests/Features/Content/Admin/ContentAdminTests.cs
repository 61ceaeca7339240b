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

[Collection<FakeClockCollection>]
public sealed class ContentAdminTests(FakeClockApiFactory api)
{
    private const string Route = "/api/admin/content";

    private IMongoCollection<BsonDocument> Content => api.Database.GetCollection<BsonDocument>("content");

    private Task<BsonDocument> StoredAsync(string id) => Content.Find(new BsonDocument("_id", ObjectId.Parse(id))).SingleAsync(Http.Ct);

    private async Task<(HttpClient Admin, string Id)> CreateAsync(JsonObject? body = null)
    {
        var admin = (await api.SignedInClientAsync(Roles.Admin)).Client;
        var response = await admin.PostJsonAsync(Route, body ?? ContentBodies.Valid());
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync(Http.Ct));
        return (admin, (await response.ReadJsonAsync())["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Create_stores_the_item_with_server_timestamps_and_answers_the_admin_view()
    {
        var admin = (await api.SignedInClientAsync(Roles.Admin)).Client;

        var response = await admin.PostJsonAsync(Route, ContentBodies.Valid(tmdbId: 101));

        var body = await response.ReadJsonAsync();
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var id = body["id"]!.GetValue<string>();
        Assert.Equal($"{Route}/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal("הסרט", body["title"]!.GetValue<string>());
        Assert.Equal("The Movie", body["titleEn"]!.GetValue<string>());
        Assert.Equal("La Película", body["titleEs"]!.GetValue<string>());
        Assert.Equal(["movies", "judaism"], body["sectionIds"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal("movies", body["primarySectionId"]!.GetValue<string>());
        Assert.Equal("movie", body["contentFormat"]!.GetValue<string>());
        Assert.Equal("general", body["audienceId"]!.GetValue<string>());
        Assert.Equal(["drama"], body["genreIds"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal(["jewish", "history"], body["topicTags"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal("https://cdn.example.com/movie.m3u8", body["streamUrl"]!.GetValue<string>());
        Assert.Equal("1:45:00", body["duration"]!.GetValue<string>());
        Assert.Equal(6300, body["durationSeconds"]!.GetValue<int>());
        Assert.Equal(2020, body["year"]!.GetValue<int>());
        Assert.Equal(7.5, body["rating"]!.GetValue<double>());
        Assert.Equal(101, body["tmdbId"]!.GetValue<int>());
        Assert.True(body["isFeatured"]!.GetValue<bool>());
        Assert.Equal(0, body["viewCount"]!.GetValue<long>());
        Assert.Equal(api.Clock.GetUtcNow().UtcDateTime, body["createdAt"]!.GetValue<DateTime>(), TimeSpan.FromMilliseconds(1));

        var stored = await StoredAsync(id);
        Assert.Equal("הסרט", stored["title"].AsString);
        Assert.Equal("The Movie", stored["title_en"].AsString);
        Assert.Equal(new BsonArray { "movies", "judaism" }, stored["section_ids"]);
        Assert.Equal("movies", stored["primary_section_id"].AsString);
        Assert.Equal("movie", stored["content_format"].AsString);
        Assert.Equal("general", stored["audience_id"].AsString);
        Assert.Equal(new BsonArray { "drama" }, stored["genre_ids"]);
        Assert.Equal(new BsonArray { "jewish", "history" }, stored["topic_tags"]);
        Assert.Equal("https://cdn.example.com/movie.m3u8", stored["stream_url"].AsString);
        Assert.Equal("https://cdn.example.com/thumb.jpg", stored["thumbnail"].AsString);
        Assert.Equal("1:45:00", stored["duration"].AsString);
        Assert.Equal(101, stored["tmdb_id"].AsInt32);
        Assert.True(stored["is_featured"].AsBoolean);
        Assert.Equal(0, stored["view_count"].ToInt64());
        Assert.Equal(BsonType.DateTime, stored["created_at"].BsonType);
        Assert.Equal(stored["created_at"], stored["updated_at"]);
    }

    [Fact]
    public async Task Optional_fields_left_out_are_not_stored()
    {
        var body = new JsonObject
        {
            ["title"] = "מינימום",
            ["sectionIds"] = new JsonArray("kids"),
            ["primarySectionId"] = "kids",
            ["contentFormat"] = "clip",
            ["audienceId"] = "kids",
            ["streamUrl"] = "http://cdn.example.com/clip.m3u8",
        };

        var (_, id) = await CreateAsync(body);

        var stored = await StoredAsync(id);
        Assert.False(stored.Contains("tmdb_id"), "a null tmdb_id would collide in the sparse unique index");
        Assert.False(stored.Contains("title_en"));
        Assert.False(stored.Contains("year"));
        Assert.False(stored["is_featured"].AsBoolean);
        Assert.Equal(new BsonArray(), stored["genre_ids"]);
    }

    [Fact]
    public async Task Get_answers_the_admin_view_and_unknown_or_malformed_ids_are_404()
    {
        var (admin, id) = await CreateAsync();

        var found = await admin.GetAsync($"{Route}/{id}", Http.Ct);
        var body = await found.ReadJsonAsync();

        Assert.Equal(HttpStatusCode.OK, found.StatusCode);
        Assert.Equal(id, body["id"]!.GetValue<string>());
        Assert.Equal("https://cdn.example.com/movie.m3u8", body["streamUrl"]!.GetValue<string>());
        Assert.NotNull(body["viewCount"]);
        await (await admin.GetAsync($"{Route}/{ObjectId.GenerateNewId()}", Http.Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await admin.GetAsync($"{Route}/not-an-id", Http.Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Put_replaces_every_editable_field_and_keeps_what_the_server_owns()
    {
        var (admin, id) = await CreateAsync();
        await Content.UpdateOneAsync(new BsonDocument("_id", ObjectId.Parse(id)), new BsonDocument("$set", new BsonDocument("view_count", 42)), cancellationToken: Http.Ct);
        var created = await StoredAsync(id);
        api.Clock.Advance(TimeSpan.FromMinutes(5));
        var replacement = ContentBodies.Valid();
        replacement.Remove("titleEn");
        replacement.Remove("year");
        replacement["title"] = "כותרת חדשה";
        replacement["contentFormat"] = "series";

        var response = await admin.PutJsonAsync($"{Route}/{id}", replacement);

        var body = await response.ReadJsonAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("כותרת חדשה", body["title"]!.GetValue<string>());
        Assert.Null(body["titleEn"]);
        Assert.Equal(42, body["viewCount"]!.GetValue<long>());
        var stored = await StoredAsync(id);
        Assert.Equal("series", stored["content_format"].AsString);
        Assert.False(stored.Contains("title_en"));
        Assert.False(stored.Contains("year"));
        Assert.Equal(42, stored["view_count"].ToInt64());
        Assert.Equal(created["created_at"], stored["created_at"]);
        Assert.Equal(api.Clock.GetUtcNow().UtcDateTime, stored["updated_at"].ToUniversalTime(), TimeSpan.FromMilliseconds(1));
    }

    [Fact]
    public async Task Put_on_an_unknown_id_is_a_404_and_a_partial_body_is_a_400()
    {
        var (admin, id) = await CreateAsync();

        await (await admin.PutJsonAsync($"{Route}/{ObjectId.GenerateNewId()}", ContentBodies.Valid())).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await admin.PutJsonAsync($"{Route}/{id}", new { titleEn = "Only English" }))
            .AssertValidationProblemAsync("title", "streamUrl", "sectionIds", "primarySectionId", "contentFormat", "audienceId");
    }

    [Fact]
    public async Task Patch_changes_only_the_fields_sent_and_null_clears_a_field()
    {
        var (admin, id) = await CreateAsync();
        var before = await StoredAsync(id);
        api.Clock.Advance(TimeSpan.FromMinutes(1));

        var response = await admin.SendAsync(Patch($"{Route}/{id}", """{ "titleEn": null, "year": 1999, "genreIds": null }"""), Http.Ct);

        var body = await response.ReadJsonAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(body["titleEn"]);
        Assert.Equal(1999, body["year"]!.GetValue<int>());
        Assert.Equal("La Película", body["titleEs"]!.GetValue<string>());
        var stored = await StoredAsync(id);
        Assert.False(stored.Contains("title_en"), "null must clear the field");
        Assert.Equal(1999, stored["year"].AsInt32);
        Assert.Equal(new BsonArray(), stored["genre_ids"]);
        foreach (var untouched in new[] { "title", "title_es", "description", "section_ids", "primary_section_id", "topic_tags", "stream_url", "rating", "duration", "created_at" })
        {
            Assert.Equal(before[untouched], stored[untouched]);
        }

        Assert.True(stored["updated_at"].ToUniversalTime() > before["updated_at"].ToUniversalTime());
    }

    [Fact]
    public async Task An_empty_patch_changes_nothing()
    {
        var (admin, id) = await CreateAsync();
        var before = await StoredAsync(id);
        api.Clock.Advance(TimeSpan.FromMinutes(1));

        var response = await admin.SendAsync(Patch($"{Route}/{id}", "{}"), Http.Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(before, await StoredAsync(id));
    }

    [Theory]
    [InlineData("""{ "primarySectionId": "kids" }""", "primarySectionId")]
    [InlineData("""{ "sectionIds": ["kids"] }""", "primarySectionId")]
    [InlineData("""{ "title": null }""", "title")]
    [InlineData("""{ "streamUrl": "" }""", "streamUrl")]
    [InlineData("""{ "contentFormat": "podcast", "rating": 11 }""", "contentFormat", "rating")]
    [InlineData("""{ "viewCount": 5 }""", "viewCount")]
    [InlineData("""{ "createdAt": "2020-01-01T00:00:00Z" }""", "createdAt")]
    public async Task A_patch_is_validated_against_the_item_it_produces(string patch, params string[] fields)
    {
        var (admin, id) = await CreateAsync();
        var before = await StoredAsync(id);

        var response = await admin.SendAsync(Patch($"{Route}/{id}", patch), Http.Ct);

        await response.AssertValidationProblemAsync(fields);
        Assert.Equal(before, await StoredAsync(id));
    }

    [Theory]
    [InlineData("createdAt", "\"2001-01-01T00:00:00Z\"")]
    [InlineData("updatedAt", "\"2001-01-01T00:00:00Z\"")]
    [InlineData("viewCount", "1000000")]
    [InlineData("id", "\"65a000000000000000000000\"")]
    public async Task Fields_the_server_owns_cannot_be_sent(string field, string value)
    {
        var admin = (await api.SignedInClientAsync(Roles.Admin)).Client;
        var body = ContentBodies.Valid();
        body[field] = JsonNode.Parse(value);

        var response = await admin.PostJsonAsync(Route, body);

        var problem = await response.AssertValidationProblemAsync(field);
        Assert.Contains("set by the server", problem["errors"]![field]![0]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(0, await Content.CountDocumentsAsync(new BsonDocument("created_at", new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc)), cancellationToken: Http.Ct));
        Assert.Equal(0, await Content.CountDocumentsAsync(new BsonDocument("view_count", 1000000), cancellationToken: Http.Ct));
    }

    [Fact]
    public async Task An_unknown_field_is_named_in_a_400()
    {
        var admin = (await api.SignedInClientAsync(Roles.Admin)).Client;
        var body = ContentBodies.Valid();
        body["categoryId"] = "movies";

        var response = await admin.PostJsonAsync(Route, body);

        var problem = await response.AssertValidationProblemAsync("categoryId");
        var message = problem["errors"]!["categoryId"]![0]!.GetValue<string>();
        Assert.StartsWith("categoryId cannot be set by this request; it accepts only title, titleEn, ", message, StringComparison.Ordinal);
        Assert.EndsWith(", tmdbId and isFeatured.", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("year", "\"2020\"")]
    [InlineData("year", "2020.5")]
    [InlineData("rating", "\"high\"")]
    [InlineData("isFeatured", "null")]
    [InlineData("isFeatured", "\"yes\"")]
    [InlineData("sectionIds", "\"movies\"")]
    [InlineData("genreIds", "[1, 2]")]
    [InlineData("title", "{ \"he\": \"x\" }")]
    [InlineData("tmdbId", "99999999999")]
    public async Task A_value_of_the_wrong_type_is_a_400_naming_the_field(string field, string value)
    {
        var admin = (await api.SignedInClientAsync(Roles.Admin)).Client;
        var body = ContentBodies.Valid();
        body[field] = JsonNode.Parse(value);

        var response = await admin.PostJsonAsync(Route, body);

        await response.AssertValidationProblemAsync(field);
    }

    [Theory]
    [InlineData("""{ "title": "" }""", "title")]
    [InlineData("""{ "title": "   " }""", "title")]
    [InlineData("""{ "title": null }""", "title")]
    [InlineData("""{ "contentFormat": "podcast" }""", "contentFormat")]
    [InlineData("""{ "contentFormat": "Movie" }""", "contentFormat")]
    [InlineData("""{ "contentFormat": null }""", "contentFormat")]
    [InlineData("""{ "audienceId": "adults" }""", "audienceId")]
    [InlineData("""{ "audienceId": null }""", "audienceId")]
    [InlineData("""{ "sectionIds": [], "primarySectionId": "movies" }""", "sectionIds", "primarySectionId")]
    [InlineData("""{ "sectionIds": ["Movies"], "primarySectionId": "Movies" }""", "sectionIds")]
    [InlineData("""{ "sectionIds": ["movies", "movies"] }""", "sectionIds")]
    [InlineData("""{ "sectionIds": ["kids--shows"], "primarySectionId": "kids--shows" }""", "sectionIds")]
    [InlineData("""{ "primarySectionId": "kids" }""", "primarySectionId")]
    [InlineData("""{ "primarySectionId": null }""", "primarySectionId")]
    [InlineData("""{ "genreIds": ["Drama!"] }""", "genreIds")]
    [InlineData("""{ "topicTags": ["-jewish"] }""", "topicTags")]
    [InlineData("""{ "subcategoryIds": ["a b"] }""", "subcategoryIds")]
    [InlineData("""{ "streamUrl": null }""", "streamUrl")]
    [InlineData("""{ "streamUrl": "ftp://cdn.example.com/movie.m3u8" }""", "streamUrl")]
    [InlineData("""{ "streamUrl": "/relative/movie.m3u8" }""", "streamUrl")]
    [InlineData("""{ "thumbnail": "javascript:alert(1)" }""", "thumbnail")]
    [InlineData("""{ "backdrop": "not a url" }""", "backdrop")]
    [InlineData("""{ "posterUrl": "file:///etc/passwd" }""", "posterUrl")]
    [InlineData("""{ "duration": "1:60:00" }""", "duration")]
    [InlineData("""{ "duration": "1:45:60" }""", "duration")]
    [InlineData("""{ "duration": "1:45" }""", "duration")]
    [InlineData("""{ "duration": "105 minutes" }""", "duration")]
    [InlineData("""{ "year": 1887 }""", "year")]
    [InlineData("""{ "rating": -0.1 }""", "rating")]
    [InlineData("""{ "rating": 10.01 }""", "rating")]
    [InlineData("""{ "tmdbId": 0 }""", "tmdbId")]
    [InlineData("""{ "tmdbId": -5 }""", "tmdbId")]
    [InlineData("""{ "cast": ["Actor", "Actor"] }""", "cast")]
    [InlineData("""{ "cast": [""] }""", "cast")]
    public async Task Each_validation_rule_is_a_400_naming_its_field(string change, params string[] fields)
    {
        var admin = (await api.SignedInClientAsync(Roles.Admin)).Client;
        var body = ContentBodies.Valid();
        foreach (var (name, value) in JsonNode.Parse(change)!.AsObject())
        {
            body[name] = value?.DeepClone();
        }

        var response = await admin.PostJsonAsync(Route, body);

        await response.AssertValidationProblemAsync(fields);
    }

    [Fact]
    public async Task Years_from_1888_to_five_years_ahead_are_accepted_and_beyond_refused()
    {
        var admin = (await api.SignedInClientAsync(Roles.Admin)).Client;
        var latest = api.Clock.GetUtcNow().Year + 5;

        var first = ContentBodies.Valid();
        first["year"] = 1888;
        var ahead = ContentBodies.Valid();
        ahead["year"] = latest;
        var beyond = ContentBodies.Valid();
        beyond["year"] = latest + 1;

        Assert.Equal(HttpStatusCode.Created, (await admin.PostJsonAsync(Route, first)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await admin.PostJsonAsync(Route, ahead)).StatusCode);
        var problem = await (await admin.PostJsonAsync(Route, beyond)).AssertValidationProblemAsync("year");
        Assert.Contains(latest.ToString(System.Globalization.CultureInfo.InvariantCulture), problem["errors"]!["year"]![0]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lengths_and_list_sizes_are_limited()
    {
        var admin = (await api.SignedInClientAsync(Roles.Admin)).Client;
        var body = ContentBodies.Valid();
        body["title"] = new string('א', 301);
        body["descriptionEn"] = new string('d', 5001);
        body["director"] = new string('n', 201);
        body["thumbnail"] = "https://cdn.example.com/" + new string('p', 2048);
        body["sectionIds"] = new JsonArray([.. Enumerable.Range(0, 21).Select(i => (JsonNode)$"s{i}")]);
        body["primarySectionId"] = "s0";
        body["topicTags"] = new JsonArray([.. Enumerable.Range(0, 21).Select(i => (JsonNode)$"t{i}")]);
        body["genreIds"] = new JsonArray("g" + new string('x', 50));
        body["cast"] = new JsonArray([.. Enumerable.Range(0, 51).Select(i => (JsonNode)$"Actor {i}")]);

        var response = await admin.PostJsonAsync(Route, body);

        await response.AssertValidationProblemAsync("title", "descriptionEn", "director", "thumbnail", "sectionIds", "topicTags", "genreIds", "cast");
    }

    [Fact]
    public async Task A_taken_tmdbId_is_a_409_naming_it_on_create_and_on_patch()
    {
        var tmdbId = Random.Shared.Next(1_000_000, 2_000_000);
        var (admin, _) = await CreateAsync(ContentBodies.Valid(tmdbId));
        var (_, other) = await CreateAsync(ContentBodies.Valid());

        var duplicate = await admin.PostJsonAsync(Route, ContentBodies.Valid(tmdbId));
        var patched = await admin.SendAsync(Patch($"{Route}/{other}", $$"""{ "tmdbId": {{tmdbId}} }"""), Http.Ct);

        Assert.Equal("tmdbId", (await duplicate.AssertProblemAsync(HttpStatusCode.Conflict))["field"]!.GetValue<string>());
        Assert.Equal("tmdbId", (await patched.AssertProblemAsync(HttpStatusCode.Conflict))["field"]!.GetValue<string>());
        Assert.Equal(1, await Content.CountDocumentsAsync(new BsonDocument("tmdb_id", tmdbId), cancellationToken: Http.Ct));
        Assert.False((await StoredAsync(other)).Contains("tmdb_id"));
    }

    [Fact]
    public async Task Parallel_creates_with_one_tmdbId_store_exactly_one_item()
    {
        var admin = (await api.SignedInClientAsync(Roles.Admin)).Client;
        var tmdbId = Random.Shared.Next(2_000_000, 3_000_000);

        var responses = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => admin.PostJsonAsync(Route, ContentBodies.Valid(tmdbId))));

        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.Equal(11, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        Assert.Equal(1, await Content.CountDocumentsAsync(new BsonDocument("tmdb_id", tmdbId), cancellationToken: Http.Ct));
    }

    [Fact]
    public async Task Delete_removes_the_item_and_answers_204_then_404()
    {
        var (admin, id) = await CreateAsync();

        var deleted = await admin.DeleteAsync($"{Route}/{id}", Http.Ct);
        var again = await admin.DeleteAsync($"{Route}/{id}", Http.Ct);

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        await again.AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(0, await Content.CountDocumentsAsync(new BsonDocument("_id", ObjectId.Parse(id)), cancellationToken: Http.Ct));
        await (await admin.GetAsync($"{Route}/{id}", Http.Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("POST")]
    [InlineData("PUT")]
    [InlineData("PATCH")]
    [InlineData("DELETE")]
    public async Task Every_write_evicts_the_cached_catalog(string method)
    {
        var (admin, id) = await CreateAsync();
        var store = api.Services.GetRequiredService<IOutputCacheStore>();
        var key = $"test-{Guid.NewGuid():N}";
        await store.SetAsync(key, [1, 2, 3], [CatalogCache.Tag], TimeSpan.FromMinutes(5), Http.Ct);
        Assert.NotNull(await store.GetAsync(key, Http.Ct));

        var response = method switch
        {
            "POST" => await admin.PostJsonAsync(Route, ContentBodies.Valid()),
            "PUT" => await admin.PutJsonAsync($"{Route}/{id}", ContentBodies.Valid()),
            "PATCH" => await admin.SendAsync(Patch($"{Route}/{id}", """{ "isFeatured": false }"""), Http.Ct),
            _ => await admin.DeleteAsync($"{Route}/{id}", Http.Ct),
        };

        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(Http.Ct));
        Assert.Null(await store.GetAsync(key, Http.Ct));
    }

    [Fact]
    public async Task An_admin_change_shows_at_once_in_the_cached_public_catalog()
    {
        var (admin, id) = await CreateAsync();
        var anonymous = api.CreateClient();
        Assert.Equal("הסרט", (await anonymous.GetJsonAsync($"/api/content/{id}"))["title"]!.GetValue<string>());

        await admin.SendAsync(Patch($"{Route}/{id}", """{ "title": "שם חדש" }"""), Http.Ct);
        var renamed = (await anonymous.GetJsonAsync($"/api/content/{id}"))["title"]!.GetValue<string>();
        await admin.DeleteAsync($"{Route}/{id}", Http.Ct);
        var gone = await anonymous.GetAsync($"/api/content/{id}", Http.Ct);

        Assert.Equal("שם חדש", renamed);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    [Fact]
    public async Task A_rejected_write_leaves_the_cache_alone()
    {
        var admin = (await api.SignedInClientAsync(Roles.Admin)).Client;
        var store = api.Services.GetRequiredService<IOutputCacheStore>();
        var key = $"test-{Guid.NewGuid():N}";
        await store.SetAsync(key, [1], [CatalogCache.Tag], TimeSpan.FromMinutes(5), Http.Ct);

        await (await admin.PostJsonAsync(Route, new { title = "" })).AssertProblemAsync(HttpStatusCode.BadRequest);

        Assert.NotNull(await store.GetAsync(key, Http.Ct));
    }

    [Fact]
    public async Task A_body_that_is_not_a_json_object_is_a_400()
    {
        var admin = (await api.SignedInClientAsync(Roles.Admin)).Client;

        var array = await admin.PostAsync(Route, new StringContent("[1, 2]", Encoding.UTF8, "application/json"), Http.Ct);
        var malformed = await admin.PostAsync(Route, new StringContent("{\"title\": ", Encoding.UTF8, "application/json"), Http.Ct);
        var empty = await admin.PostAsync(Route, new StringContent("", Encoding.UTF8, "application/json"), Http.Ct);

        await array.AssertProblemAsync(HttpStatusCode.BadRequest);
        await malformed.AssertProblemAsync(HttpStatusCode.BadRequest);
        await empty.AssertProblemAsync(HttpStatusCode.BadRequest);
    }

    private static HttpRequestMessage Patch(string url, string json) =>
        new(HttpMethod.Patch, url) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
}

/// <summary>Request bodies for the content admin tests.</summary>
public static class ContentBodies
{
    public static JsonObject Valid(int? tmdbId = null)
    {
        var body = new JsonObject
        {
            ["title"] = "הסרט",
            ["titleEn"] = "The Movie",
            ["titleEs"] = "La Película",
            ["description"] = "תיאור",
            ["sectionIds"] = new JsonArray("movies", "judaism"),
            ["primarySectionId"] = "movies",
            ["contentFormat"] = "movie",
            ["audienceId"] = "general",
            ["genreIds"] = new JsonArray("drama"),
            ["topicTags"] = new JsonArray("jewish", "history"),
            ["streamUrl"] = "https://cdn.example.com/movie.m3u8",
            ["thumbnail"] = "https://cdn.example.com/thumb.jpg",
            ["duration"] = "1:45:00",
            ["year"] = 2020,
            ["rating"] = 7.5,
            ["cast"] = new JsonArray("Actor One"),
            ["director"] = "Director",
            ["isFeatured"] = true,
        };
        if (tmdbId is not null)
        {
            body["tmdbId"] = tmdbId;
        }

        return body;
    }
}
