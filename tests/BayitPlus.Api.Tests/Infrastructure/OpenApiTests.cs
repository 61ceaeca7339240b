using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using BayitPlus.Api.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;

namespace BayitPlus.Api.Tests.Infrastructure;

/// <summary>The API as <c>dotnet run</c> starts it (Development), on the test database.</summary>
public sealed class DevelopmentApiFactory : ApiFactory
{
    /// <summary>Without the test hosts' own origin, which would replace the first of appsettings.Development.json's.</summary>
    protected override IReadOnlyDictionary<string, string?> Settings =>
        base.Settings.Where(setting => !setting.Key.StartsWith("Cors:", StringComparison.Ordinal)).ToDictionary();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseEnvironment("Development");
    }
}

/// <summary>The classes that need a Development host share one, one class after another.</summary>
[CollectionDefinition]
public sealed class DevelopmentCollection : ICollectionFixture<DevelopmentApiFactory>;

public sealed class OpenApiTests(ApiFactory api)
{
    [Fact]
    public async Task The_document_describes_every_api_endpoint_with_its_body_and_error_responses()
    {
        var document = await api.CreateClient().GetFromJsonObjectAsync("/openapi/v1.json");
        var paths = document["paths"]!.AsObject();
        var endpoints = api.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/", StringComparison.Ordinal) == true)
            .ToList();

        Assert.Contains(endpoints, e => e.RoutePattern.RawText == "/api/auth/register");
        foreach (var endpoint in endpoints)
        {
            var path = OpenApiPath(endpoint.RoutePattern);
            foreach (var method in endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? [])
            {
                var name = $"{method} {path}";
                var operation = paths[path]?[method.ToLowerInvariant()]?.AsObject() ?? throw new Xunit.Sdk.XunitException($"{name} is not in the OpenAPI document");
                Assert.False(string.IsNullOrEmpty(operation["operationId"]?.GetValue<string>()), $"{name} has no operationId (WithName)");
                Assert.False(string.IsNullOrEmpty(operation["summary"]?.GetValue<string>()), $"{name} has no summary (WithSummary)");
                if (endpoint.Metadata.GetMetadata<IAcceptsMetadata>() is { } accepts)
                {
                    var content = operation["requestBody"]?["content"]?.AsObject() ?? throw new Xunit.Sdk.XunitException($"{name} has no request body");
                    Assert.NotEmpty(accepts.ContentTypes);
                    Assert.All(accepts.ContentTypes, type => Assert.NotNull(content[type]?["schema"]));
                }

                var statuses = operation["responses"]!.AsObject().Select(r => r.Key).ToList();
                Assert.Contains(statuses, s => s.StartsWith('2'));
                Assert.True(statuses.Any(s => s.StartsWith('4')), $"{name} declares no 4xx response");
            }
        }
    }

