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
        var endpoints = DescribedApiEndpoints();

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
        var endpoints = DescribedApiEndpoints();

        var secured = 0;
        foreach (var endpoint in endpoints)
        {
            var authorize = endpoint.Metadata.GetOrderedMetadata<Microsoft.AspNetCore.Authorization.IAuthorizeData>();
            var needsToken = authorize.Any() && endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.Authorization.IAllowAnonymous>() is null;
            var scheme = authorize.Any(a => a.Policy == "admin") ? "AdminBearer" : "Bearer";
            foreach (var method in endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? [])
            {
                var name = $"{method} {OpenApiPath(endpoint.RoutePattern)}";
                var operation = paths[OpenApiPath(endpoint.RoutePattern)]![method.ToLowerInvariant()]!;
                var security = operation["security"]?.AsArray() ?? throw new Xunit.Sdk.XunitException($"{name} declares no security");
                if (endpoint.Metadata.GetMetadata<BayitPlus.Api.Infrastructure.Http.ApiKeyOrAdmin>() is { } key)
                {
                    secured++;
                    var alternatives = security.Select(r => string.Join(",", r!.AsObject().Select(s => s.Key)));
                    Assert.True(alternatives.SequenceEqual([key.SchemeName, key.AdminSchemeName]), $"{name} takes a key or an admin token but declares {security.ToJsonString()}");
                    Assert.Contains($"Requires an API key in the {key.Header} header, or the bearer token", operation["description"]!.GetValue<string>(), StringComparison.Ordinal);
                }
                else if (needsToken)
                {
                    secured++;
                    Assert.True(security.Count == 1 && security[0]!.AsObject().Select(s => s.Key).SequenceEqual([scheme]), $"{name} needs {scheme} but declares {security.ToJsonString()}");
                    Assert.Contains("Requires the bearer token", operation["description"]!.GetValue<string>(), StringComparison.Ordinal);
                }
                else
                {
                    Assert.True(security.Count == 0, $"{name} is anonymous but declares {security.ToJsonString()}");
                }
            }
        }

        Assert.True(secured >= 30, $"only {secured} secured operations");
        Assert.Equal("""[{"AdminBearer":[]}]""", paths["/api/admin/users"]!["get"]!["security"]!.ToJsonString());
        Assert.Equal("""[{"Bearer":[]}]""", paths["/api/users/me"]!["get"]!["security"]!.ToJsonString());
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
    public async Task Every_response_documents_the_cors_header_and_every_2xx_and_4xx_the_rate_limit_headers()
    {
        var document = await api.CreateClient().GetFromJsonObjectAsync("/openapi/v1.json");

        var responses = document["paths"]!.AsObject()
            .SelectMany(path => path.Value!.AsObject().Select(operation => (Name: $"{operation.Key} {path.Key}", Operation: operation.Value!)))
            .SelectMany(operation => operation.Operation["responses"]!.AsObject().Select(response => (Name: $"{operation.Name} {response.Key}", Status: response.Key, Headers: response.Value!["headers"]?.AsObject())))
            .ToList();
        Assert.True(responses.Count > 200, $"only {responses.Count} responses");
        foreach (var (name, status, headers) in responses)
        {
            Assert.True(headers is not null, $"{name} documents no headers");
            Assert.Equal("#/components/headers/Access-Control-Allow-Origin", headers["Access-Control-Allow-Origin"]?["$ref"]?.GetValue<string>());
            var rateLimit = new[] { "RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset", "RateLimit-Policy" };
            if (status[0] is '2' or '4')
            {
                Assert.All(rateLimit, header => Assert.Equal($"#/components/headers/{header}", headers[header]?["$ref"]?.GetValue<string>()));
            }
            else
            {
                Assert.All(rateLimit, header => Assert.False(headers.ContainsKey(header), $"{name} documents {header}"));
            }
        }

        var components = document["components"]!["headers"]!;
        foreach (var (header, minimum) in new[] { ("RateLimit-Limit", 1), ("RateLimit-Remaining", 0), ("RateLimit-Reset", 1), ("Retry-After", 1) })
        {
            var schema = components[header]!["schema"]!;
            Assert.Equal("integer", schema["type"]!.GetValue<string>());
            Assert.Equal("int32", schema["format"]!.GetValue<string>());
            Assert.Equal(minimum, schema["minimum"]!.GetValue<int>());
            Assert.True(schema["maximum"]!.GetValue<long>() is > 1 and <= int.MaxValue, $"{header} has maximum {schema["maximum"]}");
        }

        // The longest window is the register policy's hour.
        Assert.Equal(3600, components["RateLimit-Reset"]!["schema"]!["maximum"]!.GetValue<int>());
        Assert.Equal("#/components/headers/Retry-After", document["paths"]!["/api/auth/login"]!["post"]!["responses"]!["429"]!["headers"]!["Retry-After"]!["$ref"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_bearer_schemes_say_what_the_server_checks_of_a_token_and_the_server_is_public()
    {
        var document = await api.CreateClient().GetFromJsonObjectAsync("/openapi/v1.json");

        var all = document["components"]!["securitySchemes"]!.AsObject();
        var schemes = all.Where(s => s.Value!["type"]!.GetValue<string>() == "http").ToList();
        Assert.Equal(["AdminBearer", "Bearer", "TranscriptIngestKeyAdmin"], schemes.Select(s => s.Key).Order(StringComparer.Ordinal));
        Assert.All(all.Except(schemes), scheme => Assert.Equal("apiKey", scheme.Value!["type"]!.GetValue<string>()));
        Assert.All(schemes, scheme =>
        {
            Assert.Equal("bearer", scheme.Value!["scheme"]!.GetValue<string>());
            Assert.Equal("JWT", scheme.Value!["bearerFormat"]!.GetValue<string>());
            var description = scheme.Value!["description"]!.GetValue<string>();
            Assert.All(["RFC8725", "HS256", "issuer (iss)", "audience (aud)", "exp is required"], fact => Assert.Contains(fact, description, StringComparison.Ordinal));
        });
        Assert.Contains("role is admin", all["AdminBearer"]!["description"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.False(document["servers"]![0]!["x-internal"]!.GetValue<bool>());
    }

    [Fact]
    public async Task The_api_reference_page_is_not_served_outside_development()
    {
        var response = await api.CreateClient().GetAsync("/scalar", Http.Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    /// <summary>A route as OpenAPI writes it: parameters by name, without constraints.</summary>
    [Fact]
    public async Task Fixed_sets_are_enums_problems_require_a_trace_id_tags_are_sorted_and_every_integer_is_bounded()
    {
        var document = await api.CreateClient().GetFromJsonObjectAsync("/openapi/v1.json");
        var schemas = document["components"]!["schemas"]!;

        Assert.Equal(["user", "beta", "admin"], schemas["UserResponse"]!["properties"]!["role"]!["enum"]!.AsArray().Select(v => v!.GetValue<string>()));
        Assert.Equal(["low", "medium", "high", "critical"], schemas["SecurityEventResponse"]!["properties"]!["severity"]!["enum"]!.AsArray().Select(v => v!.GetValue<string>()));
        Assert.Contains("traceId", schemas["ProblemDetails"]!["required"]!.AsArray().Select(v => v!.GetValue<string>()));
        Assert.Contains("traceId", schemas["HttpValidationProblemDetails"]!["required"]!.AsArray().Select(v => v!.GetValue<string>()));

        var tags = document["tags"]!.AsArray().Select(t => t!["name"]!.GetValue<string>()).ToList();
        Assert.Equal(tags.Order(StringComparer.OrdinalIgnoreCase), tags);

        var viewCount = schemas["ContentResponse"]!["properties"]!["viewCount"]!;
        Assert.Equal("int64", viewCount["format"]!.GetValue<string>());
        Assert.Equal(long.MinValue, viewCount["minimum"]!.GetValue<long>());
        Assert.Equal(long.MaxValue, viewCount["maximum"]!.GetValue<long>());
        var unbounded = Integers(document).Where(schema => schema["minimum"] is null && schema["exclusiveMinimum"] is null
            || schema["maximum"] is null && schema["exclusiveMaximum"] is null).ToList();
        Assert.Empty(unbounded);
    }

    /// <summary>Every integer schema in the document, wherever it is.</summary>
    private static IEnumerable<JsonObject> Integers(JsonNode? node) => node switch
    {
        JsonObject schema when schema["type"] is JsonValue type && type.GetValue<string>() == "integer"
            || schema["type"] is JsonArray types && types.Any(t => t!.GetValue<string>() == "integer") =>
            schema.SelectMany(property => Integers(property.Value)).Prepend(schema),
        JsonObject other => other.SelectMany(property => Integers(property.Value)),
        JsonArray items => items.SelectMany(Integers),
        _ => [],
    };

    /// <summary>Every <c>/api</c> endpoint but the WebSocket ones (<c>AsWebSocketEndpoint</c>, the
    /// chat's, documented in the README), which OpenAPI cannot describe. Any other endpoint left
    /// out of the document fails the tests.</summary>
    private List<RouteEndpoint> DescribedApiEndpoints() => [.. api.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
        .Where(e => e.RoutePattern.RawText?.StartsWith("/api/", StringComparison.Ordinal) == true
            && e.Metadata.GetMetadata<BayitPlus.Api.Infrastructure.Http.WebSocketEndpointMetadata>() is null)];

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
