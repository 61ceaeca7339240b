using BayitPlus.MongoEmulator.Aggregation;
using BayitPlus.MongoEmulator.Bson;
using MongoDB.Bson;

namespace BayitPlus.MongoEmulator.Query;

/// <summary>The projection of find and findAndModify: inclusion, exclusion, <c>$slice</c>,
/// <c>$elemMatch</c>, <c>$meta</c>, positional <c>$</c> and aggregation expressions.</summary>
/// <remarks>Projected documents share unchanged sub-values with their input: treat them as read-only.</remarks>
public sealed class FindProjection
{
    private const string TextScoreMissing = "query requires text score metadata, but it is not available";

    private readonly Branch root;
    private readonly string? positionalPath;
    private readonly QueryContext context;

    private FindProjection(Branch root, bool inclusion, string? positionalPath, bool needsTextScore, QueryContext context)
    {
        this.root = root;
        IsInclusion = inclusion;
        this.positionalPath = positionalPath;
        this.context = context;
        NeedsTextScore = needsTextScore;
    }

    public bool NeedsTextScore { get; }

    /// <summary>True for an inclusion projection (only the named fields, and <c>_id</c> unless
    /// excluded), false for an exclusion projection (everything but the named fields).</summary>
    public bool IsInclusion { get; }

    public static FindProjection Parse(BsonDocument spec, QueryContext context)
    {
        var parser = new Parser(context);
        foreach (var element in spec)
        {
            parser.ParseElement(parser.Root, element.Name, element.Name, element.Value);
        }

        var inclusion = parser.ResolveInclusion();
        if (inclusion && !parser.IdSpecified)
        {
            parser.Root.Children["_id"] = Include.Instance;
        }
        else if (!inclusion && parser.IdIncludedEntirely)
        {
            parser.Root.Children.Remove("_id");
        }

        return new FindProjection(parser.Root, inclusion, parser.PositionalPath, parser.HasMeta, context);
    }

    /// <summary>Projects a document; <paramref name="filter"/> serves the positional <c>$</c>.</summary>
    public BsonDocument Apply(MetaDoc document, CompiledFilter? filter)
    {
        var state = new ApplyState(this, document, filter);
        return IsInclusion
            ? state.ProjectInclusion(root, document.Document)
            : state.ProjectExclusion(root, document.Document);
    }

    private abstract class Node;

    private sealed class Include : Node
    {
        public static readonly Include Instance = new();
    }

    private sealed class Exclude : Node
    {
        public static readonly Exclude Instance = new();
    }

    private sealed class Branch : Node
    {
        public OrderedDictionary<string, Node> Children { get; } = new(StringComparer.Ordinal);

        /// <summary>True when the positional <c>$</c> is below this branch: the first array met on its
        /// path is the one cut down to the matching element.</summary>
        public bool LeadsToPositional { get; set; }

        /// <summary>True when expressions below create fields even where the input has none.</summary>
        public bool HasComputed { get; set; }
    }

    private sealed class Computed(AggExpression expression) : Node
    {
        public AggExpression Expression { get; } = expression;
    }

    private sealed class TextScore : Node;

    private sealed class Slice(int? skip, int limit) : Node
    {
        public BsonValue Apply(BsonValue value)
        {
            if (value is not BsonArray array)
            {
                return value;
            }

            int start;
            int count;
            if (skip is { } s)
            {
                start = s >= 0 ? Math.Min(s, array.Count) : Math.Max(0, array.Count + s);
                count = Math.Min(limit, array.Count - start);
            }
            else
            {
                start = limit >= 0 ? 0 : Math.Max(0, array.Count + limit);
                count = limit >= 0 ? Math.Min(limit, array.Count) : array.Count - start;
            }

            var sliced = new BsonArray(count);
            for (var i = start; i < start + count; i++)
            {
                sliced.Add(array[i]);
            }

            return sliced;
        }
    }

    private sealed class ElemMatch(CompiledFilter filter) : Node
    {
        public CompiledFilter Filter { get; } = filter;
    }

    private sealed class Positional : Node
    {
        public static readonly Positional Instance = new();
    }

    private sealed class ApplyState(FindProjection projection, MetaDoc document, CompiledFilter? filter)
    {
        private int? positionalIndex;
        private bool positionalResolved;

        public BsonDocument ProjectInclusion(Branch branch, BsonDocument source)
        {
            var result = new BsonDocument();
            foreach (var element in source)
            {
                if (!branch.Children.TryGetValue(element.Name, out var child))
                {
                    continue;
                }

                var value = child switch
                {
                    Include => element.Value,
                    Branch nested => IncludeValue(nested, element.Value),
                    Slice slice => slice.Apply(element.Value),
                    Positional => PickPositional(element.Value),
                    _ => null,
                };
                if (value is not null)
                {
                    result.Add(element.Name, value);
                }
            }

            AddGenerated(branch, source, result);
            return result;
        }