    [Fact]
    public async Task Every_operation_declares_whether_it_needs_a_token_as_its_endpoint_enforces()
    {
        var document = await api.CreateClient().GetFromJsonObjectAsync("/openapi/v1.json");
        var paths = document["paths"]!.AsObject();
        var endpoints = api.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/", StringComparison.Ordinal) == true)
            .ToList();

        var secured = 0;
        foreach (var endpoint in endpoints)
        {
            var needsToken = endpoint.Metadata.GetOrderedMetadata<Microsoft.AspNetCore.Authorization.IAuthorizeData>().Any()
                && endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.Authorization.IAllowAnonymous>() is null;
            foreach (var method in endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? [])
            {
                var name = $"{method} {OpenApiPath(endpoint.RoutePattern)}";
                var operation = paths[OpenApiPath(endpoint.RoutePattern)]![method.ToLowerInvariant()]!;
                var security = operation["security"]?.AsArray() ?? throw new Xunit.Sdk.XunitException($"{name} declares no security");
                if (needsToken)
                {
                    secured++;
                    Assert.True(security.Count == 1 && security[0]!.AsObject().ContainsKey("Bearer"), $"{name} needs a token but declares {security.ToJsonString()}");
                    Assert.Contains("Requires the bearer token", operation["description"]!.GetValue<string>(), StringComparison.Ordinal);
                }
                else
                {
                    Assert.True(security.Count == 0, $"{name} is anonymous but declares {security.ToJsonString()}");
                }
            }
        }

        Assert.True(secured >= 30, $"only {secured} secured operations");
        Assert.Contains("role admin", paths["/api/admin/users"]!["get"]!["description"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty(paths["/api/auth/login"]!["post"]!["security"]!.AsArray());
    }

    [Theory]
    [InlineData("UserResponse", "preferences")]
    [InlineData("ProfileResponse", "subtitlePreferences")]
    [InlineData("AuditEntryResponse", "changes")]
    [InlineData("SecurityEventResponse", "details")]
    public async Task A_free_form_object_is_a_map_of_json_values(string schema, string property)
    {
        var document = await api.CreateClient().GetFromJsonObjectAsync("/openapi/v1.json");

        var declared = document["components"]!["schemas"]![schema]!["properties"]![property]!;
        var reference = declared["$ref"] ?? declared["oneOf"]!.AsArray().Single(s => s!["$ref"] is not null)!["$ref"];
        var target = document["components"]!["schemas"]![reference!.GetValue<string>().Split('/')[^1]]!;
        Assert.Equal("object", target["type"]!.GetValue<string>());
        Assert.Equal(JsonValueKind.Object, target["additionalProperties"]!.GetValueKind());
    }

    [Fact]
    public async Task Every_tag_an_operation_uses_is_described_and_admin_tags_share_one_style()
    {
        var document = await api.CreateClient().GetFromJsonObjectAsync("/openapi/v1.json");

        var used = document["paths"]!.AsObject()
            .SelectMany(path => path.Value!.AsObject())
            .SelectMany(operation => operation.Value!["tags"]!.AsArray().Select(tag => tag!.GetValue<string>()))
            .ToHashSet();
        var described = document["tags"]!.AsArray().ToDictionary(tag => tag!["name"]!.GetValue<string>(), tag => tag!["description"]?.GetValue<string>());

        Assert.True(used.Count >= 10, $"only {used.Count} tags used");
        Assert.All(used, tag => Assert.False(string.IsNullOrWhiteSpace(described.GetValueOrDefault(tag)), $"tag {tag} has no description"));
        var adminPaths = document["paths"]!.AsObject().Where(path => path.Key.StartsWith("/api/admin/", StringComparison.Ordinal));
        Assert.All(adminPaths.SelectMany(path => path.Value!.AsObject()), operation =>
            Assert.StartsWith("Admin: ", operation.Value!["tags"]![0]!.GetValue<string>(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_documents_server_is_relative_whatever_host_the_request_names()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/openapi/v1.json");
        request.Headers.Host = "evil.example";

        var response = await api.CreateClient().SendAsync(request, Http.Ct);

        var document = await response.ReadJsonAsync();
        var server = Assert.Single(document["servers"]!.AsArray());
        Assert.Equal("/", server!["url"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_register_operation_documents_its_request_schema_and_problem_responses()
    {
        var document = await api.CreateClient().GetFromJsonObjectAsync("/openapi/v1.json");

        var register = document["paths"]!["/api/auth/register"]!["post"]!;
        Assert.Equal("RegisterUser", register["operationId"]!.GetValue<string>());
        var schema = Resolve(document, register["requestBody"]!["content"]!["application/json"]!["schema"]!);
        Assert.Equal(["email", "name", "password"], schema["properties"]!.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal));
        var responses = register["responses"]!.AsObject();
        Assert.Equal(["201", "400", "409", "429", "500", "503"], responses.Select(r => r.Key).Order(StringComparer.Ordinal));
        Assert.NotNull(responses["201"]!["headers"]!["Location"]);
        Assert.NotNull(responses["429"]!["headers"]!["Retry-After"]);
        Assert.NotNull(responses["503"]!["headers"]!["Retry-After"]);
        Assert.Equal("#/components/schemas/ProblemDetails", responses["429"]!["content"]!["application/problem+json"]!["schema"]!["$ref"]!.GetValue<string>());
        var problem = document["components"]!["schemas"]!["ProblemDetails"]!["properties"]!;
        Assert.Equal("string", problem["traceId"]!["type"]!.GetValue<string>());
        Assert.Equal("integer", problem["status"]!["type"]!.AsArray().Select(t => t!.GetValue<string>()).Single(t => t != "null"));
        Assert.NotNull(responses["409"]!["content"]!["application/problem+json"]);
        Assert.NotNull(document["components"]!["securitySchemes"]!["Bearer"]);
    }

    [Fact]
    public async Task The_api_reference_page_is_not_served_outside_development()
    {
        var response = await api.CreateClient().GetAsync("/scalar", Http.Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    /// <summary>A route as OpenAPI writes it: parameters by name, without constraints.</summary>
    private static string OpenApiPath(RoutePattern pattern) =>
        "/" + string.Join('/', pattern.PathSegments.Select(segment => string.Concat(segment.Parts.Select(part => part switch
        {
            RoutePatternLiteralPart literal => literal.Content,
            RoutePatternParameterPart parameter => $"{{{parameter.Name}}}",
            RoutePatternSeparatorPart separator => separator.Content,
            _ => throw new NotSupportedException(part.GetType().Name),
        }))));

    private static JsonNode Resolve(JsonObject document, JsonNode schema) =>
        schema["$ref"]?.GetValue<string>() is { } reference
            ? reference.TrimStart('#', '/').Split('/').Aggregate((JsonNode)document, (node, key) => node[key]!)
            : schema;
}

[Collection<DevelopmentCollection>]
public sealed class ApiReferenceTests(DevelopmentApiFactory api)
{
    [Fact]
    public async Task The_scalar_api_reference_page_answers_in_development()
    {
        var response = await api.CreateClient().GetAsync("/scalar", Http.Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("\"url\":\"openapi/v1.json\"", await response.Content.ReadAsStringAsync(Http.Ct), StringComparison.Ordinal);
    }
}

internal static class OpenApiDocumentExtensions
{
    public static async Task<JsonObject> GetFromJsonObjectAsync(this HttpClient client, string url)
    {
        var response = await client.GetAsync(url, Http.Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.ReadJsonAsync();
    }
}
