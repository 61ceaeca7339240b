using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using BayitPlus.Api.Infrastructure.Validation;
using FluentValidation;
using FluentValidation.Results;
using MongoDB.Bson;
using MongoDB.Bson.Serialization;

namespace BayitPlus.Api.Features.Content.Admin;

/// <summary>
/// Reads an admin request body onto a resource's editable-fields class, one JSON property at a
/// time, so that a PATCH knows which fields were sent (absent) apart from fields sent as null
/// (cleared). Every property must be one of the class's fields: any other name, including a field
/// the server owns (<c>createdAt</c>, <c>viewCount</c>, ...), is refused by the
/// <see cref="UnknownFields"/> rule, and a value of the wrong JSON type is a 400 naming it too.
/// Strings are trimmed and an empty string clears the field like null; a null list is an empty
/// list.
/// </summary>
public static class EditableFields
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        NumberHandling = JsonNumberHandling.Strict,
        TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
    };

    /// <summary>Applies <paramref name="body"/> to <paramref name="fields"/> and returns the C#
    /// names of the properties it set.</summary>
    public static IReadOnlyList<string> Apply<TFields>(JsonObject body, TFields fields, IReadOnlyCollection<string> serverOwned)
        where TFields : class
    {
        var properties = Json.GetTypeInfo(typeof(TFields)).Properties;
        var failures = new List<ValidationFailure>();
        var applied = new List<string>();
        foreach (var (name, value) in body)
        {
            var property = properties.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));
            if (property?.Set is null || property.AttributeProvider is not System.Reflection.MemberInfo member)
            {
                failures.Add(UnknownFields.Refusal(name, typeof(TFields), serverOwned));
                continue;
            }

            if (TryRead(property, value, out var parsed))
            {
                property.Set(fields, parsed);
                applied.Add(member.Name);
            }
            else
            {
                failures.Add(new ValidationFailure(property.Name, $"{property.Name} must be {Describe(property.PropertyType)}."));
            }
        }

        if (failures.Count > 0)
        {
            throw new ValidationException(failures);
        }

        return applied;
    }

    /// <summary>The update that stores <paramref name="fields"/>: <c>$set</c> for each value,
    /// <c>$unset</c> for each cleared (null) one; only the <paramref name="members"/> named, or
    /// every field when none are. Element names come from the fields class's own BSON class map,
    /// which mirrors the document's (same property names, same conventions).</summary>
    public static BsonDocument Update<TFields>(TFields fields, IReadOnlyCollection<string>? members = null)
        where TFields : class
    {
        var values = fields.ToBsonDocument();
        var set = new BsonDocument();
        var unset = new BsonDocument();
        foreach (var member in BsonClassMap.LookupClassMap(typeof(TFields)).AllMemberMaps)
        {
            if (members is not null && !members.Contains(member.MemberName))
            {
                continue;
            }

            if (values.TryGetValue(member.ElementName, out var value))
            {
                set[member.ElementName] = value;
            }
            else
            {
                unset[member.ElementName] = "";
            }
        }

        var update = new BsonDocument("$set", set);
        if (unset.ElementCount > 0)
        {
            update["$unset"] = unset;
        }

        return update;
    }

    private static bool TryRead(JsonPropertyInfo property, JsonNode? value, out object? parsed)
    {
        var type = property.PropertyType;
        parsed = null;
        if (value is null)
        {
            if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(List<>))
            {
                parsed = Activator.CreateInstance(type);
                return true;
            }

            return !type.IsValueType || Nullable.GetUnderlyingType(type) is not null;
        }

        try
        {
            parsed = value.Deserialize(type, Json);
        }
        catch (JsonException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            // JsonNode throws this (not JsonException) for some kind mismatches, e.g. an object read as a string.
            return false;
        }

        if (parsed is string text)
        {
            parsed = string.IsNullOrWhiteSpace(text) ? null : text.Trim();
        }
        else if (parsed is List<string> list)
        {
            if (list.Any(item => item is null))
            {
                return false;
            }

            parsed = list.Select(item => item.Trim()).ToList();
        }

        return true;
    }

    private static string Describe(Type type) => (Nullable.GetUnderlyingType(type) ?? type) switch
    {
        var t when t == typeof(string) => "a string",
        var t when t == typeof(int) || t == typeof(long) => "an integer",
        var t when t == typeof(double) => "a number",
        var t when t == typeof(bool) => "true or false",
        var t when t == typeof(List<string>) => "an array of strings",
        _ => "a value of the documented type",
    };
}