        public BsonDocument ProjectExclusion(Branch branch, BsonDocument source)
        {
            var result = new BsonDocument();
            foreach (var element in source)
            {
                if (!branch.Children.TryGetValue(element.Name, out var child))
                {
                    result.Add(element);
                    continue;
                }

                var value = child switch
                {
                    Branch nested => ExcludeValue(nested, element.Value),
                    Slice slice => slice.Apply(element.Value),
                    _ => null,
                };
                if (value is not null)
                {
                    result.Add(element.Name, value);
                }
            }

            AddGenerated(branch, source, result);
            return result;
        }

        /// <summary>Appends, in specification order, the fields an inclusion or exclusion does not copy
        /// from the input: expressions, text scores, <c>$elemMatch</c> results and sub-documents
        /// that exist only because expressions create fields in them.</summary>
        private void AddGenerated(Branch branch, BsonDocument source, BsonDocument result)
        {
            foreach (var (name, child) in branch.Children)
            {
                var value = child switch
                {
                    Computed computed => computed.Expression.Evaluate(
                        document.Document,
                        new ExpressionScope(projection.context.Now, projection.context.Variables, document.TextScore, order: projection.context.Order)),
                    TextScore => document.TextScore is { } score
                        ? new BsonDouble(score)
                        : throw new MongoErrorException(40218, TextScoreMissing),
                    ElemMatch elemMatch => source.TryGetValue(name, out var array) ? MatchingElement(elemMatch.Filter, array) : null,
                    Branch { HasComputed: true } nested when !source.Contains(name) => ProjectInclusion(nested, []),
                    _ => null,
                };
                if (value is not null)
                {
                    result[name] = value;
                }
            }
        }

        private BsonArray? MatchingElement(CompiledFilter elemMatch, BsonValue value) =>
            value is BsonArray array && elemMatch.PositionalIndex(document.Document) is { } index
                ? [array[index]]
                : null;

        private BsonValue? IncludeValue(Branch branch, BsonValue value)
        {
            switch (value)
            {
                case BsonDocument nested:
                    return ProjectInclusion(branch, nested);
                case BsonArray array when branch.LeadsToPositional:
                    return PickPositional(array);
                case BsonArray array:
                    var projected = new BsonArray(array.Count);
                    foreach (var element in array)
                    {
                        if (element is BsonDocument or BsonArray)
                        {
                            projected.Add(IncludeValue(branch, element));
                        }
                    }

                    return projected;
                default:
                    return branch.HasComputed ? ProjectInclusion(branch, []) : null;
            }
        }

        private BsonValue ExcludeValue(Branch branch, BsonValue value)
        {
            switch (value)
            {
                case BsonDocument nested:
                    return ProjectExclusion(branch, nested);
                case BsonArray array:
                    var projected = new BsonArray(array.Count);
                    foreach (var element in array)
                    {
                        projected.Add(ExcludeValue(branch, element));
                    }

                    return projected;
                default:
                    return value;
            }
        }

        private BsonValue PickPositional(BsonValue value)
        {
            if (value is not BsonArray array)
            {
                return value;
            }

            var index = ResolvePositionalIndex()
                ?? throw new MongoErrorException(51246, "positional operator '.$' couldn't find a matching element in the array");
            return index < array.Count
                ? new BsonArray { array[index] }
                : throw new MongoErrorException(51247, "positional operator '.$' element mismatch");
        }

        private int? ResolvePositionalIndex()
        {
            if (!positionalResolved)
            {
                if (filter is null)
                {
                    throw new MongoErrorException(51050, "Projections with a positional operator require a matcher");
                }

                var path = projection.positionalPath!;
                var field = path.Split('.')[0];
                if (!filter.ConstrainsField(field))
                {
                    throw new MongoErrorException(31277, $"Positional projection '{path}.$' does not match the query document.");
                }

                positionalIndex = filter.PositionalIndex(document.Document);
                positionalResolved = true;
            }

            return positionalIndex;
        }
    }

    /// <summary>Builds the projection tree and works out, as the server does, whether the
    /// projection includes or excludes.</summary>
    private sealed class Parser(QueryContext context)
    {
        private bool? inclusion;
        private bool hasSlice;
        private bool hasElemMatch;

        public Branch Root { get; } = new();

        public bool IdSpecified { get; private set; }

        public bool IdIncludedEntirely { get; private set; }

        public bool HasMeta { get; private set; }

        public string? PositionalPath { get; private set; }

        private bool IdExcludedEntirely { get; set; }

