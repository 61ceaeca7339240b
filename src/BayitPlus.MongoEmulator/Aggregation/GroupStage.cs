using BayitPlus.MongoEmulator.Bson;
using MongoDB.Bson;

namespace BayitPlus.MongoEmulator.Aggregation;

/// <summary>$group, and the stages MongoDB defines through it: $sortByCount and $bucket.
/// Groups come out in the order their first document arrived.</summary>
internal sealed class GroupStage(Func<BsonDocument, ExpressionScope, BsonValue?> key, GroupStage.Output[] outputs, AggregationContext context) : Stage
{
    private static readonly HashSet<string> UnsupportedAccumulators =
    [
        "$top", "$topN", "$bottom", "$bottomN", "$firstN", "$lastN", "$maxN", "$minN", "$accumulator", "$median", "$percentile",
    ];

    public static GroupStage Parse(BsonValue spec, AggregationContext context)
    {
        if (spec is not BsonDocument document)
        {
            throw new MongoErrorException(15947, "a group's fields must be specified in an object");
        }

        if (!document.TryGetValue("_id", out var id))
        {
            throw new MongoErrorException(15955, "a group specification must include an _id");
        }

        var outputs = document.Where(e => e.Name != "_id").Select(e => ParseOutput(e.Name, e.Value)).ToArray();
        return new GroupStage(KeyOf(id), outputs, context);
    }

    /// <summary>The group key of <c>_id</c>. A document of one field groups on that field's value,
    /// missing made null, and wraps it (the server's single id expression): <c>{a: "$a"}</c> puts a
    /// document without <c>a</c> in the group of <c>{a: null}</c>, whereas an id of two fields leaves
    /// a missing one out of the key.</summary>
    private static Func<BsonDocument, ExpressionScope, BsonValue?> KeyOf(BsonValue id)
    {
        // Compiled whole even for one field, so that its name is checked as any object expression's.
        var whole = AggExpression.Compile(id);
        if (id is not BsonDocument { ElementCount: 1 } single || single.GetElement(0).Name.StartsWith('$'))
        {
            return whole.Evaluate;
        }

        var name = single.GetElement(0).Name;
        var field = AggExpression.Compile(single[0]);
        return (document, scope) => new BsonDocument(name, field.Evaluate(document, scope) ?? BsonNull.Value);
    }

    /// <summary>$sortByCount: groups by the expression, counts, and sorts by count descending.</summary>
    public static Stage ParseSortByCount(BsonValue spec, AggregationContext context)
    {
        if (spec is not (BsonString { Value: ['$', ..] } or BsonDocument { ElementCount: 1 }))
        {
            throw new MongoErrorException(40148, "the sortByCount field must be defined as a $-prefixed path or an expression");
        }

        var group = new GroupStage(AggExpression.Compile(spec).Evaluate, [new Output("count", Accumulator.Factory("$sum")!, AggExpression.Compile(1))], context);
        return new SortByCountStage(group);
    }

    public static Stage ParseBucket(BsonValue spec, AggregationContext context)
    {
        if (spec is not BsonDocument document)
        {
            throw new MongoErrorException(40201, "Argument to $bucket stage must be an object");
        }

        AggExpression? groupBy = null;
        BsonArray? boundaries = null;
        BsonValue? fallback = null;
        var outputs = new[] { new Output("count", Accumulator.Factory("$sum")!, AggExpression.Compile(1)) };
        foreach (var element in document)
        {
            switch (element.Name)
            {
                case "groupBy":
                    groupBy = element.Value is BsonString { Value: ['$', ..] } or BsonDocument
                        ? AggExpression.Compile(element.Value)
                        : throw new MongoErrorException(40202, "The $bucket 'groupBy' field must be defined as a $-prefixed path or an expression");
                    break;
                case "boundaries":
                    boundaries = element.Value as BsonArray;
                    break;
                case "default":
                    fallback = element.Value;
                    break;
                case "output":
                    outputs = element.Value is BsonDocument output
                        ? [.. output.Select(e => ParseOutput(e.Name, e.Value))]
                        : throw new MongoErrorException(40196, "The $bucket 'output' field must be an object");
                    break;
                default:
                    throw new MongoErrorException(40197, $"Unrecognized option to $bucket: {element.Name}");
            }
        }

        if (groupBy is null || boundaries is null)
        {
            throw new MongoErrorException(40198, "$bucket requires 'groupBy' and 'boundaries' to be specified");
        }

        ValidateBoundaries(boundaries, fallback, context.Query.Order);
        return new BucketStage(groupBy, boundaries, fallback, outputs, context);
    }

    private static void ValidateBoundaries(BsonArray boundaries, BsonValue? fallback, BsonOrder order)
    {
        if (boundaries.Count < 2)
        {
            throw new MongoErrorException(40192, "The $bucket 'boundaries' field must have at least 2 values");
        }

        for (var i = 1; i < boundaries.Count; i++)
        {
            if (BsonOrder.TypeRank(boundaries[i]) != BsonOrder.TypeRank(boundaries[0]))
            {
                throw new MongoErrorException(40193, "All values in the 'boundaries' option to $bucket must have the same type");
            }

            if (order.Compare(boundaries[i - 1], boundaries[i]) >= 0)
            {
                throw new MongoErrorException(40194, "The 'boundaries' option to $bucket must be sorted in ascending order");
            }
        }

        if (fallback is not null && BsonOrder.TypeRank(fallback) == BsonOrder.TypeRank(boundaries[0])
            && order.Compare(fallback, boundaries[0]) >= 0 && order.Compare(fallback, boundaries[^1]) < 0)
        {
            throw new MongoErrorException(40199, "The $bucket 'default' field must be less than the lowest boundary or greater than or equal to the highest boundary");
        }
    }

