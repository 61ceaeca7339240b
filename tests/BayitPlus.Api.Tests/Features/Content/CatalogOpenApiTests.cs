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
}
