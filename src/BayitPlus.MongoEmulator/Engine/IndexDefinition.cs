using BayitPlus.MongoEmulator.Bson;
using BayitPlus.MongoEmulator.Query;
using MongoDB.Bson;

namespace BayitPlus.MongoEmulator.Engine;

/// <summary>A validated index specification as createIndexes receives it and listIndexes returns it.</summary>
internal sealed class IndexDefinition
{
    private static readonly HashSet<string> KnownOptions =
    [
        "key", "name", "unique", "sparse", "partialFilterExpression", "expireAfterSeconds", "weights",
        "default_language", "language_override", "textIndexVersion", "background", "v", "ns", "hidden", "collation",
    ];

    private IndexDefinition(string name, BsonDocument key, BsonDocument spec, bool isText, Collation? collation = null)
    {
        Collation = collation;
        Name = name;
        Key = key;
        Spec = spec;
        IsText = isText;
        Unique = spec.GetValue("unique", false).ToBoolean();
        Sparse = spec.GetValue("sparse", false).ToBoolean();
        if (spec.TryGetValue("expireAfterSeconds", out var ttl))
        {
            ExpireAfterSeconds = ttl.ToDouble();
        }

        if (spec.TryGetValue("partialFilterExpression", out var partial))
        {
            PartialFilter = CompiledFilter.Compile(partial.AsBsonDocument, QueryContext.Default);
        }

        Fields = isText ? [] : key.Select(e => e.Name).ToArray();
    }

    public string Name { get; }

    /// <summary>The key pattern as the client declared it (text fields as <c>"text"</c>).</summary>
    public BsonDocument Key { get; }

    /// <summary>The full specification listIndexes reports.</summary>
    public BsonDocument Spec { get; }

    public bool IsText { get; }

    public bool Unique { get; }

    public bool Sparse { get; }

    public double? ExpireAfterSeconds { get; }

    public CompiledFilter? PartialFilter { get; }

    public IReadOnlyList<string> Fields { get; }

    /// <summary>The index's collation (null: simple): it orders the keys, decides uniqueness, and
    /// lets the index serve only queries with the same collation.</summary>
    public Collation? Collation { get; }

    public static IndexDefinition IdIndex(Collation? collation = null)
    {
        var spec = new BsonDocument { { "v", 2 }, { "key", new BsonDocument("_id", 1) }, { "name", "_id_" } };
        if (collation is not null)
        {
            spec["collation"] = collation.Spec.DeepClone();
        }

        return new("_id_", new BsonDocument("_id", 1), spec, false, collation);
    }

