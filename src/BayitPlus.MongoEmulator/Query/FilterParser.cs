using System.Text.RegularExpressions;
using BayitPlus.MongoEmulator.Aggregation;
using BayitPlus.MongoEmulator.Bson;
using MongoDB.Bson;

namespace BayitPlus.MongoEmulator.Query;

/// <summary>Where a filter document sits, which decides the operators it may use.</summary>
internal enum FilterScope
{
    /// <summary>The filter itself or a top-level <c>$and</c>: everything is allowed.</summary>
    TopLevel,

    /// <summary>Under <c>$or</c> or <c>$nor</c>: no <c>$text</c>.</summary>
    Nested,

    /// <summary>The document form of <c>$elemMatch</c>: no <c>$text</c>, <c>$expr</c> or <c>$where</c>.</summary>
    ElemMatch,
}

/// <summary>Turns a filter document into <see cref="MatchNode"/>s, validating every operator.</summary>
internal sealed class FilterParser(QueryContext context)
{
    private static readonly HashSet<string> UnsupportedOperators =
    [
        "$near", "$nearSphere", "$geoWithin", "$geoIntersects", "$within", "$box", "$center", "$centerSphere",
        "$polygon", "$geometry", "$maxDistance", "$minDistance", "$uniqueDocs",
    ];

    private static readonly HashSet<string> PathlessOperators =
    [
        "$and", "$or", "$nor", "$expr", "$text", "$where", "$comment", "$alwaysTrue", "$alwaysFalse", "$jsonSchema",
        "$sampleRate",
    ];

    private static readonly Dictionary<string, int> TypeAliases = new(StringComparer.Ordinal)
    {
        ["double"] = 1, ["string"] = 2, ["object"] = 3, ["array"] = 4, ["binData"] = 5, ["undefined"] = 6,
        ["objectId"] = 7, ["bool"] = 8, ["date"] = 9, ["null"] = 10, ["regex"] = 11, ["dbPointer"] = 12,
        ["javascript"] = 13, ["symbol"] = 14, ["javascriptWithScope"] = 15, ["int"] = 16, ["timestamp"] = 17,
        ["long"] = 18, ["decimal"] = 19, ["minKey"] = -1, ["maxKey"] = 127,
    };

    public Func<BsonDocument, double?>? TextScorer { get; private set; }

    /// <summary>The first segment of every path the filter constrains outside <c>$elemMatch</c>.</summary>
    public HashSet<string> ConstrainedFields { get; } = new(StringComparer.Ordinal);

    /// <summary>Whether a document starting with a <c>$</c> key is an operator expression rather
    /// than a literal (DBRefs, <c>{$ref, $id}</c>, are literals).</summary>
    public static bool IsOperatorDocument(BsonDocument document)
    {
        if (document.ElementCount == 0)
        {
            return false;
        }

        var first = document.GetElement(0).Name;
        return first.StartsWith('$') && first is not ("$ref" or "$id" or "$db");
    }

    public MatchNode ParseDocument(BsonDocument filter, FilterScope scope)
    {
        var nodes = new List<MatchNode>(filter.ElementCount);
        foreach (var element in filter)
        {
            if (element.Name.StartsWith('$'))
            {
                if (ParsePathlessOperator(element, scope) is { } node)
                {
                    nodes.Add(node);
                }
            }
            else
            {
                ParsePath(element.Name, element.Value, scope, nodes);
            }
        }

        return nodes.Count == 1 ? nodes[0] : new AndNode([.. nodes]);
    }

