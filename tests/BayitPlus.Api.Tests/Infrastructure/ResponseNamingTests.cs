using System.Text.Json.Nodes;
using BayitPlus.Api.Tests.Support;

namespace BayitPlus.Api.Tests.Infrastructure;

/// <summary>Responses are top-level <c>&lt;Thing&gt;Response</c> records, so the OpenAPI schemas
/// clients generate their types from carry those names (not <c>&lt;UseCase&gt;Response</c>).</summary>
public sealed class ResponseNamingTests(ApiFactory api)
{
    [Theory]
    [InlineData("/api/taxonomy", "get", "TaxonomyResponse")]
    [InlineData("/api/content/{id}/play", "post", "PlaybackResponse")]
    [InlineData("/api/content/home", "get", "HomeResponse")]
    [InlineData("/api/search", "get", "SearchResultsResponse")]
    [InlineData("/api/admin/content/stats", "get", "ContentStatsResponse")]
    [InlineData("/api/content/{id}", "get", "ContentResponse")]
    [InlineData("/api/content", "get", "PageOfContentResponse")]
    [InlineData("/api/admin/audit", "get", "PageOfAuditEntryResponse")]
    [InlineData("/api/admin/security-events", "get", "PageOfSecurityEventResponse")]
    [InlineData("/api/admin/security-events/summary", "get", "SecurityEventSummaryResponse")]
    public async Task The_success_response_is_a_named_response_schema(string path, string method, string schema)
    {
        var document = await (await api.CreateClient().GetAsync("/openapi/v1.json", Http.Ct)).ReadAsync<JsonObject>();

        var success = document["paths"]![path]![method]!["responses"]!["200"]!["content"]!["application/json"]!["schema"]!;

        Assert.Equal($"#/components/schemas/{schema}", success["$ref"]?.GetValue<string>());
        Assert.NotNull(document["components"]!["schemas"]![schema]);
    }

    [Fact]
    public async Task Every_success_body_of_every_operation_is_a_response_schema()
    {
        var document = await (await api.CreateClient().GetAsync("/openapi/v1.json", Http.Ct)).ReadAsync<JsonObject>();

        var bodies = (
            from path in document["paths"]!.AsObject()
            from operation in path.Value!.AsObject()
            from response in operation.Value!["responses"]!.AsObject()
            where response.Key.StartsWith('2') && response.Value!["content"]?["application/json"] is not null
            select (Name: $"{operation.Key} {path.Key}", Ref: response.Value!["content"]!["application/json"]!["schema"]!["$ref"]?.GetValue<string>())).ToList();

        Assert.True(bodies.Count >= 40, $"only {bodies.Count} success bodies found");
        Assert.All(bodies, body => Assert.True(body.Ref?.EndsWith("Response", StringComparison.Ordinal) == true, $"{body.Name} answers {body.Ref ?? "an inline schema"}"));
    }
}
