using BayitPlus.Api.Tests.Features.Content;
using BayitPlus.Api.Tests.Support;

namespace BayitPlus.Api.Tests.Features.AiSearch;

public sealed class AiSearchOpenApiTests(ApiFactory api)
{
    [Theory]
    [InlineData("/api/ai-search", "get", "SearchAi", "200", "400", "401", "402", "403", "422")]
    [InlineData("/api/content/{id}/similar", "get", "FindSimilarContent", "200", "400", "404")]
    public Task The_openapi_document_describes_each_endpoint_and_its_errors(string path, string method, string operationId, params string[] statuses)
        => api.AssertOperationAsync(path, method, operationId, statuses);

    [Fact]
    public async Task The_search_documents_its_parameters_and_limits()
    {
        var document = await api.CreateClient().GetJsonAsync("/openapi/v1.json");
        var search = document["paths"]!["/api/ai-search"]!["get"]!;
        var parameters = search["parameters"]!.AsArray().ToDictionary(p => p!["name"]!.GetValue<string>(), p => p!.AsObject());

        Assert.True(parameters["q"]["required"]!.GetValue<bool>());
        Assert.Equal(200, parameters["q"]["schema"]!["maxLength"]!.GetValue<int>());
        Assert.Equal(50, parameters["limit"]["schema"]!["maximum"]!.GetValue<int>());
        Assert.DoesNotContain(parameters.Values, p => p["in"]!.GetValue<string>() == "header");
        Assert.Contains("movie", parameters["format"]["schema"]!["items"]!["enum"]!.AsArray().Select(v => v!.GetValue<string>()));
        Assert.Contains("AI search", search["tags"]!.AsArray().Select(t => t!.GetValue<string>()));
        Assert.NotEmpty(search["security"]!.AsArray());
        Assert.Contains("AI search", document["tags"]!.AsArray().Select(t => t!["name"]!.GetValue<string>()));
        var similar = document["paths"]!["/api/content/{id}/similar"]!["get"]!;
        Assert.Equal(50, similar["parameters"]!.AsArray().Single(p => p!["name"]!.GetValue<string>() == "limit")!["schema"]!["maximum"]!.GetValue<int>());
        // Anonymous: no security requirement.
        Assert.Empty(similar["security"]?.AsArray() ?? []);
    }
}
