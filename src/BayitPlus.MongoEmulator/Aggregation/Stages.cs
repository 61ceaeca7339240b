using BayitPlus.MongoEmulator.Bson;
using BayitPlus.MongoEmulator.Query;
using MongoDB.Bson;

namespace BayitPlus.MongoEmulator.Aggregation;

internal sealed class MatchStage(CompiledFilter filter) : Stage
{
    public static MatchStage Parse(BsonValue spec, AggregationContext context, bool firstOfTopLevel)
    {
        if (spec is not BsonDocument document)
        {
            throw new MongoErrorException(15959, "the match filter must be an expression in an object");
        }

        var filter = CompiledFilter.Compile(document, context.Query);
        return filter.HasText && !firstOfTopLevel
            ? throw new MongoErrorException(17313, "$match with $text is only allowed as the first pipeline stage")
            : new MatchStage(filter);
    }

    public override IEnumerable<MetaDoc> Execute(IEnumerable<MetaDoc> input)
    {
        foreach (var document in input)
        {
            if (filter.Matches(document.Document))
            {
                yield return filter.HasText ? document with { TextScore = filter.TextScore(document.Document) } : document;
            }
        }
    }
}

/// <summary>$project and $unset: an inclusion projection (with computed fields) or an exclusion projection.</summary>
internal sealed class ProjectStage(ProjectionTree tree, bool inclusion, bool includeId, AggregationContext context) : Stage
{
    public static ProjectStage Parse(BsonValue spec, AggregationContext context)
    {
        if (spec is not BsonDocument document)
        {
            throw new MongoErrorException(15969, "$project specification must be an object");
        }

        if (document.ElementCount == 0)
        {
            throw new MongoErrorException(51272, "Invalid $project :: caused by :: projection specification must have at least one field");
        }

        var tree = ProjectionTree.Parse("$project", document, literalValues: false);
        var leaves = tree.Leaves().ToList();
        var idKind = tree.Get("_id") is { Kind: not ProjectionTree.Kind.Nested } id ? id.Kind : (ProjectionTree.Kind?)null;
        var inclusions = leaves.Where(l => l.Leaf.Kind != ProjectionTree.Kind.Exclude && !l.Leaf.IsMeta && l.Path != "_id").ToList();
        var exclusions = leaves.Where(l => l.Leaf.Kind == ProjectionTree.Kind.Exclude && l.Path != "_id").ToList();
        if (inclusions.Count > 0 && exclusions.Count > 0)
        {
            throw new MongoErrorException(
                ErrorCodes.Location31254,
                $"Invalid $project :: caused by :: Cannot do exclusion on field {exclusions[0].Path} in inclusion projection");
        }

        // With only _id and $meta fields, the projection includes unless it merely drops _id.
        var inclusion = exclusions.Count == 0
            && (inclusions.Count > 0 || idKind is ProjectionTree.Kind.Include or ProjectionTree.Kind.Computed || leaves.Any(l => l.Leaf.IsMeta));
        if (!inclusion && tree.Get("_id") is { Kind: ProjectionTree.Kind.Computed, IsMeta: false })
        {
            throw new MongoErrorException(31252, "Invalid $project :: caused by :: Cannot use an expression other than $meta in an exclusion projection");
        }

        return new ProjectStage(tree, inclusion, idKind != ProjectionTree.Kind.Exclude, context);
    }

    public static ProjectStage ParseUnset(BsonValue spec, AggregationContext context)
    {
        var paths = spec switch
        {
            BsonString s => [s.Value],
            BsonArray { Count: > 0 } a when a.All(v => v is BsonString) => a.Select(v => v.AsString).ToList(),
            _ => throw new MongoErrorException(31002, "$unset specification must be a string or an array containing only string values"),
        };
        return new ProjectStage(ProjectionTree.Exclusions(paths), inclusion: false, includeId: true, context);
    }