        public void ParseElement(Branch parent, string name, string fullPath, BsonValue value)
        {
            var isTopLevelId = parent == Root && name == "_id";
            if (parent == Root && (name == "_id" || name.StartsWith("_id.", StringComparison.Ordinal)))
            {
                IdSpecified = true;
            }

            var positional = PositionalPrefix(name);
            switch (value)
            {
                case BsonDocument subObject:
                    if (positional is not null)
                    {
                        throw new MongoErrorException(31271, "positional projection cannot be used with an expression or sub object");
                    }

                    ParseSubObject(parent, name, fullPath, subObject);
                    break;
                case BsonBoolean or BsonInt32 or BsonInt64 or BsonDouble or BsonDecimal128 when ExprNode.IsTruthy(value):
                    if (positional is not null)
                    {
                        AddPositional(parent, name, fullPath, positional);
                    }
                    else
                    {
                        AddNode(parent, name, fullPath, Include.Instance);
                        IdIncludedEntirely |= isTopLevelId;
                    }

                    if (!isTopLevelId)
                    {
                        SetType(true, () => new MongoErrorException(31253, $"Cannot do inclusion on field {fullPath} in exclusion projection"));
                    }

                    break;
                case BsonBoolean or BsonInt32 or BsonInt64 or BsonDouble or BsonDecimal128:
                    AddNode(parent, name, fullPath, Exclude.Instance);
                    if (isTopLevelId)
                    {
                        IdExcludedEntirely = true;
                    }
                    else
                    {
                        SetType(false, () => new MongoErrorException(31254, $"Cannot do exclusion on field {fullPath} in inclusion projection"));
                    }

                    break;
                default:
                    if (positional is not null)
                    {
                        throw new MongoErrorException(31308, "positional projection cannot be used with a literal");
                    }

                    SetType(true, () => new MongoErrorException(31310, $"Cannot use an expression {fullPath}: {value} in an exclusion projection"));
                    AddComputed(parent, name, fullPath, AggExpression.Compile(value));
                    break;
            }
        }

        public bool ResolveInclusion()
        {
            if (inclusion is { } known)
            {
                return known;
            }

            // The server's rules for projections made only of _id and find-only operators.
            if (hasSlice)
            {
                return IdIncludedEntirely;
            }

            if (hasElemMatch)
            {
                return true;
            }

            return !IdExcludedEntirely && IdIncludedEntirely;
        }

        private void SetType(bool include, Func<MongoErrorException> conflict)
        {
            if (inclusion is { } current && current != include)
            {
                throw conflict();
            }

            inclusion = include;
        }

        private static string? PositionalPrefix(string name)
        {
            if (name.EndsWith(".$", StringComparison.Ordinal))
            {
                return name[..^2];
            }

            return name.Contains(".$.", StringComparison.Ordinal)
                ? throw MongoErrorException.BadValue(
                    $"Positional projection may only be used at the end, for example: a.b.$. Invalid: {name}")
                : null;
        }

        private void ParseSubObject(Branch parent, string name, string fullPath, BsonDocument subObject)
        {
            if (subObject.ElementCount == 0)
            {
                throw new MongoErrorException(51270, $"An empty sub-projection is not a valid value. Found empty object at path {fullPath}");
            }

            var first = subObject.GetElement(0);
            if (subObject.ElementCount == 1 && first.Name.StartsWith('$'))
            {
                ParseOperator(parent, name, fullPath, first);
                return;
            }

            var branch = AddNode(parent, name, fullPath, new Branch());
            foreach (var element in subObject)
            {
                if (element.Name.StartsWith('$'))
                {
                    throw MongoErrorException.BadValue($"FieldPath field names may not start with '$': {fullPath}.{element.Name}");
                }

                ParseElement(branch, element.Name, $"{fullPath}.{element.Name}", element.Value);
            }
        }

        private void ParseOperator(Branch parent, string name, string fullPath, BsonElement op)
        {
            switch (op.Name)
            {
                case "$slice" when ParseSlice(op.Value) is { } slice:
                    AddNode(parent, name, fullPath, slice);
                    hasSlice = true;
                    break;
                case "$elemMatch":
                    AddElemMatch(parent, name, fullPath, op.Value);
                    break;
                case "$meta":
                    if (op.Value is not BsonString { Value: "textScore" })
                    {
                        throw MongoErrorException.BadValue($"$meta {op.Value} is not supported by the emulator");
                    }

                    AddNode(parent, name, fullPath, new TextScore());
                    HasMeta = true;
                    break;
                default:
                    if (inclusion == false)
                    {
                        throw new MongoErrorException(31252, "Cannot use expression other than $meta in exclusion projection");
                    }

                    inclusion = true;
                    AddComputed(parent, name, fullPath, AggExpression.Compile(new BsonDocument(op)));
                    break;
            }
        }

