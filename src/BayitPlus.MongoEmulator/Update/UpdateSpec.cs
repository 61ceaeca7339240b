using System.Text.RegularExpressions;
using BayitPlus.MongoEmulator.Aggregation;
using BayitPlus.MongoEmulator.Bson;
using BayitPlus.MongoEmulator.Query;
using MongoDB.Bson;

namespace BayitPlus.MongoEmulator.Update;

public enum UpdateKind
{
    Operators,
    Replacement,
    Pipeline,
}

public readonly record struct UpdateOutcome(BsonDocument Document, bool Modified);

/// <summary>An update of the update and findAndModify commands: operator document, replacement
/// document or aggregation pipeline, with array filters.</summary>
public sealed partial class UpdateSpec
{
    private static readonly HashSet<string> PipelineStages =
        new(["$addFields", "$set", "$project", "$unset", "$replaceRoot", "$replaceWith"], StringComparer.Ordinal);

    private static readonly IReadOnlyDictionary<string, CompiledFilter> NoArrayFilters = new Dictionary<string, CompiledFilter>();

    private readonly QueryContext _context;
    private readonly IReadOnlyDictionary<string, CompiledFilter> _arrayFilters;
    private readonly ObjectNode? _operators;
    private readonly BsonDocument? _replacement;
    private readonly Pipeline? _pipeline;

    private UpdateSpec(
        UpdateKind kind,
        QueryContext context,
        IReadOnlyDictionary<string, CompiledFilter> arrayFilters,
        ObjectNode? operators,
        BsonDocument? replacement,
        Pipeline? pipeline)
    {
        Kind = kind;
        _context = context;
        _arrayFilters = arrayFilters;
        _operators = operators;
        _replacement = replacement;
        _pipeline = pipeline;
    }

    public UpdateKind Kind { get; }

    /// <summary>Validates the whole update up front (unknown operator, conflicting paths, bad
    /// array filters) and throws <see cref="Bson.MongoErrorException"/> naming the problem.</summary>
    public static UpdateSpec Parse(BsonValue update, BsonArray? arrayFilters, QueryContext context)
    {
        switch (update)
        {
            case BsonArray stages:
                if (arrayFilters is { Count: > 0 })
                {
                    throw MongoErrorException.FailedToParse("arrayFilters may not be specified for pipeline-style updates");
                }

                return new UpdateSpec(UpdateKind.Pipeline, context, NoArrayFilters, null, null, ParsePipeline(stages, context));
            case BsonDocument document when document.ElementCount > 0 && document.GetElement(0).Name.StartsWith('$'):
                var filters = ParseArrayFilters(arrayFilters, context);
                return new UpdateSpec(UpdateKind.Operators, context, filters, OperatorParser.Parse(document, filters, context), null, null);
            case BsonDocument document:
                // The server parses array filters of a replacement but has nothing to use them on.
                ParseArrayFilters(arrayFilters, context);
                ValidateReplacement(document);
                return new UpdateSpec(UpdateKind.Replacement, context, NoArrayFilters, null, document.DeepClone().AsBsonDocument, null);
            default:
                throw MongoErrorException.FailedToParse("Update argument must be either an object or an array");
        }
    }

    /// <summary>Applies the update to a copy of <paramref name="original"/>, never mutating it.
    /// Changing <c>_id</c> throws ImmutableField (66).</summary>
    public UpdateOutcome Apply(BsonDocument original, CompiledFilter filter)
    {
        var result = Kind switch
        {
            UpdateKind.Operators => ApplyOperators(original, () => filter.PositionalIndex(original), isInsert: false),
            UpdateKind.Replacement => KeepId(original.GetValue("_id", null), _replacement!.DeepClone().AsBsonDocument),
            _ => KeepId(original.GetValue("_id", null), RunPipeline(original)),
        };
        return new UpdateOutcome(result, !UpdateBson.Identical(original, result));
    }

    /// <summary>The document an upsert inserts when nothing matched: the filter's equality parts
    /// (MongoDB's rules), then the update applied with <c>$setOnInsert</c> honoured, or the
    /// replacement keeping the filter's <c>_id</c>. Does not generate an <c>_id</c>.</summary>
    public BsonDocument BuildUpsert(BsonDocument filter)
    {
        var seed = UpsertSeed.Build(filter, idOnly: Kind == UpdateKind.Replacement);
        var seededId = seed.GetValue("_id", null);
        var result = Kind switch
        {
            UpdateKind.Operators => ApplyOperators(seed, null, isInsert: true),
            UpdateKind.Replacement => KeepId(seededId, _replacement!.DeepClone().AsBsonDocument),
            _ => KeepId(seededId, RunPipeline(seed)),
        };

        if (result.TryGetValue("_id", out var id))
        {
            if (id.BsonType is BsonType.Array or BsonType.RegularExpression or BsonType.Undefined)
            {
                throw new MongoErrorException(ErrorCodes.InvalidIdField, $"The '_id' value cannot be of type {UpdateBson.TypeName(id)}");
            }

            // An inserted document carries its _id first.
            if (result.IndexOfName("_id") > 0)
            {
                result.Remove("_id");
                result.InsertAt(0, new BsonElement("_id", id));
            }
        }

        return result;
    }