    private MatchNode? ParsePathlessOperator(BsonElement element, FilterScope scope)
    {
        switch (element.Name)
        {
            case "$and":
                return new AndNode(ParseClauses(element, scope));
            case "$or":
                return new OrNode(ParseClauses(element, NestedScope(scope)));
            case "$nor":
                return new NotNode(new OrNode(ParseClauses(element, NestedScope(scope))));
            case "$expr":
                if (scope == FilterScope.ElemMatch)
                {
                    throw MongoErrorException.BadValue("$expr can only be applied to the top-level document");
                }

                return new ExprNode(AggExpression.Compile(element.Value), context);
            case "$text":
                return ParseText(element.Value, scope);
            case "$comment":
                return null;
            case "$alwaysTrue" or "$alwaysFalse":
                if (!BsonOrder.IsNumber(element.Value) || BsonOrder.ToDouble(element.Value) != 1)
                {
                    throw MongoErrorException.FailedToParse($"{element.Name} must be an integer value of 1");
                }

                return new ConstantNode(element.Name == "$alwaysTrue");
            case "$where" or "$jsonSchema" or "$sampleRate":
                throw MongoErrorException.BadValue($"{element.Name} is not supported by the emulator");
            default:
                throw MongoErrorException.BadValue($"unknown top level operator: {element.Name}");
        }
    }

    private static FilterScope NestedScope(FilterScope scope) =>
        scope == FilterScope.ElemMatch ? FilterScope.ElemMatch : FilterScope.Nested;

    private MatchNode[] ParseClauses(BsonElement element, FilterScope scope)
    {
        if (element.Value is not BsonArray clauses)
        {
            throw MongoErrorException.BadValue($"{element.Name} must be an array");
        }

        if (clauses.Count == 0)
        {
            throw MongoErrorException.BadValue("$and/$or/$nor must be a nonempty array");
        }

        var nodes = new MatchNode[clauses.Count];
        for (var i = 0; i < clauses.Count; i++)
        {
            nodes[i] = clauses[i] is BsonDocument clause
                ? ParseDocument(clause, scope)
                : throw MongoErrorException.BadValue("$or/$and/$nor entries need to be full objects");
        }

        return nodes;
    }

    private TextNode ParseText(BsonValue spec, FilterScope scope)
    {
        if (scope != FilterScope.TopLevel)
        {
            throw MongoErrorException.BadValue("$text is only supported at the top level of a filter or in a top-level $and");
        }

        if (spec is not BsonDocument textSpec)
        {
            throw MongoErrorException.BadValue("$text needs an object");
        }

        if (TextScorer is not null)
        {
            throw MongoErrorException.BadValue("Too many text expressions");
        }

        var searcher = context.Text
            ?? throw new MongoErrorException(ErrorCodes.IndexNotFound, "text index required for $text query");
        TextScorer = searcher.Compile(textSpec);
        return new TextNode(TextScorer);
    }

    private void ParsePath(string name, BsonValue value, FilterScope scope, List<MatchNode> nodes)
    {
        var path = new CompiledPath(name);
        if (scope != FilterScope.ElemMatch)
        {
            ConstrainedFields.Add(path.FirstSegment);
        }

        if (value is BsonDocument document && IsOperatorDocument(document))
        {
            foreach (var spec in ParseOperators(document, name))
            {
                nodes.Add(ToNode(path, spec));
            }
        }
        else
        {
            nodes.Add(new PathNode(path, LeafArrays.ElementsAndArray, EqualityOrRegex(value)));
        }
    }

    private ValueTest EqualityOrRegex(BsonValue value) =>
        value is BsonRegularExpression regex ? RegexOf(regex.Pattern, regex.Options) : Equal(value);

    private EqualTest Equal(BsonValue value) => new(DefinedOperand(value), context.Order);

    private static BsonValue DefinedOperand(BsonValue value) =>
        value.BsonType == BsonType.Undefined ? throw MongoErrorException.BadValue("cannot compare to undefined") : value;

    private static MatchNode ToNode(CompiledPath path, OperatorSpec spec) => spec switch
    {
        LeafSpec leaf => new PathNode(path, leaf.Leaf, leaf.Test),
        NotSpec not => new NotNode(not.Inner.Count == 1
            ? ToNode(path, not.Inner[0])
            : new AndNode([.. not.Inner.Select(inner => ToNode(path, inner))])),
        _ => throw new InvalidOperationException(spec.GetType().Name),
    };

    private static ValueTest ToTest(IReadOnlyList<OperatorSpec> specs)
    {
        var tests = specs.Select(spec => spec switch
        {
            LeafSpec leaf => leaf.Test,
            NotSpec not => new NotTest(ToTest(not.Inner)),
            _ => throw new InvalidOperationException(spec.GetType().Name),
        }).ToArray();
        return tests.Length == 1 ? tests[0] : new AllTest(tests);
    }