    public override IEnumerable<MetaDoc> Execute(IEnumerable<MetaDoc> input)
    {
        foreach (var document in input)
        {
            var projected = inclusion
                ? Include(document.Document, tree, document.Document, context.ScopeFor(document), top: true)
                : Exclude(document.Document, tree, document.Document, context.ScopeFor(document));
            yield return document with { Document = projected };
        }
    }

    private BsonDocument Include(BsonDocument source, ProjectionTree fields, BsonDocument root, ExpressionScope scope, bool top)
    {
        var result = new BsonDocument();
        foreach (var element in source)
        {
            var field = fields.Get(element.Name);
            if (field is null)
            {
                if (top && includeId && element.Name == "_id")
                {
                    result.Add(element);
                }

                continue;
            }

            if (field.Kind == ProjectionTree.Kind.Include)
            {
                result.Add(element);
            }
            else if (field.Kind == ProjectionTree.Kind.Nested && IncludeValue(element.Value, field.Nested!, root, scope) is { } value)
            {
                result.Add(element.Name, value);
            }
        }

        foreach (var field in fields.Fields)
        {
            if (field.Kind == ProjectionTree.Kind.Computed)
            {
                if (field.Expression!.Evaluate(root, scope) is { } value)
                {
                    // MongoDB always outputs _id first.
                    if (top && field.Name == "_id")
                    {
                        result.InsertAt(0, new BsonElement("_id", value));
                    }
                    else
                    {
                        result.Set(field.Name, value);
                    }
                }
            }
            else if (field.Kind == ProjectionTree.Kind.Nested && !source.Contains(field.Name) && field.Nested!.HasComputed)
            {
                result.Add(field.Name, Include([], field.Nested, root, scope, top: false));
            }
        }

        return result;
    }

    /// <summary>A nested inclusion: into documents, across arrays; scalars are dropped unless the
    /// subtree computes fields (they then become documents of those fields).</summary>
    private BsonValue? IncludeValue(BsonValue value, ProjectionTree fields, BsonDocument root, ExpressionScope scope) => value switch
    {
        BsonDocument document => Include(document, fields, root, scope, top: false),
        BsonArray array => new BsonArray(array.Select(item => IncludeValue(item, fields, root, scope)).OfType<BsonValue>()),
        _ => fields.HasComputed ? Include([], fields, root, scope, top: false) : null,
    };

    /// <summary>An exclusion projection; its only computed fields are <c>$meta</c> ones.</summary>
    private static BsonDocument Exclude(BsonDocument source, ProjectionTree fields, BsonDocument root, ExpressionScope scope)
    {
        var result = new BsonDocument();
        foreach (var element in source)
        {
            var field = fields.Get(element.Name);
            if (field is null || field.Kind == ProjectionTree.Kind.Include)
            {
                result.Add(element);
            }
            else if (field.Kind == ProjectionTree.Kind.Nested)
            {
                result.Add(element.Name, ExcludeValue(element.Value, field.Nested!, root, scope));
            }
        }

        foreach (var field in fields.Fields)
        {
            if (field.Kind == ProjectionTree.Kind.Computed && field.Expression!.Evaluate(root, scope) is { } value)
            {
                result.Set(field.Name, value);
            }
        }

        return result;
    }

    private static BsonValue ExcludeValue(BsonValue value, ProjectionTree fields, BsonDocument root, ExpressionScope scope) => value switch
    {
        BsonDocument document => Exclude(document, fields, root, scope),
        BsonArray array => new BsonArray(array.Select(item => ExcludeValue(item, fields, root, scope))),
        _ => value,
    };
}

/// <summary>$addFields and its alias $set: computes fields into a copy of the document.</summary>
internal sealed class AddFieldsStage(ProjectionTree tree, AggregationContext context) : Stage
{
    public static AddFieldsStage Parse(string name, BsonValue spec, AggregationContext context)
    {
        if (spec is not BsonDocument document)
        {
            throw new MongoErrorException(40272, $"{name} specification stage must be an object, got {Values.TypeName(spec)}");
        }

        if (document.ElementCount == 0)
        {
            throw new MongoErrorException(40177, $"Invalid {name} :: caused by :: specification must have at least one field");
        }

        return new AddFieldsStage(ProjectionTree.Parse(name, document, literalValues: true), context);
    }

