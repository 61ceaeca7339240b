using System.Text.Json.Nodes;
using BayitPlus.Api.Tests.Support;

namespace BayitPlus.Api.Tests.Features.Content;

public sealed class CatalogOpenApiTests(ApiFactory api)
{
    [Theory]
    [InlineData("/api/content", "get", "BrowseContent", "200", "400")]
    [InlineData("/api/content/{id}", "get", "GetContent", "200", "404")]
    [InlineData("/api/content/home", "get", "GetContentHome", "200")]
    [InlineData("/api/content/{id}/play", "post", "PlayContent", "200", "401", "404", "409")]
    [InlineData("/api/taxonomy", "get", "GetTaxonomy", "200")]
    [InlineData("/api/admin/content/stats", "get", "GetContentStats", "200", "400", "401", "403")]
    public Task The_openapi_document_describes_each_catalog_endpoint_and_its_errors(string path, string method, string operationId, params string[] statuses)
        => api.AssertOperationAsync(path, method, operationId, statuses);

    [Fact]
    public async Task Browse_parameters_are_documented_by_their_query_names()
    {
        var document = await (await api.CreateClient().GetAsync("/openapi/v1.json", Http.Ct)).ReadJsonAsync();

        var names = document["paths"]!["/api/content"]!["get"]!["parameters"]!.AsArray().Select(p => p!["name"]!.GetValue<string>());

        Assert.Equal(["section", "format", "audience", "genre", "topic", "yearFrom", "yearTo", "featured", "sort", "cursor", "limit", "lang"], names);
    }

    /// <summary>The handlers read these bodies as JSON objects (to tell a field left out from one
    /// sent as null), yet the document must show the fields: a generated client type-checks a body.</summary>
    [Theory]
    [InlineData("/api/admin/content", "ContentFields", "ContentPatch", "title,sectionIds,primarySectionId,contentFormat,audienceId,streamUrl")]
    [InlineData("/api/admin/live/channels", "LiveChannelFields", "LiveChannelPatch", "channelName,channelNumber,streamUrl")]
    [InlineData("/api/admin/podcasts", "PodcastFields", "PodcastPatch", "title,rssFeedUrl")]
    [InlineData("/api/admin/radio/stations", "RadioStationFields", "RadioStationPatch", "stationName,streamUrl")]
    public async Task Admin_writes_take_the_fields_schema_and_a_patch_takes_an_all_optional_copy(string prefix, string fields, string patch, string required)
    {
        var document = await Document();
        var paths = document["paths"]!;
        var schemas = document["components"]!["schemas"]!;

        Assert.Equal($"#/components/schemas/{fields}", BodyRef(paths[prefix]!["post"]!));
        Assert.Equal($"#/components/schemas/{fields}", BodyRef(paths[$"{prefix}/{{id}}"]!["put"]!));
        Assert.Equal($"#/components/schemas/{patch}", BodyRef(paths[$"{prefix}/{{id}}"]!["patch"]!));
        var whole = schemas[fields]!;
        var partial = schemas[patch]!;
        var properties = PropertyNames(whole);
        Assert.Equal("object", whole["type"]!.GetValue<string>());
        Assert.False(whole["additionalProperties"]!.GetValue<bool>());
        var marked = whole["required"]!.AsArray().Select(r => r!.GetValue<string>()).ToHashSet();
        // Exactly what the validator requires: sectionIds through its at-least-one rule on a list
        // that reads as empty when left out.
        Assert.Equal(required.Split(',').ToHashSet(), marked);
        // What the validator requires it also refuses as null: a client reads title as a string.
        Assert.All(marked, name => Assert.DoesNotContain("null", Types(whole["properties"]![name]!)));
        Assert.DoesNotContain("id", properties);
        Assert.DoesNotContain("createdAt", properties);
        Assert.DoesNotContain("updatedAt", properties);
        Assert.Equal(properties, PropertyNames(partial));
        Assert.Null(partial["required"]);
        Assert.False(partial["additionalProperties"]!.GetValue<bool>());
    }