    /// <summary>Parses <c>{$gt: 1, $lt: 5, ...}</c> into predicates that all must hold.</summary>
    private List<OperatorSpec> ParseOperators(BsonDocument operators, string path)
    {
        var specs = new List<OperatorSpec>(operators.ElementCount);
        BsonValue? regex = null;
        BsonValue? options = null;
        foreach (var element in operators)
        {
            var value = element.Value;
            switch (element.Name)
            {
                case "$eq":
                    specs.Add(new LeafSpec(Equal(value)));
                    break;
                case "$ne":
                    specs.Add(new NotSpec([new LeafSpec(Equal(value))]));
                    break;
                case "$lt":
                    specs.Add(Compare(Comparison.Less, value, path));
                    break;
                case "$lte":
                    specs.Add(Compare(Comparison.LessOrEqual, value, path));
                    break;
                case "$gt":
                    specs.Add(Compare(Comparison.Greater, value, path));
                    break;
                case "$gte":
                    specs.Add(Compare(Comparison.GreaterOrEqual, value, path));
                    break;
                case "$in":
                    specs.Add(new LeafSpec(ParseIn(value, "$in")));
                    break;
                case "$nin":
                    specs.Add(new NotSpec([new LeafSpec(ParseIn(value, "$nin"))]));
                    break;
                case "$exists":
                    var exists = new LeafSpec(ExistsTest.Instance, LeafArrays.ArrayOnly);
                    specs.Add(ExprNode.IsTruthy(value) ? exists : new NotSpec([exists]));
                    break;
                case "$type":
                    specs.Add(new LeafSpec(ParseType(value)));
                    break;
                case "$all":
                    specs.AddRange(ParseAll(value));
                    break;
                case "$elemMatch":
                    specs.Add(new LeafSpec(ParseElemMatch(value), LeafArrays.ArrayOnly));
                    break;
                case "$size":
                    specs.Add(new LeafSpec(ParseSize(value), LeafArrays.ArrayOnly));
                    break;
                case "$mod":
                    specs.Add(new LeafSpec(ParseMod(value)));
                    break;
                case "$regex":
                    regex = value;
                    break;
                case "$options":
                    options = value;
                    break;
                case "$not":
                    specs.Add(new NotSpec(ParseNot(value, path)));
                    break;
                case "$bitsAllSet":
                    specs.Add(new LeafSpec(new BitsTest(BitsKind.AllSet, ParseBitPositions(element))));
                    break;
                case "$bitsAnySet":
                    specs.Add(new LeafSpec(new BitsTest(BitsKind.AnySet, ParseBitPositions(element))));
                    break;
                case "$bitsAllClear":
                    specs.Add(new LeafSpec(new BitsTest(BitsKind.AllClear, ParseBitPositions(element))));
                    break;
                case "$bitsAnyClear":
                    specs.Add(new LeafSpec(new BitsTest(BitsKind.AnyClear, ParseBitPositions(element))));
                    break;
                case var name when UnsupportedOperators.Contains(name):
                    throw MongoErrorException.BadValue($"{name} is not supported by the emulator");
                default:
                    throw MongoErrorException.BadValue($"unknown operator: {element.Name}");
            }
        }

        if (regex is not null)
        {
            specs.Add(new LeafSpec(ParseRegex(regex, options)));
        }
        else if (options is not null)
        {
            throw MongoErrorException.BadValue("$options needs a $regex");
        }

        return specs;
    }

    private LeafSpec Compare(Comparison comparison, BsonValue value, string path) =>
        value is BsonRegularExpression
            ? throw MongoErrorException.BadValue($"Can't have RegEx as arg to predicate over field '{path}'.")
            : new LeafSpec(new CompareTest(comparison, DefinedOperand(value), context.Order));