    public override IEnumerable<MetaDoc> Execute(IEnumerable<MetaDoc> input)
    {
        foreach (var document in input)
        {
            var root = document.Document;
            yield return document with { Document = SetFields(root, tree, root, context.ScopeFor(document)) };
        }
    }

    private static BsonDocument SetFields(BsonDocument source, ProjectionTree fields, BsonDocument root, ExpressionScope scope)
    {
        var result = new BsonDocument(source.Elements);
        foreach (var field in fields.Fields)
        {
            if (field.Kind == ProjectionTree.Kind.Nested)
            {
                result.Set(field.Name, SetValue(result.GetValue(field.Name, null), field.Nested!, root, scope));
            }
            else if (field.Expression!.Evaluate(root, scope) is { } value)
            {
                result.Set(field.Name, value);
            }
            else
            {
                // A missing result ($$REMOVE, a missing path) leaves no field behind.
                result.Remove(field.Name);
            }
        }

        return result;
    }

    private static BsonValue SetValue(BsonValue? value, ProjectionTree fields, BsonDocument root, ExpressionScope scope) => value switch
    {
        BsonDocument document => SetFields(document, fields, root, scope),
        BsonArray array => new BsonArray(array.Select(item => SetValue(item, fields, root, scope))),
        _ => SetFields([], fields, root, scope),
    };
}

/// <summary>$sort, stable; when a $limit follows, only the first <c>limit</c> documents are kept while reading.</summary>
internal sealed class SortStage(SortSpec spec, long? limit = null) : Stage
{
    public static SortStage Parse(BsonValue spec, AggregationContext context) => spec is BsonDocument { ElementCount: > 0 } document
        ? new SortStage(SortSpec.Parse(document, context.Query.Order))
        : throw new MongoErrorException(15976, "$sort stage must have at least one sort key");

    public SortStage WithLimit(long count) => new(spec, count);

    // OrderBy is a stable sort, so equal keys keep their input order. A bounded heap pays off for
    // small limits only.
    public override IEnumerable<MetaDoc> Execute(IEnumerable<MetaDoc> input) =>
        limit is { } count and < 100_000 ? TopSorted(input, (int)count) : input.OrderBy(document => document, spec);

    private IEnumerable<MetaDoc> TopSorted(IEnumerable<MetaDoc> input, int count)
    {
        // Arrival order breaks ties, which keeps the result identical to a stable sort.
        var order = Comparer<(MetaDoc Document, long Arrival)>.Create((x, y) =>
        {
            var byKey = spec.Compare(x.Document, y.Document);
            return byKey != 0 ? byKey : x.Arrival.CompareTo(y.Arrival);
        });
        var largestFirst = Comparer<(MetaDoc, long)>.Create((x, y) => order.Compare(y, x));
        var heap = new PriorityQueue<(MetaDoc, long), (MetaDoc, long)>(largestFirst);
        var arrival = 0L;
        foreach (var document in input)
        {
            var item = (document, arrival++);
            if (heap.Count < count)
            {
                heap.Enqueue(item, item);
            }
            else if (order.Compare(item, heap.Peek()) < 0)
            {
                heap.EnqueueDequeue(item, item);
            }
        }

        var kept = heap.UnorderedItems.Select(entry => entry.Element).ToList();
        kept.Sort(order);
        return kept.Select(entry => entry.Item1);
    }
}

