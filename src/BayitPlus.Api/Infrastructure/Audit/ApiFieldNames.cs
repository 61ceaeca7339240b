using System.Collections.Frozen;
using System.Reflection;
using System.Text;
using System.Text.Json.Nodes;
using BayitPlus.Api.Infrastructure.Mongo;
using MongoDB.Bson;
using MongoDB.Bson.Serialization;

namespace BayitPlus.Api.Infrastructure.Audit;

/// <summary>Shows stored (snake_case) documents under the names the API's JSON uses for the same
/// fields: <c>subscription_tier</c> → <c>subscriptionTier</c>, <c>_id</c> → <c>id</c>, at every
/// depth (a device's <c>device_name</c> too), except inside free-form values, whose keys a client
/// chose (<c>preferences.my_setting</c>) and come back exactly as stored.</summary>
/// <remarks>A value is free-form when the document class stores it as a BSON document or a
/// dictionary (<c>UserDocument.Preferences</c>); those element names are read from the class maps of
/// every document class (one with a <c>CollectionName</c> constant) and the classes they nest, so a
/// slice that adds such a field is covered without a list to keep. The stored record does not say
/// which document it came from, so the rule goes by element name: an element name that is free-form
/// in one document class is treated as free-form wherever it appears.</remarks>
public static class ApiFieldNames
{
    private static readonly Lazy<FrozenSet<string>> FreeFormElements = new(() => FreeFormElementsOf(typeof(ApiFieldNames).Assembly));

    /// <summary>The element names whose values hold client-chosen keys.</summary>
    public static IReadOnlySet<string> FreeForm => FreeFormElements.Value;

    /// <summary>The API's name of a stored element: the inverse of
    /// <see cref="SnakeCaseElementNameConvention"/>. A name that is not snake_case is kept as it is.</summary>
    public static string ToApiName(string storedName)
    {
        if (storedName == "_id")
        {
            return "id";
        }

        var parts = storedName.Split('_');
        if (parts.Length == 1 || parts.Any(part => part.Length == 0))
        {
            return storedName;
        }

        var name = new StringBuilder(parts[0], storedName.Length);
        foreach (var part in parts.Skip(1))
        {
            name.Append(char.ToUpperInvariant(part[0])).Append(part, 1, part.Length - 1);
        }

        return name.ToString();
    }

    /// <summary><paramref name="document"/> as JSON under the API's names, free-form values untouched.</summary>
    public static JsonObject ToJson(BsonDocument document) => JsonBson.ToJson(Rename(document));

    /// <summary>Only the top-level keys renamed: for documents whose values are all the server's own
    /// (security event details), where nothing deeper is known to be the API's.</summary>
    public static JsonObject ToJsonTopLevel(BsonDocument document)
    {
        var renamed = new BsonDocument();
        foreach (var element in document)
        {
            renamed[ToApiName(element.Name)] = element.Value;
        }

        return JsonBson.ToJson(renamed);
    }

    private static BsonDocument Rename(BsonDocument document)
    {
        var renamed = new BsonDocument();
        foreach (var element in document)
        {
            renamed[ToApiName(element.Name)] = FreeForm.Contains(element.Name) ? element.Value : Rename(element.Value);
        }

        return renamed;
    }

    private static BsonValue Rename(BsonValue value) => value switch
    {
        BsonDocument nested => Rename(nested),
        BsonArray array => new BsonArray(array.Select(Rename)),
        _ => value,
    };

    private static FrozenSet<string> FreeFormElementsOf(Assembly assembly)
    {
        // Class maps built before the conventions would keep C# names; registering is idempotent.
        MongoConventions.Register();
        var documents = assembly.GetTypes().Where(type => type.IsClass && !type.IsAbstract
            && type.GetField("CollectionName", BindingFlags.Public | BindingFlags.Static) is { IsLiteral: true });
        var freeForm = new HashSet<string>(StringComparer.Ordinal);
        var visited = new HashSet<Type>();
        foreach (var document in documents)
        {
            Collect(document, freeForm, visited);
        }

        return freeForm.ToFrozenSet(StringComparer.Ordinal);
    }

    private static void Collect(Type type, HashSet<string> freeForm, HashSet<Type> visited)
    {
        if (!visited.Add(type))
        {
            return;
        }

        foreach (var member in BsonClassMap.LookupClassMap(type).AllMemberMaps)
        {
            var memberType = ElementTypeOf(member.MemberType);
            if (IsFreeForm(memberType))
            {
                freeForm.Add(member.ElementName);
            }
            else if (memberType.IsClass && memberType.Namespace?.StartsWith("BayitPlus.", StringComparison.Ordinal) == true)
            {
                Collect(memberType, freeForm, visited);
            }
        }
    }

    private static bool IsFreeForm(Type type) =>
        typeof(BsonValue).IsAssignableFrom(type) || typeof(JsonNode).IsAssignableFrom(type)
        || type.GetInterfaces().Append(type).Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IDictionary<,>));

    /// <summary>The element type of a list member (a user's devices), else the type itself.</summary>
    private static Type ElementTypeOf(Type type) =>
        type != typeof(string) && !typeof(BsonValue).IsAssignableFrom(type)
            && type.GetInterfaces().Append(type).FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>)) is { } enumerable
            && !IsFreeForm(type)
            ? enumerable.GetGenericArguments()[0]
            : type;
}