    public static IndexDefinition Parse(BsonDocument request)
    {
        foreach (var element in request)
        {
            if (!KnownOptions.Contains(element.Name))
            {
                throw new MongoErrorException(ErrorCodes.InvalidOptions, $"The field '{element.Name}' is not valid for an index specification. Specification: {request}");
            }
        }

        if (!request.TryGetValue("key", out var keyValue) || keyValue is not BsonDocument key || key.ElementCount == 0)
        {
            throw new MongoErrorException(ErrorCodes.CannotCreateIndex, "Index keys cannot be empty.");
        }

        var isText = false;
        foreach (var element in key)
        {
            if (element.Value is BsonString kind)
            {
                if (kind.Value != "text")
                {
                    throw new MongoErrorException(ErrorCodes.CannotCreateIndex, $"Index type '{kind.Value}' is not supported by the emulator (field '{element.Name}').");
                }

                isText = true;
            }
            else if (!BsonOrder.IsNumber(element.Value) || BsonOrder.ToDouble(element.Value) == 0)
            {
                throw new MongoErrorException(ErrorCodes.CannotCreateIndex, $"Values in the index key pattern can only be 1, -1 or \"text\"; found {element.Value} for '{element.Name}'.");
            }
        }

        if (isText && key.Any(e => e.Value is not BsonString))
        {
            throw new MongoErrorException(ErrorCodes.CannotCreateIndex, "Compound text indexes with non-text keys are not supported by the emulator.");
        }

        var name = request.TryGetValue("name", out var n) ? n.AsString : DefaultName(key);
        if (request.Contains("expireAfterSeconds"))
        {
            var ttl = request["expireAfterSeconds"];
            if (!BsonOrder.IsNumber(ttl) || BsonOrder.ToDouble(ttl) < 0)
            {
                throw new MongoErrorException(ErrorCodes.CannotCreateIndex, "TTL index 'expireAfterSeconds' option must be a non-negative number.");
            }

            if (key.ElementCount != 1 || isText)
            {
                throw new MongoErrorException(ErrorCodes.CannotCreateIndex, "TTL indexes are single-field indexes, compound indexes do not support TTL.");
            }
        }

        if (request.TryGetValue("partialFilterExpression", out var partial) && partial is not BsonDocument)
        {
            throw new MongoErrorException(ErrorCodes.TypeMismatch, "partialFilterExpression must be a document.");
        }

        var collation = request.GetValue("collation", null) switch
        {
            null => null,
            BsonDocument { ElementCount: 0 } => throw MongoErrorException.BadValue("The field 'collation' cannot be an empty object."),
            BsonDocument document => Collation.Parse(document),
            var other => throw MongoErrorException.TypeMismatch($"The field 'collation' must be an object, but got {BsonTypeNames.Of(other)}"),
        };
        if (collation is not null && isText)
        {
            throw new MongoErrorException(ErrorCodes.CannotCreateIndex, "Index type 'text' does not support collation");
        }

        var spec = new BsonDocument { { "v", 2 } };
        if (isText)
        {
            spec.Add("key", new BsonDocument { { "_fts", "text" }, { "_ftsx", 1 } });
        }
        else
        {
            spec.Add("key", key.DeepClone());
        }

        spec.Add("name", name);
        foreach (var element in request)
        {
            if (element.Name is "key" or "name" or "v" or "ns" or "background" or "collation")
            {
                continue;
            }

            spec[element.Name] = element.Value.DeepClone();
        }

        if (isText)
        {
            var weights = new BsonDocument();
            var declared = request.GetValue("weights", new BsonDocument()).AsBsonDocument;
            foreach (var element in key)
            {
                weights[element.Name] = declared.GetValue(element.Name, 1);
            }

            foreach (var element in declared.Where(e => !weights.Contains(e.Name)))
            {
                weights[element.Name] = element.Value;
            }

            spec["weights"] = weights;
            spec["default_language"] = request.GetValue("default_language", "english");
            spec["language_override"] = request.GetValue("language_override", "language");
            spec["textIndexVersion"] = 3;
        }

        if (collation is not null)
        {
            spec["collation"] = collation.Spec.DeepClone();
        }

        return new IndexDefinition(name, key.DeepClone().AsBsonDocument, spec, isText, collation);
    }

    /// <summary>True when both describe the same index (so creating it again is a no-op).</summary>
    public bool SameAs(IndexDefinition other) => BsonOrder.AreEqual(Comparable(Spec), Comparable(other.Spec));

    /// <summary>True when both have the same key and the same signature options (collation,
    /// partialFilterExpression, unique, sparse), which the server lets tell apart indexes on one key.</summary>
    public bool SameSignatureAs(IndexDefinition other) =>
        BsonOrder.AreEqual(Spec["key"], other.Spec["key"])
        && Unique == other.Unique
        && Sparse == other.Sparse
        && Collation.AreSame(Collation, other.Collation)
        && BsonOrder.AreEqual(Spec.GetValue("partialFilterExpression", null), other.Spec.GetValue("partialFilterExpression", null));

    private static BsonDocument Comparable(BsonDocument spec)
    {
        var copy = new BsonDocument(spec.Where(e => e.Name != "name" && e.Name != "v").OrderBy(e => e.Name, StringComparer.Ordinal));
        return copy;
    }

    private static string DefaultName(BsonDocument key) =>
        string.Join("_", key.Select(e => $"{e.Name}_{(e.Value is BsonString s ? s.Value : e.Value.ToInt32().ToString(System.Globalization.CultureInfo.InvariantCulture))}"));
}