internal sealed class SkipStage(long count) : Stage
{
    public static SkipStage Parse(BsonValue spec) =>
        !Values.IsNumber(spec) || !Values.IsIntegral(spec, out var count)
            ? throw new MongoErrorException(15972, $"Argument to $skip must be a non-negative integral number, found {spec}")
            : count < 0
                ? throw new MongoErrorException(15956, $"Argument to $skip cannot be negative: {count}")
                : new SkipStage(count);

    public override IEnumerable<MetaDoc> Execute(IEnumerable<MetaDoc> input) => count == 0 ? input : Skip(input);

    private IEnumerable<MetaDoc> Skip(IEnumerable<MetaDoc> input)
    {
        var skipped = 0L;
        foreach (var document in input)
        {
            if (skipped < count)
            {
                skipped++;
                continue;
            }

            yield return document;
        }
    }
}

internal sealed class LimitStage(long count) : Stage
{
    public long Count => count;

    public static LimitStage Parse(BsonValue spec) =>
        !Values.IsNumber(spec) || !Values.IsIntegral(spec, out var count)
            ? throw new MongoErrorException(15957, $"the limit must be specified as a number, found {spec}")
            : count <= 0
                ? throw new MongoErrorException(15958, $"the limit must be positive, found {count}")
                : new LimitStage(count);

    public override IEnumerable<MetaDoc> Execute(IEnumerable<MetaDoc> input)
    {
        var taken = 0L;
        foreach (var document in input)
        {
            yield return document;
            if (++taken >= count)
            {
                yield break;
            }
        }
    }
}

internal sealed class UnwindStage(string[] path, string[]? indexPath, bool preserve) : Stage
{
    public static UnwindStage Parse(BsonValue spec)
    {
        BsonValue pathSpec = spec;
        string? index = null;
        var preserve = false;
        if (spec is BsonDocument document)
        {
            pathSpec = document.GetValue("path", BsonNull.Value);
            foreach (var option in document)
            {
                switch (option.Name)
                {
                    case "path":
                        break;
                    case "includeArrayIndex":
                        index = option.Value is BsonString { Value: var name } && name.Length > 0 && !name.StartsWith('$')
                            ? name
                            : throw new MongoErrorException(28822, "includeArrayIndex option to $unwind stage should be a non-empty string not starting with '$'");
                        break;
                    case "preserveNullAndEmptyArrays":
                        preserve = option.Value.IsBoolean
                            ? option.Value.AsBoolean
                            : throw new MongoErrorException(28809, "expected a boolean for the preserveNullAndEmptyArrays option to $unwind stage");
                        break;
                    default:
                        throw new MongoErrorException(28811, $"unrecognized option to $unwind stage: {option.Name}");
                }
            }
        }
        else if (spec is not BsonString)
        {
            throw new MongoErrorException(15981, $"expected either a string or an object as specification for $unwind stage, got {Values.TypeName(spec)}");
        }

        if (pathSpec is not BsonString { Value: var pathText } || !pathText.StartsWith('$') || pathText.Length == 1)
        {
            throw new MongoErrorException(28818, "path option to $unwind stage should be prefixed with a '$'");
        }

        return new UnwindStage(
            ExpressionCompiler.SplitFieldPath(pathText[1..]), index is null ? null : ExpressionCompiler.SplitFieldPath(index), preserve);
    }

    public override IEnumerable<MetaDoc> Execute(IEnumerable<MetaDoc> input)
    {
        foreach (var document in input)
        {
            var value = DocumentPaths.Get(document.Document, path);
            if (value is BsonArray { Count: > 0 } array)
            {
                for (var i = 0; i < array.Count; i++)
                {
                    var unwound = DocumentPaths.With(document.Document, path, array[i]);
                    yield return document with { Document = indexPath is null ? unwound : DocumentPaths.With(unwound, indexPath, new BsonInt64(i)) };
                }
            }
            else if (value is not BsonArray && !Values.IsNullish(value))
            {
                yield return WithNullIndex(document, document.Document);
            }
            else if (preserve)
            {
                // An empty array disappears; null and missing stay as they were.
                yield return WithNullIndex(document, value is BsonArray ? DocumentPaths.With(document.Document, path, null) : document.Document);
            }
        }
    }