    private InTest ParseIn(BsonValue value, string name)
    {
        if (value is not BsonArray items)
        {
            throw MongoErrorException.BadValue($"{name} needs an array");
        }

        var values = new List<BsonValue>(items.Count);
        var regexes = new List<RegexTest>();
        foreach (var item in items)
        {
            switch (item)
            {
                case BsonRegularExpression regex:
                    regexes.Add(RegexOf(regex.Pattern, regex.Options));
                    break;
                case BsonDocument document when IsOperatorDocument(document):
                    throw MongoErrorException.BadValue($"cannot nest $ under {name}");
                case BsonUndefined:
                    throw MongoErrorException.BadValue("InMatchExpression equality cannot be undefined");
                default:
                    values.Add(item);
                    break;
            }
        }

        return new InTest(values, regexes, context.Order);
    }

    private IEnumerable<OperatorSpec> ParseAll(BsonValue value)
    {
        if (value is not BsonArray items)
        {
            throw MongoErrorException.BadValue("$all needs an array");
        }

        if (items.Count == 0)
        {
            return [new LeafSpec(NeverTest.Instance)];
        }

        if (IsElemMatchDocument(items[0]))
        {
            return items.Select(item => IsElemMatchDocument(item)
                ? new LeafSpec(ParseElemMatch(item.AsBsonDocument[0]), LeafArrays.ArrayOnly)
                : throw MongoErrorException.BadValue("$all/$elemMatch has to be consistent")).ToList();
        }

        return items.Select(item => item is BsonDocument document && IsOperatorDocument(document)
            ? throw MongoErrorException.BadValue("no $ expressions in $all")
            : new LeafSpec(EqualityOrRegex(item))).ToList();
    }

    private static bool IsElemMatchDocument(BsonValue value) =>
        value is BsonDocument { ElementCount: > 0 } document && document.GetElement(0).Name == "$elemMatch";

    private ValueTest ParseElemMatch(BsonValue value)
    {
        if (value is not BsonDocument query)
        {
            throw MongoErrorException.BadValue("$elemMatch needs an Object");
        }

        return IsOperatorDocument(query) && !PathlessOperators.Contains(query.GetElement(0).Name)
            ? new ElemMatchValueTest(ToTest(ParseOperators(query, "")))
            : new ElemMatchDocumentTest(ParseDocument(query, FilterScope.ElemMatch));
    }

    private List<OperatorSpec> ParseNot(BsonValue value, string path) => value switch
    {
        BsonRegularExpression regex => [new LeafSpec(RegexOf(regex.Pattern, regex.Options))],
        BsonDocument { ElementCount: 0 } => throw MongoErrorException.BadValue("$not cannot be empty"),
        BsonDocument operators => ParseOperators(operators, path),
        _ => throw MongoErrorException.BadValue("$not needs a regex or a document"),
    };

    private static TypeTest ParseType(BsonValue value)
    {
        var types = new HashSet<BsonType>();
        var anyNumber = false;
        foreach (var item in value is BsonArray array ? array : [value])
        {
            int code;
            if (item.IsString)
            {
                if (item.AsString == "number")
                {
                    anyNumber = true;
                    continue;
                }

                code = TypeAliases.TryGetValue(item.AsString, out var aliased)
                    ? aliased
                    : throw MongoErrorException.BadValue($"Unknown type name alias: {item.AsString}");
            }
            else if (BsonOrder.IsNumber(item))
            {
                var number = BsonOrder.ToDouble(item);
                code = number == Math.Truncate(number) && TypeAliases.ContainsValue((int)number)
                    ? (int)number
                    : throw MongoErrorException.BadValue($"Invalid numerical type code: {item}");
            }
            else
            {
                throw MongoErrorException.TypeMismatch("type must be represented as a number or a string");
            }

            // The codes are BSON's type bytes, which BsonType mirrors except for MinKey; dbPointer
            // (12) has no BsonType, so asking for it matches nothing.
            types.Add(code == -1 ? BsonType.MinKey : (BsonType)code);
        }

        return new TypeTest(types, anyNumber);
    }

    private static SizeTest ParseSize(BsonValue value)
    {
        if (!BsonOrder.IsNumber(value))
        {
            throw MongoErrorException.BadValue("$size needs a number");
        }

        var size = BsonOrder.ToDouble(value);
        if (size != Math.Truncate(size))
        {
            throw MongoErrorException.BadValue("$size must be a whole number");
        }

        return size < 0
            ? throw MongoErrorException.BadValue("$size may not be negative")
            : new SizeTest(size > int.MaxValue ? int.MaxValue : (int)size);
    }