    private static Output ParseOutput(string name, BsonValue spec)
    {
        if (name.StartsWith('$') || name.Contains('.', StringComparison.Ordinal))
        {
            throw new MongoErrorException(40235, $"The field name '{name}' cannot contain '.' or start with '$'");
        }

        if (spec is not BsonDocument { ElementCount: 1 } accumulator)
        {
            throw new MongoErrorException(40234, $"The field '{name}' must be an accumulator object");
        }

        var (op, argument) = (accumulator.GetElement(0).Name, accumulator[0]);
        if (op == "$count")
        {
            return argument is BsonDocument { ElementCount: 0 }
                ? new Output(name, Accumulator.Factory("$sum")!, AggExpression.Compile(1))
                : throw MongoErrorException.FailedToParse("$count takes no arguments, i.e. $count:{}");
        }

        if (UnsupportedAccumulators.Contains(op))
        {
            throw MongoErrorException.BadValue($"The {op} accumulator is not supported by the emulator");
        }

        var factory = Accumulator.Factory(op) ?? throw new MongoErrorException(15952, $"unknown group operator '{op}'");
        if (argument is BsonArray)
        {
            throw new MongoErrorException(40237, $"The {op} accumulator is a unary operator");
        }

        return new Output(name, factory, AggExpression.Compile(argument));
    }

    public override IEnumerable<MetaDoc> Execute(IEnumerable<MetaDoc> input) =>
        Aggregate(input, (document, scope) => key(document.Document, scope), outputs, context);

    private static IEnumerable<MetaDoc> Aggregate(
        IEnumerable<MetaDoc> input, Func<MetaDoc, ExpressionScope, BsonValue?> keyOf, Output[] outputs, AggregationContext context)
    {
        // Keys and accumulators compare as expressions do (undefined apart from null); a missing key
        // becomes null, as the server's group key does.
        var valueOrder = context.Query.Order.ForExpressions;
        var groups = new Dictionary<BsonValue, Accumulator[]>(valueOrder);
        var order = new List<BsonValue>();
        foreach (var document in input)
        {
            var scope = context.ScopeFor(document);
            var groupKey = keyOf(document, scope) ?? BsonNull.Value;
            if (!groups.TryGetValue(groupKey, out var accumulators))
            {
                accumulators = [.. outputs.Select(o => o.Factory(valueOrder))];
                groups.Add(groupKey, accumulators);
                order.Add(groupKey);
            }

            for (var i = 0; i < outputs.Length; i++)
            {
                accumulators[i].Add(outputs[i].Argument.Evaluate(document.Document, scope));
            }
        }

        foreach (var groupKey in order)
        {
            var result = new BsonDocument("_id", groupKey);
            var accumulators = groups[groupKey];
            for (var i = 0; i < outputs.Length; i++)
            {
                if (accumulators[i].Result() is { } value)
                {
                    result.Add(outputs[i].Name, value);
                }
            }

            yield return new MetaDoc(result);
        }
    }

    internal sealed record Output(string Name, Func<BsonOrder, Accumulator> Factory, AggExpression Argument);

    private sealed class SortByCountStage(GroupStage group) : Stage
    {
        public override IEnumerable<MetaDoc> Execute(IEnumerable<MetaDoc> input) =>
            group.Execute(input).OrderByDescending(d => d.Document["count"], BsonOrder.Instance);
    }

    /// <summary>$bucket: groups on the lower boundary of each document's bucket (or the default) and
    /// sorts the buckets by it.</summary>
    private sealed class BucketStage(
        AggExpression groupBy, BsonArray boundaries, BsonValue? fallback, Output[] outputs, AggregationContext context) : Stage
    {
        public override IEnumerable<MetaDoc> Execute(IEnumerable<MetaDoc> input) =>
            Aggregate(input, BucketOf, outputs, context).OrderBy(d => d.Document["_id"], context.Query.Order);

        private BsonValue BucketOf(MetaDoc document, ExpressionScope scope)
        {
            var value = groupBy.Evaluate(document.Document, scope);
            if (BsonOrder.TypeRank(value) == BsonOrder.TypeRank(boundaries[0])
                && context.Query.Order.Compare(value, boundaries[0]) >= 0 && context.Query.Order.Compare(value, boundaries[^1]) < 0)
            {
                var i = 1;
                while (context.Query.Order.Compare(value, boundaries[i]) >= 0)
                {
                    i++;
                }

                return boundaries[i - 1];
            }

            return fallback ?? throw new MongoErrorException(
                40066, $"$bucket could not find a matching branch for an input, and no default was specified. Value: {value?.ToString() ?? "missing"}");
        }
    }
}