    private MetaDoc WithNullIndex(MetaDoc original, BsonDocument document) =>
        original with { Document = indexPath is null ? document : DocumentPaths.With(document, indexPath, BsonNull.Value) };
}

internal sealed class CountStage(string field) : Stage
{
    public static CountStage Parse(BsonValue spec) => spec switch
    {
        BsonString { Value.Length: 0 } => throw new MongoErrorException(40157, "the count field must be a non-empty string"),
        BsonString { Value: var s } when s.StartsWith('$') => throw new MongoErrorException(40158, "the count field cannot be a $-prefixed path"),
        BsonString { Value: var s } when s.Contains('.', StringComparison.Ordinal) => throw new MongoErrorException(40160, "the count field cannot contain '.'"),
        BsonString { Value: var s } => new CountStage(s),
        _ => throw new MongoErrorException(40156, "the count field must be a non-empty string"),
    };

    public override IEnumerable<MetaDoc> Execute(IEnumerable<MetaDoc> input)
    {
        var count = input.LongCount();
        if (count > 0)
        {
            yield return new MetaDoc(new BsonDocument(field, Values.Integer(count)));
        }
    }
}

internal sealed class ReplaceRootStage(AggExpression newRoot, AggregationContext context) : Stage
{
    public static ReplaceRootStage Parse(BsonValue spec, AggregationContext context, bool withOperand)
    {
        if (withOperand)
        {
            return new ReplaceRootStage(AggExpression.Compile(spec), context);
        }

        if (spec is not BsonDocument document || !document.Contains("newRoot"))
        {
            throw new MongoErrorException(40231, "no newRoot specified for the $replaceRoot stage");
        }

        if (document.Names.FirstOrDefault(name => name != "newRoot") is { } unknown)
        {
            throw new MongoErrorException(40415, $"BSON field '$replaceRoot.{unknown}' is an unknown field.");
        }

        return new ReplaceRootStage(AggExpression.Compile(document["newRoot"]), context);
    }

    public override IEnumerable<MetaDoc> Execute(IEnumerable<MetaDoc> input)
    {
        foreach (var document in input)
        {
            var value = newRoot.Evaluate(document.Document, context.ScopeFor(document));
            yield return value is BsonDocument replacement
                ? document with { Document = replacement }
                : throw new MongoErrorException(
                    40228,
                    $"'newRoot' expression must evaluate to an object, but resulting value was: {value?.ToString() ?? "MISSING"}. Type of resulting value: '{Values.TypeName(value)}'. Input document: {document.Document}");
        }
    }
}

/// <summary>$sample: a uniform random subset (reservoir sampling) from a fixed seed, so runs are reproducible.</summary>
internal sealed class SampleStage(int size) : Stage
{
    private const int Seed = 20240506;

    public static SampleStage Parse(BsonValue spec)
    {
        if (spec is not BsonDocument document || document.ElementCount != 1 || !document.Contains("size"))
        {
            throw new MongoErrorException(28749, "$sample stage must specify a size and no other option");
        }

        var size = document["size"];
        return Values.IsNumber(size) && Values.IsIntegral(size, out var n) && n is >= 0 and <= int.MaxValue
            ? new SampleStage((int)n)
            : throw new MongoErrorException(28747, $"size argument to $sample must not be negative, found {size}");
    }

    public override IEnumerable<MetaDoc> Execute(IEnumerable<MetaDoc> input)
    {
        var random = new Random(Seed);
        var reservoir = new List<MetaDoc>();
        var seen = 0L;
        foreach (var document in input)
        {
            seen++;
            if (reservoir.Count < size)
            {
                reservoir.Add(document);
            }
            else if (random.NextInt64(seen) is var slot && slot < size)
            {
                reservoir[(int)slot] = document;
            }
        }

        random.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(reservoir));
        return reservoir;
    }
}

