using System.Text.Json.Nodes;

namespace BayitPlus.Fuzz;

/// <summary>A parameter an operation declares: its name, where it goes (path, query, header) and its schema type.</summary>
public sealed record Parameter(string Name, string In, string? Type);

/// <summary>One operation of the OpenAPI document, with the JSON body schema it reads (resolved one
/// level, with the properties' own schemas) and the 502/503 it documents (an unreachable feed, an
/// unconfigured Firebase, a busy or down database), which are not findings. A documented 500 is
/// still one: every operation may list it, none may answer it.</summary>
public sealed record Operation(string Method, string Path, IReadOnlyList<Parameter> Parameters, JsonObject? Body, IReadOnlySet<int> Documented5xx)
{
    private const int StatusBadGateway = 502;
    private const int StatusServiceUnavailable = 503;

    public string Label => $"{Method} {Path}";

    public static IReadOnlyList<Operation> Read(JsonObject document)
    {
        var schemas = document["components"]?["schemas"]?.AsObject();
        var operations = new List<Operation>();
        foreach (var (path, item) in document["paths"]!.AsObject())
        {
            foreach (var (method, value) in item!.AsObject())
            {
                if (value is not JsonObject operation || method is "parameters" or "summary" or "description" or "servers")
                {
                    continue;
                }

                var parameters = (operation["parameters"]?.AsArray() ?? [])
                    .OfType<JsonObject>()
                    .Select(p => new Parameter(p["name"]!.GetValue<string>(), p["in"]!.GetValue<string>(), TypeOf(Resolve(p["schema"], schemas))))
                    .ToList();
                var body = Resolve(operation["requestBody"]?["content"]?["application/json"]?["schema"], schemas);
                var documented = (operation["responses"]?.AsObject() ?? [])
                    .Select(r => int.TryParse(r.Key, out var status) ? status : 0)
                    .Where(status => status is StatusBadGateway or StatusServiceUnavailable)
                    .ToHashSet();
                operations.Add(new Operation(method.ToUpperInvariant(), path, parameters, body, documented));
            }
        }

        return operations;
    }

    /// <summary>The schema behind a <c>$ref</c>, with each property's <c>$ref</c> resolved too.</summary>
    private static JsonObject? Resolve(JsonNode? schema, JsonObject? schemas)
    {
        var resolved = Dereference(schema, schemas);
        if (resolved?["properties"] is JsonObject properties)
        {
            var copy = resolved.DeepClone().AsObject();
            var resolvedProperties = new JsonObject();
            foreach (var (name, property) in properties)
            {
                resolvedProperties[name] = Dereference(property, schemas)?.DeepClone() ?? new JsonObject();
            }

            copy["properties"] = resolvedProperties;
            return copy;
        }

        return resolved;
    }

    private static JsonObject? Dereference(JsonNode? schema, JsonObject? schemas) =>
        schema?["$ref"]?.GetValue<string>() is { } reference && schemas?[reference.Split('/')[^1]] is JsonObject target ? target : schema as JsonObject;

    /// <summary>The JSON type of a schema (<c>integer</c>, <c>string</c>...), ignoring <c>null</c> in a type list.</summary>
    public static string? TypeOf(JsonObject? schema) => schema?["type"] switch
    {
        JsonValue value => value.GetValue<string>(),
        JsonArray types => types.Select(t => t!.GetValue<string>()).FirstOrDefault(t => t != "null"),
        _ => schema?["properties"] is not null ? "object" : null,
    };
}
