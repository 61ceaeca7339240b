using BayitPlus.MongoEmulator.Bson;
using BayitPlus.MongoEmulator.Query;
using MongoDB.Bson;

namespace BayitPlus.MongoEmulator.Aggregation;

/// <summary>What a pipeline may read outside its input: other collections of the same database.</summary>
public interface IAggregationHost
{
    /// <summary>All documents of a collection of the same database (empty when it does not exist),
    /// as the calling operation sees them (transaction included).</summary>
    IEnumerable<BsonDocument> ReadCollection(string collectionName);
}

public sealed class AggregationContext
{
    public IAggregationHost? Host { get; init; }

    public QueryContext Query { get; init; } = QueryContext.Default;

    /// <summary>The scope expressions see for one document of the pipeline.</summary>
    internal ExpressionScope ScopeFor(MetaDoc document) => new(Query.Now, Query.Variables, document.TextScore, document.VectorSearchScore, Query.Order);
}

/// <summary>An aggregation pipeline parsed and validated once. <c>$changeStream</c>, <c>$out</c> and
/// <c>$merge</c> are not part of it: the command layer handles or rejects those.</summary>
public sealed class Pipeline
{
    private static readonly HashSet<string> UnsupportedStages =
    [
        "$bucketAuto", "$graphLookup", "$geoNear", "$redact", "$setWindowFields", "$densify", "$fill",
        "$collStats", "$indexStats", "$currentOp", "$listSessions", "$listLocalSessions", "$planCacheStats",
        "$search", "$searchMeta", "$documents", "$shardedDataDistribution",
    ];

    private readonly Stage[] _stages;

    private Pipeline(Stage[] stages) => _stages = stages;

    /// <summary>Throws <see cref="MongoErrorException"/> naming an unknown or unsupported stage
    /// or operator.</summary>
    public static Pipeline Parse(BsonArray stages, AggregationContext context) => new(ParseStages(stages, context, within: null));

    public IEnumerable<MetaDoc> Execute(IEnumerable<MetaDoc> input) => Run(_stages, input);

    /// <summary>The collections a parsed pipeline reads besides its input: the <c>$lookup</c> and
    /// <c>$unionWith</c> sources, those of their sub-pipelines and of <c>$facet</c>'s.</summary>
    public static IEnumerable<string> CollectionsRead(BsonArray stages)
    {
        foreach (var stage in stages.OfType<BsonDocument>().Where(s => s.ElementCount == 1))
        {
            var (name, spec) = (stage.GetElement(0).Name, stage[0]);
            var (source, subPipelines) = (name, spec) switch
            {
                ("$lookup", BsonDocument lookup) => (lookup.GetValue("from", null) as BsonString, new[] { lookup.GetValue("pipeline", null) }),
                ("$unionWith", BsonString coll) => (coll, []),
                ("$unionWith", BsonDocument union) => (union.GetValue("coll", null) as BsonString, [union.GetValue("pipeline", null)]),
                ("$facet", BsonDocument facet) => (null, facet.Values.ToArray()),
                _ => ((BsonString?)null, Array.Empty<BsonValue?>()),
            };
            if (source is not null)
            {
                yield return source.Value;
            }

            foreach (var collection in subPipelines.OfType<BsonArray>().SelectMany(CollectionsRead))
            {
                yield return collection;
            }
        }
    }

    internal static IEnumerable<MetaDoc> Run(Stage[] stages, IEnumerable<MetaDoc> input)
    {
        foreach (var stage in stages)
        {
            input = stage.Execute(input);
        }

        return input;
    }

    /// <summary>Parses stages; <paramref name="within"/> names the enclosing $facet or $lookup of a sub-pipeline.</summary>
    internal static Stage[] ParseStages(BsonArray stages, AggregationContext context, string? within)
    {
        var result = new Stage[stages.Count];
        for (var i = 0; i < stages.Count; i++)
        {
            if (stages[i] is not BsonDocument stage)
            {
                throw MongoErrorException.TypeMismatch("Each element of the 'pipeline' array must be an object");
            }

            if (stage.ElementCount != 1)
            {
                throw new MongoErrorException(40323, "A pipeline stage specification object must contain exactly one field.");
            }

            var element = stage.GetElement(0);
            result[i] = ParseStage(element.Name, element.Value, context, firstOfTopLevel: i == 0 && within is null, within);
            if (i > 0 && result[i] is LimitStage limit && result[i - 1] is SortStage sort)
            {
                result[i - 1] = sort.WithLimit(limit.Count);
            }
        }

        return result;
    }

    private static Stage ParseStage(string name, BsonValue spec, AggregationContext context, bool firstOfTopLevel, string? within) =>
        name switch
        {
            "$match" => MatchStage.Parse(spec, context, firstOfTopLevel),
            "$project" => ProjectStage.Parse(spec, context),
            "$addFields" or "$set" => AddFieldsStage.Parse(name, spec, context),
            "$unset" => ProjectStage.ParseUnset(spec, context),
            "$group" => GroupStage.Parse(spec, context),
            "$sort" => SortStage.Parse(spec, context),
            "$skip" => SkipStage.Parse(spec),
            "$limit" => LimitStage.Parse(spec),
            "$unwind" => UnwindStage.Parse(spec),
            "$lookup" => LookupStage.Parse(spec, context),
            "$count" => CountStage.Parse(spec),
            "$facet" => within == "$facet"
                ? throw new MongoErrorException(40600, "$facet is not allowed to be used within a $facet stage")
                : FacetStage.Parse(spec, context),
            "$replaceRoot" => ReplaceRootStage.Parse(spec, context, withOperand: false),
            "$replaceWith" => ReplaceRootStage.Parse(spec, context, withOperand: true),
            "$sortByCount" => GroupStage.ParseSortByCount(spec, context),
            "$sample" => SampleStage.Parse(spec),
            "$bucket" => GroupStage.ParseBucket(spec, context),
            "$unionWith" => UnionWithStage.Parse(spec, context),
            "$out" or "$merge" => throw new MongoErrorException(
                40601, $"{name} is not supported in this position of the pipeline (only as the last stage of an aggregate command)"),
            "$vectorSearch" or "$listSearchIndexes" => throw new MongoErrorException(
                40602, $"{name} is only valid as the first stage in a pipeline"),
            "$changeStream" => throw new MongoErrorException(
                40602, "$changeStream is not supported in this position of the pipeline (only as the first stage of an aggregate command)"),
            _ when UnsupportedStages.Contains(name) => throw MongoErrorException.BadValue($"The {name} stage is not supported by the emulator"),
            _ => throw new MongoErrorException(ErrorCodes.Location40324, $"Unrecognized pipeline stage name: '{name}'"),
        };
}

/// <summary>One parsed stage of a pipeline; stateless across executions.</summary>
internal abstract class Stage
{
    public abstract IEnumerable<MetaDoc> Execute(IEnumerable<MetaDoc> input);
}