internal sealed class FacetStage((string Name, Stage[] Stages)[] facets) : Stage
{
    public static FacetStage Parse(BsonValue spec, AggregationContext context)
    {
        if (spec is not BsonDocument { ElementCount: > 0 } document)
        {
            throw new MongoErrorException(40169, "the $facet specification must be a non-empty object");
        }

        var facets = new List<(string, Stage[])>();
        foreach (var element in document)
        {
            if (element.Name.Length == 0 || element.Name.StartsWith('$') || element.Name.Contains('.', StringComparison.Ordinal))
            {
                throw new MongoErrorException(40173, $"$facet output field names must not be empty, start with '$' or contain '.': '{element.Name}'");
            }

            if (element.Value is not BsonArray stages)
            {
                throw new MongoErrorException(40170, $"arguments to $facet must be arrays, {element.Name} is type {Values.TypeName(element.Value)}");
            }

            facets.Add((element.Name, Pipeline.ParseStages(stages, context, within: "$facet")));
        }

        return new FacetStage([.. facets]);
    }

    public override IEnumerable<MetaDoc> Execute(IEnumerable<MetaDoc> input)
    {
        var documents = input.ToList();
        var result = new BsonDocument();
        foreach (var (name, stages) in facets)
        {
            result.Add(name, new BsonArray(Pipeline.Run(stages, documents).Select(d => d.Document)));
        }

        yield return new MetaDoc(result);
    }
}

/// <summary>$unionWith: the input, then another collection's documents through an optional pipeline.</summary>
internal sealed class UnionWithStage(string collection, Stage[] stages, AggregationContext context) : Stage
{
    public static UnionWithStage Parse(BsonValue spec, AggregationContext context)
    {
        var (collection, pipeline) = spec switch
        {
            BsonString s => (s.Value, []),
            BsonDocument d when d.GetValue("coll", null) is BsonString c && d.Names.All(n => n is "coll" or "pipeline") =>
                (c.Value, d.GetValue("pipeline", new BsonArray()) as BsonArray
                    ?? throw MongoErrorException.TypeMismatch("$unionWith 'pipeline' must be an array")),
            _ => throw MongoErrorException.FailedToParse("$unionWith requires a collection name or {coll, pipeline}"),
        };
        return new UnionWithStage(collection, Pipeline.ParseStages(pipeline, context, within: "$unionWith"), context);
    }

    public override IEnumerable<MetaDoc> Execute(IEnumerable<MetaDoc> input)
    {
        foreach (var document in input)
        {
            yield return document;
        }

        var host = context.Host ?? throw MongoErrorException.BadValue("$unionWith needs access to other collections");
        foreach (var document in Pipeline.Run(stages, host.ReadCollection(collection).Select(d => new MetaDoc(d))))
        {
            yield return document;
        }
    }
}

/// <summary>Dotted paths through embedded documents only (arrays are not traversed), as $unwind and
/// output fields use them.</summary>
internal static class DocumentPaths
{
    public static BsonValue? Get(BsonDocument document, string[] path)
    {
        BsonValue current = document;
        foreach (var part in path)
        {
            if (current is not BsonDocument d || !d.TryGetValue(part, out current!))
            {
                return null;
            }
        }

        return current;
    }

    /// <summary>A copy of <paramref name="document"/> with the path set (null removes it); documents on
    /// the path are copied, anything else on the way is replaced by a document.</summary>
    public static BsonDocument With(BsonDocument document, string[] path, BsonValue? value, int index = 0)
    {
        var result = new BsonDocument(document.Elements);
        var name = path[index];
        if (index == path.Length - 1)
        {
            if (value is null)
            {
                result.Remove(name);
            }
            else
            {
                result.Set(name, value);
            }

            return result;
        }

        var child = result.GetValue(name, null) as BsonDocument ?? [];
        result.Set(name, With(child, path, value, index + 1));
        return result;
    }
}