    private static ModTest ParseMod(BsonValue value)
    {
        if (value is not BsonArray arguments)
        {
            throw MongoErrorException.BadValue("malformed mod, needs to be an array");
        }

        if (arguments.Count != 2)
        {
            throw MongoErrorException.BadValue(arguments.Count < 2
                ? "malformed mod, not enough elements"
                : "malformed mod, too many elements");
        }

        var divisor = ModArgument(arguments[0], "divisor");
        var remainder = ModArgument(arguments[1], "remainder");
        return divisor == 0
            ? throw MongoErrorException.BadValue("divisor cannot be 0")
            : new ModTest(divisor, remainder);
    }

    private static long ModArgument(BsonValue value, string name)
    {
        if (!BsonOrder.IsNumber(value))
        {
            throw MongoErrorException.BadValue($"malformed mod, {name} not a number");
        }

        return ModTest.TruncateToLong(value)
            ?? throw MongoErrorException.BadValue($"malformed mod, {name} value is invalid");
    }

    /// <summary>The bit positions a bitmask names: a non-negative integer, an array of positions
    /// or binary data.</summary>
    private static int[] ParseBitPositions(BsonElement element)
    {
        switch (element.Value)
        {
            case BsonBinaryData binary:
                return [.. Enumerable.Range(0, binary.Bytes.Length * 8).Where(bit => ((binary.Bytes[bit / 8] >> (bit % 8)) & 1) == 1)];
            case BsonArray array:
                return [.. array.Select(position => BitPosition(position, element.Name))];
            case var number when BsonOrder.IsNumber(number):
                var mask = ModTest.TruncateToLong(number);
                if (mask is not { } bits || bits < 0 || BsonOrder.ToDouble(number) != bits)
                {
                    throw MongoErrorException.BadValue($"{element.Name} takes a non-negative integral bitmask, got {number}");
                }

                return [.. Enumerable.Range(0, 63).Where(bit => ((bits >> bit) & 1) == 1)];
            default:
                throw MongoErrorException.BadValue($"{element.Name} takes an Array, a number, or a BinData but received: {element.Value}");
        }
    }

    private static int BitPosition(BsonValue position, string name)
    {
        var number = BsonOrder.IsNumber(position) ? BsonOrder.ToDouble(position) : -1;
        return number >= 0 && number == Math.Truncate(number) && number <= int.MaxValue
            ? (int)number
            : throw MongoErrorException.BadValue($"{name} bit positions must be non-negative integers, got {position}");
    }

    private static RegexTest ParseRegex(BsonValue regex, BsonValue? options)
    {
        if (options is not null && !options.IsString)
        {
            throw MongoErrorException.BadValue("$options has to be a string");
        }

        return regex switch
        {
            BsonRegularExpression literal when options is not null && literal.Options.Length > 0 =>
                throw MongoErrorException.BadValue("options set in both $regex and $options"),
            BsonRegularExpression literal => RegexOf(literal.Pattern, options?.AsString ?? literal.Options),
            BsonString pattern => RegexOf(pattern.Value, options?.AsString ?? ""),
            _ => throw MongoErrorException.BadValue("$regex has to be a string"),
        };
    }

    /// <summary>Builds a .NET regex with the semantics of MongoDB's PCRE flags i, m, s, x (u is
    /// accepted: .NET regexes are Unicode already).</summary>
    public static RegexTest RegexOf(string pattern, string flags)
    {
        var options = RegexFlags.ToOptions(flags, "");

        try
        {
            return new RegexTest(new BsonRegularExpression(pattern, flags), new Regex(pattern, options));
        }
        catch (ArgumentException e)
        {
            throw new MongoErrorException(51091, $"Regular expression is invalid: {e.Message}");
        }
    }

    private abstract record OperatorSpec;

    private sealed record LeafSpec(ValueTest Test, LeafArrays Leaf = LeafArrays.ElementsAndArray) : OperatorSpec;

    private sealed record NotSpec(IReadOnlyList<OperatorSpec> Inner) : OperatorSpec;
}
