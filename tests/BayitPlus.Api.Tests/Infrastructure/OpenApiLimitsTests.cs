using System.Text.Json.Nodes;
using BayitPlus.Api.Features.Content;
using BayitPlus.Api.Features.Users;
using BayitPlus.Api.Infrastructure;
using BayitPlus.Api.Infrastructure.Auth;
using BayitPlus.Api.Infrastructure.Http;
using BayitPlus.Api.Tests.Support;

namespace BayitPlus.Api.Tests.Infrastructure;

/// <summary>The document's request limits are the validators' own: lengths, ranges, allowed values
/// and real types of bodies and parameters, and none left unbounded.</summary>
public sealed class OpenApiLimitsTests(ApiFactory api)
{
    [Fact]
    public async Task The_register_body_shows_the_password_email_and_name_rules()
    {
        var document = await DocumentAsync();

        var body = Body(document, "/api/auth/register", "post");
        var properties = body["properties"]!;

        Assert.Equal((PasswordRules.MinLength, PasswordRules.MaxBytes), (Int(properties["password"]!, "minLength"), Int(properties["password"]!, "maxLength")));
        Assert.Equal(("email", 254), (properties["email"]!["format"]!.GetValue<string>(), Int(properties["email"]!, "maxLength")));
        Assert.Equal(100, Int(properties["name"]!, "maxLength"));
        Assert.Equal(["email", "name", "password"], body["required"]!.AsArray().Select(r => r!.GetValue<string>()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Bodies_bound_to_a_request_record_take_the_rules_of_the_command_they_become()
    {
        var document = await DocumentAsync();

        var role = Body(document, "/api/admin/users/{id}", "patch")["properties"]!["role"]!;
        var profile = Body(document, "/api/users/me/profile", "put")["properties"]!;
        var device = Resolve(document, Body(document, "/api/auth/login", "post")["properties"]!["device"]!)["properties"]!;
        var click = Body(document, "/api/search/{searchId}/click", "post")["properties"]!["contentId"]!;

        Assert.Equal(Roles.All, Enum(role));
        Assert.Contains(role["enum"]!.AsArray(), value => value is null);
        Assert.Equal(["he", "en", "es"], Enum(profile["languagePreference"]!));
        Assert.Equal(("uri", UpdateProfile.MaxAvatarUrlLength), (profile["avatarUrl"]!["format"]!.GetValue<string>(), Int(profile["avatarUrl"]!, "maxLength")));
        Assert.Equal(DeviceInputValidator.DeviceTypes, Enum(device["deviceType"]!));
        Assert.Equal(DeviceInputValidator.MaxDeviceIdLength, Int(device["deviceId"]!, "maxLength"));
        Assert.Equal((24, "^[0-9a-fA-F]{24}$"), (Int(click, "maxLength"), click["pattern"]!.GetValue<string>()));
    }

    [Fact]
    public async Task The_admin_users_list_documents_role_as_its_enum_and_isActive_as_a_boolean()
    {
        var parameters = Parameters(await DocumentAsync(), "/api/admin/users");

        Assert.Equal(Roles.All, Enum(parameters["role"]!["schema"]!));
        Assert.Equal("boolean", parameters["isActive"]!["schema"]!["type"]!.GetValue<string>());
        Assert.Equal(254, Int(parameters["email"]!["schema"]!, "maxLength"));
    }

    [Fact]
    public async Task Browse_documents_years_as_integers_in_range_featured_as_a_boolean_and_sort_as_its_enum()
    {
        var parameters = Parameters(await DocumentAsync(), "/api/content");

        foreach (var name in new[] { "yearFrom", "yearTo" })
        {
            var year = parameters[name]!["schema"]!;
            Assert.Equal(("integer", "int32", BrowseContent.MinYear, BrowseContent.MaxYear), (year["type"]!.GetValue<string>(), year["format"]!.GetValue<string>(), Int(year, "minimum"), Int(year, "maximum")));
        }

        Assert.Equal("boolean", parameters["featured"]!["schema"]!["type"]!.GetValue<string>());
        Assert.Equal(["newest", "popular", "year", "rating"], Enum(parameters["sort"]!["schema"]!));
        Assert.Equal(Taxonomy.Formats, Enum(parameters["format"]!["schema"]!["items"]!));
        Assert.Equal(BrowseContent.MaxValuesPerAxis, Int(parameters["genre"]!["schema"]!, "maxItems"));
        var limit = parameters["limit"]!["schema"]!;
        Assert.Equal((1, Paging.MaxLimit, Paging.DefaultLimit), (Int(limit, "minimum"), Int(limit, "maximum"), Int(limit, "default")));
        Assert.False(string.IsNullOrEmpty(parameters["yearFrom"]!["description"]?.GetValue<string>()));
    }

    [Fact]
    public async Task Search_binds_and_documents_its_parameters_as_browse_does()
    {
        var parameters = Parameters(await DocumentAsync(), "/api/search");

        var limit = parameters["limit"]!["schema"]!;
        Assert.Equal(("integer", 1, SearchContent.MaxLimit, SearchContent.DefaultLimit), (limit["type"]!.GetValue<string>(), Int(limit, "minimum"), Int(limit, "maximum"), Int(limit, "default")));
        Assert.True(parameters["q"]!["required"]!.GetValue<bool>());
        Assert.Equal(SearchContent.MaxQueryLength, Int(parameters["q"]!["schema"]!, "maxLength"));
        Assert.Equal(BrowseContent.MinYear, Int(parameters["yearFrom"]!["schema"]!, "minimum"));
        Assert.Equal(Taxonomy.Audiences, Enum(parameters["audience"]!["schema"]!["items"]!));
    }

    [Fact]
    public async Task Security_events_take_from_and_to_as_date_times_like_the_audit_trail()
    {
        var document = await DocumentAsync();

        foreach (var route in new[] { "/api/admin/audit", "/api/admin/security-events", "/api/admin/security-events/summary" })
        {
            var parameters = Parameters(document, route);
            Assert.All(new[] { "from", "to" }, name =>
                Assert.Equal(("date-time", TimeRange.MaxLength), (parameters[name]!["schema"]!["format"]!.GetValue<string>(), Int(parameters[name]!["schema"]!, "maxLength"))));
        }

        Assert.Equal(["low", "medium", "high", "critical"], Enum(Parameters(document, "/api/admin/security-events")["severity"]!["schema"]!));
    }

    [Theory]
    [InlineData("/api/content")]
    [InlineData("/api/content/home")]
    [InlineData("/api/content/{id}")]
    [InlineData("/api/search")]
    [InlineData("/api/admin/content/stats")]
    public async Task Localized_endpoints_document_lang(string route)
    {
        var lang = Parameters(await DocumentAsync(), route)["lang"]!;

        Assert.Equal("query", lang["in"]!.GetValue<string>());
        Assert.Equal(RequestLanguage.Supported, Enum(lang["schema"]!));
    }

    [Fact]
    public async Task Every_request_string_integer_and_array_is_bounded()
    {
        var document = await DocumentAsync();
        var problems = new List<string>();

        foreach (var (route, operations) in document["paths"]!.AsObject())
        {
            foreach (var (method, operation) in operations!.AsObject())
            {
                foreach (var parameter in operation!["parameters"]?.AsArray() ?? [])
                {
                    Check(document, parameter!["schema"]!, $"{method} {route} ?{parameter["name"]}", problems, []);
                }

                foreach (var (_, content) in operation["requestBody"]?["content"]?.AsObject() ?? [])
                {
                    Check(document, content!["schema"]!, $"{method} {route} body", problems, []);
                }
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    /// <summary>Records every string without maxLength or enum, integer without format and both
    /// bounds, and array without maxItems in <paramref name="schema"/> and what it contains.</summary>
    private static void Check(JsonObject document, JsonNode schema, string where, List<string> problems, HashSet<string> seen)
    {
        if (schema["$ref"]?.GetValue<string>() is { } reference)
        {
            if (seen.Add(reference))
            {
                Check(document, Resolve(document, schema), $"{where} ({reference.Split('/')[^1]})", problems, seen);
            }

            return;
        }

        var types = schema["type"] switch
        {
            JsonArray list => list.Select(t => t!.GetValue<string>()).ToList(),
            JsonValue single => [single.GetValue<string>()],
            _ => new List<string>(),
        };
        if (types.Contains("string") && schema["maxLength"] is null && schema["enum"] is null && schema["const"] is null)
        {
            problems.Add($"{where}: a string without maxLength or enum");
        }

        if (types.Contains("integer") && (schema["format"] is null
            || (schema["minimum"] ?? schema["exclusiveMinimum"]) is null || (schema["maximum"] ?? schema["exclusiveMaximum"]) is null))
        {
            problems.Add($"{where}: an integer without format, minimum and maximum");
        }

        if (types.Contains("array") && schema["maxItems"] is null)
        {
            problems.Add($"{where}: an array without maxItems");
        }

        foreach (var (name, property) in schema["properties"]?.AsObject() ?? [])
        {
            Check(document, property!, $"{where}.{name}", problems, seen);
        }

        foreach (var key in new[] { "items", "additionalProperties" })
        {
            if (schema[key] is JsonObject nested)
            {
                Check(document, nested, $"{where}[{key}]", problems, seen);
            }
        }

        foreach (var key in new[] { "oneOf", "anyOf", "allOf" })
        {
            foreach (var option in schema[key]?.AsArray() ?? [])
            {
                Check(document, option!, where, problems, seen);
            }
        }
    }

    private async Task<JsonObject> DocumentAsync() => await api.CreateClient().GetFromJsonObjectAsync("/openapi/v1.json");

    private static JsonObject Body(JsonObject document, string route, string method) =>
        Resolve(document, document["paths"]![route]![method]!["requestBody"]!["content"]!["application/json"]!["schema"]!);

    private static JsonObject Resolve(JsonObject document, JsonNode schema) =>
        schema["$ref"]?.GetValue<string>() is { } reference
            ? document["components"]!["schemas"]![reference.Split('/')[^1]]!.AsObject()
            : schema.AsObject();

    private static Dictionary<string, JsonNode> Parameters(JsonObject document, string route) =>
        document["paths"]![route]!["get"]!["parameters"]!.AsArray().ToDictionary(p => p!["name"]!.GetValue<string>(), p => p!);

    private static int Int(JsonNode schema, string keyword) => schema[keyword]!.GetValue<int>();

    /// <summary>The string values of a schema's enum (an optional field's null left out).</summary>
    private static List<string> Enum(JsonNode schema) => [.. schema["enum"]!.AsArray().OfType<JsonNode>().Select(v => v.GetValue<string>())];
}