        /// <summary>The find form of <c>$slice</c> (n or [skip, n]); null when the argument is the
        /// aggregation expression <c>$slice</c> instead (<c>["$array", n]</c>).</summary>
        private static Slice? ParseSlice(BsonValue argument)
        {
            if (BsonOrder.IsNumber(argument))
            {
                return new Slice(null, SliceNumber(argument));
            }

            if (argument is not BsonArray array)
            {
                throw new MongoErrorException(31273, "$slice only supports numbers and [skip, limit] arrays");
            }

            if (array.Count == 2 && BsonOrder.IsNumber(array[0]) && BsonOrder.IsNumber(array[1]))
            {
                var limit = SliceNumber(array[1]);
                return limit > 0
                    ? new Slice(SliceNumber(array[0]), limit)
                    : throw new MongoErrorException(31259, $"$slice limit must be positive, got {limit}");
            }

            return array.Count == 2 && !BsonOrder.IsNumber(array[0])
                ? null
                : throw new MongoErrorException(31272, "$slice array argument should be of form [skip, limit]");
        }

        private static int SliceNumber(BsonValue number)
        {
            var value = Math.Truncate(BsonOrder.ToDouble(number));
            return double.IsNaN(value) ? 0 : (int)Math.Clamp(value, int.MinValue, int.MaxValue);
        }

        private void AddElemMatch(Branch parent, string name, string fullPath, BsonValue argument)
        {
            if (argument is not BsonDocument)
            {
                throw new MongoErrorException(31274, $"elemMatch: Invalid argument, object required, but got {argument.BsonType}");
            }

            if (PositionalPath is not null)
            {
                throw new MongoErrorException(31255, "Cannot specify positional operator and $elemMatch.");
            }

            if (parent != Root || name.Contains('.', StringComparison.Ordinal))
            {
                throw new MongoErrorException(31275, "Cannot use $elemMatch projection on a nested field.");
            }

            var filter = CompiledFilter.Compile(new BsonDocument(name, new BsonDocument("$elemMatch", argument)), context);
            AddNode(parent, name, fullPath, new ElemMatch(filter));
            hasElemMatch = true;
        }

        private void AddPositional(Branch parent, string name, string fullPath, string prefix)
        {
            if (PositionalPath is not null)
            {
                throw new MongoErrorException(31276, "Cannot specify more than one positional projection per query.");
            }

            if (hasElemMatch)
            {
                throw new MongoErrorException(31256, "Cannot specify positional operator and $elemMatch.");
            }

            PositionalPath = fullPath[..^2];
            AddNode(parent, prefix, fullPath, Positional.Instance);
            MarkPath(parent, prefix, branch => branch.LeadsToPositional = true);
        }

        private void AddComputed(Branch parent, string name, string fullPath, AggExpression expression)
        {
            AddNode(parent, name, fullPath, new Computed(expression));
            MarkPath(parent, name, branch => branch.HasComputed = true);
        }

        /// <summary>Flags the branches from the root down to a dotted name under <paramref name="parent"/>.</summary>
        private void MarkPath(Branch parent, string dottedName, Action<Branch> mark)
        {
            MarkAncestors(Root, parent, mark);
            var branch = parent;
            var segments = dottedName.Split('.');
            for (var i = 0; i < segments.Length - 1; i++)
            {
                branch = (Branch)branch.Children[segments[i]];
                mark(branch);
            }
        }

        private static bool MarkAncestors(Branch current, Branch target, Action<Branch> mark)
        {
            if (current == target)
            {
                return true;
            }

            foreach (var child in current.Children.Values)
            {
                if (child is Branch branch && MarkAncestors(branch, target, mark))
                {
                    mark(branch);
                    return true;
                }
            }

            return false;
        }

        /// <summary>Adds a node at a possibly dotted name below <paramref name="parent"/>, creating
        /// the branches on the way; a path given twice, or given both whole and in part, collides.</summary>
        private static TNode AddNode<TNode>(Branch parent, string dottedName, string fullPath, TNode node)
            where TNode : Node
        {
            var segments = dottedName.Split('.');
            var branch = parent;
            for (var i = 0; i < segments.Length - 1; i++)
            {
                if (!branch.Children.TryGetValue(segments[i], out var existing))
                {
                    existing = new Branch();
                    branch.Children.Add(segments[i], existing);
                }

                branch = existing as Branch ?? throw new MongoErrorException(
                    31249, $"Path collision at {fullPath} remaining portion {string.Join('.', segments[(i + 1)..])}");
            }

            if (!branch.Children.TryAdd(segments[^1], node))
            {
                throw new MongoErrorException(31250, $"Path collision at {fullPath}");
            }

            return node;
        }
    }
}