    [Theory]
    [InlineData("ContentResponse")]
    [InlineData("ContentAdminResponse")]
    public async Task Content_answers_its_duration_text_and_its_seconds(string schema)
    {
        var properties = (await Document())["components"]!["schemas"]![schema]!["properties"]!;

        Assert.Equal(["null", "string"], Types(properties["duration"]!));
        Assert.Equal(["integer", "null"], Types(properties["durationSeconds"]!));
    }

    [Theory]
    [InlineData("PodcastEpisodeResponse")]
    [InlineData("PodcastEpisodeDetailResponse")]
    public async Task Episodes_answer_their_duration_in_seconds_only(string schema)
    {
        var properties = (await Document())["components"]!["schemas"]![schema]!["properties"]!.AsObject();

        Assert.Equal(["integer", "null"], Types(properties["durationSeconds"]!));
        Assert.False(properties.ContainsKey("duration"));
    }

    [Theory]
    [InlineData("/api/live/channels", "ItemsResponseOfLiveChannelResponse")]
    [InlineData("/api/radio/stations", "ItemsResponseOfRadioStationResponse")]
    public async Task The_lineups_are_whole_lists_with_no_cursor(string path, string schema)
    {
        var document = await Document();
        var operation = document["paths"]![path]!["get"]!;

        Assert.Equal($"#/components/schemas/{schema}", operation["responses"]!["200"]!["content"]!["application/json"]!["schema"]!["$ref"]!.GetValue<string>());
        Assert.Equal(["items"], PropertyNames(document["components"]!["schemas"]![schema]!));
        Assert.DoesNotContain(operation["parameters"]!.AsArray(), p => p!["name"]!.GetValue<string>() is "cursor" or "limit");
        Assert.Contains("whole list", operation["description"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Search_answers_a_page_and_takes_its_cursor()
    {
        var document = await Document();

        var parameters = document["paths"]!["/api/search"]!["get"]!["parameters"]!.AsArray();
        var response = document["components"]!["schemas"]!["SearchResultsResponse"]!;

        Assert.Contains(parameters, p => p!["name"]!.GetValue<string>() == "cursor" && p["in"]!.GetValue<string>() == "query");
        Assert.Equal(["items", "nextCursor", "searchId"], PropertyNames(response));
        Assert.Equal(["null", "string"], Types(response["properties"]!["nextCursor"]!));
    }

    /// <summary>Spectral's operation-description rule: each says what it returns, its language,
    /// caching and error rules.</summary>
    [Theory]
    [InlineData("/api/content/home", "get")]
    [InlineData("/api/content/{id}", "get")]
    [InlineData("/api/live/channels", "get")]
    [InlineData("/api/live/channels/{id}", "get")]
    [InlineData("/api/podcasts", "get")]
    [InlineData("/api/podcasts/{id}", "get")]
    [InlineData("/api/podcasts/{id}/episodes", "get")]
    [InlineData("/api/podcasts/{id}/episodes/{episodeId}", "get")]
    [InlineData("/api/radio/stations", "get")]
    [InlineData("/api/radio/stations/{id}", "get")]
    [InlineData("/api/search", "get")]
    [InlineData("/api/search/{searchId}/click", "post")]
    [InlineData("/api/taxonomy", "get")]
    public async Task Public_catalog_operations_have_a_description(string path, string method)
    {
        var description = (await Document())["paths"]![path]![method]!["description"]?.GetValue<string>() ?? "";

        Assert.True(description.Length > 100, $"{method} {path}: \"{description}\"");
    }

    private async Task<JsonObject> Document() =>
        await (await api.CreateClient().GetAsync("/openapi/v1.json", Http.Ct)).ReadJsonAsync();

    private static string BodyRef(JsonNode operation) =>
        operation["requestBody"]!["content"]!["application/json"]!["schema"]!["$ref"]!.GetValue<string>();

    private static List<string> PropertyNames(JsonNode schema) => [.. schema["properties"]!.AsObject().Select(p => p.Key)];

    private static List<string> Types(JsonNode property) =>
        property["type"] is JsonArray types ? [.. types.Select(t => t!.GetValue<string>()).Order(StringComparer.Ordinal)] : [property["type"]!.GetValue<string>()];
}
