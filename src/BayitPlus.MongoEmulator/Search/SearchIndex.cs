using BayitPlus.MongoEmulator.Bson;
using MongoDB.Bson;

namespace BayitPlus.MongoEmulator.Search;

/// <summary>How <c>$vectorSearch</c> compares two vectors and turns the result into Atlas's 0–1 score.</summary>
internal enum VectorSimilarity
{
    Cosine,
    Euclidean,
    DotProduct,
}

/// <summary>One <c>{type: "vector"}</c> field of a vector search index.</summary>
internal sealed record VectorField(string Path, int Dimensions, VectorSimilarity Similarity);

/// <summary>An Atlas Vector Search index (<c>type: "vectorSearch"</c>) as createSearchIndexes receives
/// it. Only vector search indexes exist here: Atlas Search (<c>type: "search"</c>, full text through
/// mongot) is refused, not accepted and ignored.</summary>
internal sealed class SearchIndex
{
    private const int MaxDimensions = 8192;

    private SearchIndex(string id, string name, int version, DateTime createdAt, BsonDocument definition, IReadOnlyList<VectorField> vectors, IReadOnlySet<string> filters)
    {
        Id = id;
        Version = version;
        CreatedAt = createdAt;
        Name = name;
        Definition = definition;
        Vectors = vectors;
        Filters = filters;
    }

    public string Id { get; }

    public string Name { get; }

    /// <summary>Starts at 0 and grows with each updateSearchIndex, as <c>latestDefinitionVersion.version</c>.</summary>
    public int Version { get; }

    public DateTime CreatedAt { get; }

    public BsonDocument Definition { get; }

    public IReadOnlyList<VectorField> Vectors { get; }

    /// <summary>Paths declared <c>{type: "filter"}</c>: the only ones a <c>$vectorSearch</c> filter may name.</summary>
    public IReadOnlySet<string> Filters { get; }

    /// <summary>Parses one element of createSearchIndexes' <c>indexes</c>.</summary>
    public static SearchIndex Parse(BsonValue request, DateTime now)
    {
        if (request is not BsonDocument spec)
        {
            throw MongoErrorException.TypeMismatch("Each element of 'indexes' must be an object");
        }

        var name = spec.GetValue("name", "default") is BsonString n ? n.Value : throw MongoErrorException.TypeMismatch("Search index 'name' must be a string");
        var type = spec.GetValue("type", "search") is BsonString t ? t.Value : throw MongoErrorException.TypeMismatch("Search index 'type' must be a string");
        if (type == "search")
        {
            throw new MongoErrorException(ErrorCodes.NotImplemented, "Atlas Search indexes (type \"search\") are not supported by the emulator; only type \"vectorSearch\"");
        }

        if (type != "vectorSearch")
        {
            throw MongoErrorException.BadValue($"Invalid search index type \"{type}\"; expected \"search\" or \"vectorSearch\"");
        }

        var definition = spec.GetValue("definition", null) as BsonDocument
            ?? throw MongoErrorException.BadValue("Search index requires a 'definition' object");
        return FromDefinition(Guid.NewGuid().ToString("N")[..24], name, 0, now, definition);
    }

    /// <summary>The same index with a new definition (updateSearchIndex), validated as on creation.</summary>
    public SearchIndex WithDefinition(BsonValue definition, DateTime now) =>
        FromDefinition(Id, Name, Version + 1, now, definition as BsonDocument ?? throw MongoErrorException.BadValue("updateSearchIndex requires a 'definition' object"));

    public BsonDocument Describe() => new()
    {
        { "id", Id },
        { "name", Name },
        { "type", "vectorSearch" },
        { "status", "READY" },
        { "queryable", true },
        { "latestDefinitionVersion", new BsonDocument { { "version", Version }, { "createdAt", new BsonDateTime(CreatedAt) } } },
        { "latestDefinition", Definition.DeepClone() },
    };

    private static SearchIndex FromDefinition(string id, string name, int version, DateTime createdAt, BsonDocument definition)
    {
        if (definition.GetValue("fields", null) is not BsonArray { Count: > 0 } fields)
        {
            throw MongoErrorException.BadValue($"Invalid definition for index \"{name}\": \"fields\" must be a non-empty array");
        }

        var vectors = new List<VectorField>();
        var filters = new HashSet<string>(StringComparer.Ordinal);
        foreach (var field in fields)
        {
            var document = field as BsonDocument ?? throw MongoErrorException.BadValue($"Invalid definition for index \"{name}\": each field must be an object");
            var path = document.GetValue("path", null) is BsonString { Value.Length: > 0 } p
                ? p.Value
                : throw MongoErrorException.BadValue($"Invalid definition for index \"{name}\": \"fields.path\" is required");
            switch (document.GetValue("type", null) is BsonString kind ? kind.Value : null)
            {
                case "vector":
                    vectors.Add(new VectorField(path, Dimensions(name, document), Similarity(name, document)));
                    break;
                case "filter":
                    filters.Add(path);
                    break;
                default:
                    throw MongoErrorException.BadValue($"Invalid definition for index \"{name}\": \"fields.type\" must be \"vector\" or \"filter\"");
            }
        }

        if (vectors.Count == 0)
        {
            throw MongoErrorException.BadValue($"Invalid definition for index \"{name}\": at least one field of type \"vector\" is required");
        }

        return new SearchIndex(id, name, version, createdAt, definition.DeepClone().AsBsonDocument, vectors, filters);
    }

    private static int Dimensions(string name, BsonDocument field) =>
        field.GetValue("numDimensions", null) is { IsNumeric: true } value && BsonOrder.ToDouble(value) is var d && d == Math.Floor(d) && d is >= 1 and <= MaxDimensions
            ? (int)d
            : throw MongoErrorException.BadValue($"Invalid definition for index \"{name}\": \"fields.numDimensions\" must be an integer between 1 and {MaxDimensions}");

    private static VectorSimilarity Similarity(string name, BsonDocument field) =>
        (field.GetValue("similarity", null) as BsonString)?.Value switch
        {
            "cosine" => VectorSimilarity.Cosine,
            "euclidean" => VectorSimilarity.Euclidean,
            "dotProduct" => VectorSimilarity.DotProduct,
            _ => throw MongoErrorException.BadValue($"Invalid definition for index \"{name}\": \"fields.similarity\" must be one of \"cosine\", \"euclidean\", \"dotProduct\""),
        };
}