    [GeneratedRegex("^[a-z][a-zA-Z0-9]*$")]
    private static partial Regex IdentifierPattern();

    private static Pipeline ParsePipeline(BsonArray stages, QueryContext context)
    {
        foreach (var stage in stages)
        {
            if (stage is not BsonDocument { ElementCount: > 0 } stageDocument)
            {
                throw MongoErrorException.FailedToParse("Each element of the 'pipeline' array must be an object");
            }

            var name = stageDocument.GetElement(0).Name;
            if (!PipelineStages.Contains(name))
            {
                throw new MongoErrorException(ErrorCodes.InvalidOptions, $"{name} is not allowed to be used within an update");
            }
        }

        return Pipeline.Parse(stages, new AggregationContext { Query = context });
    }

    private static void ValidateReplacement(BsonDocument replacement)
    {
        foreach (var element in replacement)
        {
            if (element.Name.StartsWith('$'))
            {
                throw new MongoErrorException(ErrorCodes.DollarPrefixedFieldName,
                    $"The dollar ($) prefixed field '{element.Name}' in '{element.Name}' is not allowed in the context of an update's replacement document. Consider using an aggregation pipeline with $replaceWith.");
            }
        }
    }

    /// <summary>Compiles each array filter against its identifier, the one top-level name (before
    /// any dot) all its fields share.</summary>
    private static Dictionary<string, CompiledFilter> ParseArrayFilters(BsonArray? arrayFilters, QueryContext context)
    {
        var compiled = new Dictionary<string, CompiledFilter>(StringComparer.Ordinal);
        foreach (var item in arrayFilters ?? [])
        {
            if (item is not BsonDocument filter)
            {
                throw MongoErrorException.FailedToParse($"Array filters must be objects, found type {UpdateBson.TypeName(item)}");
            }

            var identifier = FilterIdentifier(filter, null)
                ?? throw MongoErrorException.FailedToParse("Cannot use an expression without a top-level field name in arrayFilters");
            if (!IdentifierPattern().IsMatch(identifier))
            {
                throw MongoErrorException.BadValue(
                    $"Error parsing array filter :: caused by :: The top-level field name must be an alphanumeric string beginning with a lowercase letter, found '{identifier}'");
            }

            if (!compiled.TryAdd(identifier, CompiledFilter.Compile(filter, context)))
            {
                throw MongoErrorException.FailedToParse($"Found multiple array filters with the same top-level field name {identifier}");
            }
        }

        return compiled;
    }

    private static string? FilterIdentifier(BsonDocument filter, string? found)
    {
        foreach (var element in filter)
        {
            if (element.Name is "$and" or "$or" or "$nor" && element.Value is BsonArray branches)
            {
                foreach (var branch in branches.OfType<BsonDocument>())
                {
                    found = FilterIdentifier(branch, found);
                }

                continue;
            }

            if (element.Name.StartsWith('$'))
            {
                throw MongoErrorException.FailedToParse(
                    $"Error parsing array filter :: caused by :: {element.Name} cannot be used at the top level of an array filter");
            }

            var dot = element.Name.IndexOf('.', StringComparison.Ordinal);
            var identifier = dot < 0 ? element.Name : element.Name[..dot];
            if (found is not null && found != identifier)
            {
                throw MongoErrorException.FailedToParse(
                    $"Error parsing array filter :: caused by :: Expected a single top-level field name, found '{found}' and '{identifier}'");
            }

            found = identifier;
        }

        return found;
    }

    /// <summary>A replacement or pipeline result keeps the original <c>_id</c> when it has none
    /// and may not change it.</summary>
    private static BsonDocument KeepId(BsonValue? id, BsonDocument result)
    {
        if (id is null)
        {
            return result;
        }

        if (!result.TryGetValue("_id", out var newId))
        {
            result.InsertAt(0, new BsonElement("_id", id));
        }
        else if (!UpdateBson.Identical(id, newId))
        {
            throw new MongoErrorException(ErrorCodes.ImmutableField,
                $"After applying the update, the (immutable) field '_id' was found to have been altered to {UpdateBson.Describe("_id", newId)}");
        }

        return result;
    }

    private BsonDocument ApplyOperators(BsonDocument original, Func<int?>? positionalIndex, bool isInsert)
    {
        var document = original.DeepClone().AsBsonDocument;
        UpdateTree.Apply(_operators!, new ApplyContext(document, positionalIndex, isInsert, _context, _arrayFilters));
        if (original.TryGetValue("_id", out var id) && !(document.TryGetValue("_id", out var newId) && UpdateBson.Identical(id, newId)))
        {
            throw new MongoErrorException(ErrorCodes.ImmutableField,
                "Performing an update on the path '_id' would modify the immutable field '_id'");
        }

        return document;
    }

    private BsonDocument RunPipeline(BsonDocument original)
    {
        var output = _pipeline!.Execute([new MetaDoc(original.DeepClone().AsBsonDocument)]).ToList();
        return output.Count == 1
            ? output[0].Document
            : throw new MongoErrorException(ErrorCodes.InternalError, $"An update pipeline produced {output.Count} documents instead of one");
    }
}
