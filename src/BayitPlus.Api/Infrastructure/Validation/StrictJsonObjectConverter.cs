using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace BayitPlus.Api.Infrastructure.Validation;

/// <summary>
/// Reads a <see cref="JsonObject"/> body or property refusing a key that appears twice in one
/// object. The framework's converter accepts such JSON and the object then throws an
/// <see cref="ArgumentException"/> when first read (a 500), and
/// <c>JsonSerializerOptions.AllowDuplicateProperties</c> does not cover <see cref="JsonObject"/>.
/// </summary>
public sealed class StrictJsonObjectConverter : JsonConverter<JsonObject>
{
    public override JsonObject Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("Expected a JSON object.");
        }

        var element = JsonElement.ParseValue(ref reader);
        RefuseDuplicates(element, null);
        return JsonObject.Create(element, new JsonNodeOptions { PropertyNameCaseInsensitive = options.PropertyNameCaseInsensitive })!;
    }

    public override void Write(Utf8JsonWriter writer, JsonObject value, JsonSerializerOptions options) => value.WriteTo(writer, options);

    private static void RefuseDuplicates(JsonElement element, string? path)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in element.EnumerateObject())
            {
                var propertyPath = path is null ? property.Name : $"{path}.{property.Name}";
                if (!seen.Add(property.Name))
                {
                    throw new DuplicateJsonPropertyException(propertyPath);
                }

                RefuseDuplicates(property.Value, propertyPath);
            }
        }
        else if (element.ValueKind == JsonValueKind.Array)
        {
            var index = 0;
            foreach (var item in element.EnumerateArray())
            {
                RefuseDuplicates(item, $"{path}[{index++}]");
            }
        }
    }
}

/// <summary>A key given twice in one JSON object; <see cref="Property"/> is its path inside the
/// object being read (the serializer sets <see cref="JsonException.Path"/> to where that object is).</summary>
public sealed class DuplicateJsonPropertyException(string property) : JsonException($"The property {property} appears more than once.")
{
    public string Property { get; } = property;
}
