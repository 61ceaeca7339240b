using BayitPlus.MongoEmulator.Bson;
using BayitPlus.MongoEmulator.Query;
using MongoDB.Bson;

namespace BayitPlus.MongoEmulator.Update;

/// <summary>Parses an operator document (<c>{$set: ..., $inc: ...}</c>) into one update tree.</summary>
internal sealed class OperatorParser
{
    private readonly QueryContext _context;
    private readonly IReadOnlyDictionary<string, CompiledFilter> _arrayFilters;
    private readonly HashSet<string> _usedIdentifiers = new(StringComparer.Ordinal);
    private readonly ObjectNode _root = new();

    private OperatorParser(QueryContext context, IReadOnlyDictionary<string, CompiledFilter> arrayFilters)
    {
        _context = context;
        _arrayFilters = arrayFilters;
    }

    public static ObjectNode Parse(BsonDocument update, IReadOnlyDictionary<string, CompiledFilter> arrayFilters, QueryContext context)
    {
        var parser = new OperatorParser(context, arrayFilters);
        foreach (var modifier in update)
        {
            parser.ParseModifier(modifier);
        }

        foreach (var identifier in arrayFilters.Keys)
        {
            if (!parser._usedIdentifiers.Contains(identifier))
            {
                throw MongoErrorException.FailedToParse(
                    $"The array filter for identifier '{identifier}' was not used in the update {update.ToJson()}");
            }
        }

        return parser._root;
    }

    private void ParseModifier(BsonElement modifier)
    {
        Func<string, BsonValue, LeafNode>? build = modifier.Name switch
        {
            "$rename" => null,
            "$set" => static (_, v) => new SetLeaf(v, onInsertOnly: false),
            "$setOnInsert" => static (_, v) => new SetLeaf(v, onInsertOnly: true),
            "$unset" => static (_, _) => new UnsetLeaf(),
            "$inc" => static (f, v) => Arithmetic("$inc", "Cannot increment with non-numeric argument", f, v),
            "$mul" => static (f, v) => Arithmetic("$mul", "Cannot multiply with non-numeric argument", f, v),
            "$min" => static (_, v) => new MinMaxLeaf(isMin: true, v),
            "$max" => static (_, v) => new MinMaxLeaf(isMin: false, v),
            "$currentDate" => static (f, v) => CurrentDate(f, v),
            "$push" => (f, v) => Push(f, v),
            "$addToSet" => (_, v) => AddToSet(v),
            "$pull" => (_, v) => new PullLeaf(v, _context),
            "$pullAll" => static (_, v) => PullAll(v),
            "$pop" => static (f, v) => Pop(f, v),
            "$bit" => static (f, v) => Bit(f, v),
            _ => throw MongoErrorException.FailedToParse(
                $"Unknown modifier: {modifier.Name}. Expected a valid update modifier or pipeline-style update specified as an array"),
        };

        if (modifier.Value is not BsonDocument fields)
        {
            throw MongoErrorException.FailedToParse(
                $"Modifiers operate on fields but we found type {UpdateBson.TypeName(modifier.Value)} instead. For example: {{$mod: {{<field>: ...}}}} not {{{modifier.Name}: {modifier.Value}}}");
        }

        foreach (var field in fields)
        {
            if (build is null)
            {
                AddRename(field);
            }
            else
            {
                Add(field.Name, build(field.Name, field.Value));
            }
        }
    }

    private void Add(string path, LeafNode leaf) => UpdateTree.Insert(_root, path, Segments(path), leaf);

    private string[] Segments(string path)
    {
        if (path.Length == 0)
        {
            throw new MongoErrorException(ErrorCodes.EmptyFieldName, "An empty update path is not valid.");
        }

        var segments = path.Split('.');
        var positionalCount = 0;
        for (var i = 0; i < segments.Length; i++)
        {
            var segment = segments[i];
            if (segment.Length == 0)
            {
                throw new MongoErrorException(ErrorCodes.EmptyFieldName,
                    $"The update path '{path}' contains an empty field name, which is not allowed.");
            }

            if (segment[0] != '$')
            {
                continue;
            }

            if (segment == "$")
            {
                positionalCount++;
                if (i == 0)
                {
                    throw MongoErrorException.BadValue($"Cannot have positional (i.e. '$') element in the first position in path '{path}'");
                }
            }
            else if (UpdateTree.IsArrayPositional(segment))
            {
                if (i == 0)
                {
                    throw MongoErrorException.BadValue(
                        $"Cannot have array filter identifier (i.e. '$[<id>]') element in the first position in path '{path}'");
                }

                var identifier = segment[2..^1];
                if (identifier.Length > 0)
                {
                    if (!_arrayFilters.ContainsKey(identifier))
                    {
                        throw MongoErrorException.BadValue($"No array filter found for identifier '{identifier}' in path '{path}'");
                    }

                    _usedIdentifiers.Add(identifier);
                }
            }
            else
            {
                throw new MongoErrorException(ErrorCodes.DollarPrefixedFieldName,
                    $"The dollar ($) prefixed field '{segment}' in '{path}' is not valid for storage.");
            }
        }

        if (positionalCount > 1)
        {
            throw MongoErrorException.BadValue($"Too many positional (i.e. '$') elements found in path '{path}'");
        }

        return segments;
    }

    private void AddRename(BsonElement field)
    {
        var from = field.Name;
        if (field.Value is not BsonString { Value: var to })
        {
            throw MongoErrorException.BadValue(
                $"The 'to' field for $rename must be a string: {UpdateBson.Describe(from, field.Value)}");
        }

        var fromSegments = Segments(from);
        var toSegments = Segments(to);
        if (fromSegments.Any(IsDynamic))
        {
            throw MongoErrorException.BadValue($"The source field for $rename may not be dynamic: {from}");
        }

        if (toSegments.Any(IsDynamic))
        {
            throw MongoErrorException.BadValue($"The destination field for $rename may not be dynamic: {to}");
        }

        if (from == to)
        {
            throw MongoErrorException.BadValue($"The source and target field for $rename must differ: {UpdateBson.Describe(from, field.Value)}");
        }

        if (to.StartsWith(from + ".", StringComparison.Ordinal) || from.StartsWith(to + ".", StringComparison.Ordinal))
        {
            throw MongoErrorException.BadValue(
                $"The source and target field for $rename must not be on the same path: {UpdateBson.Describe(from, field.Value)}");
        }

        UpdateTree.Insert(_root, from, fromSegments, new PlaceholderLeaf());
        UpdateTree.Insert(_root, to, toSegments, new RenameLeaf(from, to));
    }

    private static bool IsDynamic(string segment) => segment == "$" || UpdateTree.IsArrayPositional(segment);

    private static ArithmeticLeaf Arithmetic(string op, string nonNumeric, string field, BsonValue operand) =>
        BsonOrder.IsNumber(operand)
            ? new ArithmeticLeaf(op, operand)
            : throw MongoErrorException.TypeMismatch($"{nonNumeric}: {UpdateBson.Describe(field, operand)}");

    private static CurrentDateLeaf CurrentDate(string field, BsonValue value)
    {
        switch (value)
        {
            case BsonBoolean:
                return new CurrentDateLeaf(timestamp: false);
            case BsonDocument spec:
                foreach (var option in spec)
                {
                    if (option.Name != "$type")
                    {
                        throw MongoErrorException.BadValue($"Unrecognized $currentDate option: {option.Name}");
                    }
                }

                return spec.GetValue("$type", null) switch
                {
                    BsonString { Value: "date" } => new CurrentDateLeaf(timestamp: false),
                    BsonString { Value: "timestamp" } => new CurrentDateLeaf(timestamp: true),
                    _ => throw MongoErrorException.BadValue(
                        $"The '$type' string field is required to be 'date' or 'timestamp': {UpdateBson.Describe(field, value)}"),
                };
            default:
                throw MongoErrorException.BadValue(
                    $"{UpdateBson.Describe(field, value)} is not valid type for $currentDate. Please use a boolean ('true') or a $type expression ({{$type: 'timestamp/date'}}).");
        }
    }

    private PushLeaf Push(string field, BsonValue value)
    {
        if (value is not BsonDocument spec || !spec.Contains("$each"))
        {
            return new PushLeaf([value], null, null, null);
        }

        IReadOnlyList<BsonValue>? values = null;
        long? position = null;
        long? slice = null;
        PushSort? sort = null;
        foreach (var clause in spec)
        {
            switch (clause.Name)
            {
                case "$each":
                    values = (clause.Value as BsonArray)?.ToList() ?? throw MongoErrorException.BadValue(
                        $"The argument to $each in $push must be an array but it was of type: {UpdateBson.TypeName(clause.Value)}");
                    break;
                case "$slice":
                    slice = UpdateBson.TryGetIntegral(clause.Value, out var n) ? n : throw MongoErrorException.BadValue(
                        $"The value for $slice must be an integral value, but found type: {UpdateBson.TypeName(clause.Value)}");
                    break;
                case "$position":
                    position = UpdateBson.TryGetIntegral(clause.Value, out var p) ? p : throw MongoErrorException.BadValue(
                        $"The value for $position must be an integer value, not of type: {UpdateBson.TypeName(clause.Value)}");
                    break;
                case "$sort":
                    sort = ParseSort(clause.Value);
                    break;
                default:
                    throw MongoErrorException.BadValue($"Unrecognized clause in $push: {clause.Name}");
            }
        }

        return new PushLeaf(values!, position, sort, slice);
    }

    private PushSort ParseSort(BsonValue value)
    {
        if (BsonOrder.IsNumber(value))
        {
            return new PushSort(_context.Order, SortDirection(value), null);
        }

        if (value is not BsonDocument pattern)
        {
            throw MongoErrorException.BadValue(
                "The $sort is invalid: use 1/-1 to sort the whole element, or {field:1/-1} to sort embedded fields");
        }

        if (pattern.ElementCount == 0)
        {
            throw MongoErrorException.BadValue("The $sort pattern is empty when it should be a set of fields.");
        }

        var fields = new List<(string, int)>();
        foreach (var field in pattern)
        {
            if (field.Name.Length == 0 || field.Name.Split('.').Any(s => s.Length == 0))
            {
                throw MongoErrorException.BadValue($"The $sort field is a dotted field but has an empty part: {field.Name}");
            }

            fields.Add((field.Name, SortDirection(field.Value)));
        }

        return new PushSort(_context.Order, 1, fields);
    }

    private static int SortDirection(BsonValue value) =>
        BsonOrder.IsNumber(value) && BsonOrder.ToDouble(value) is 1 or -1
            ? (int)BsonOrder.ToDouble(value)
            : throw MongoErrorException.BadValue("The $sort element value must be either 1 or -1");

    private AddToSetLeaf AddToSet(BsonValue value)
    {
        if (value is not BsonDocument spec || spec.ElementCount == 0 || spec.GetElement(0).Name != "$each")
        {
            return new AddToSetLeaf([value]);
        }

        if (spec.ElementCount > 1)
        {
            throw MongoErrorException.BadValue($"Found unexpected fields after $each in $addToSet: {spec.ToJson()}");
        }

        if (spec[0] is not BsonArray each)
        {
            throw MongoErrorException.BadValue(
                $"The argument to $each in $addToSet must be an array but it was of type {UpdateBson.TypeName(spec[0])}");
        }

        // The values are added once each, even when $each repeats one (under the collation).
        var distinct = new List<BsonValue>(each.Count);
        foreach (var item in each)
        {
            if (!distinct.Contains(item, _context.Order))
            {
                distinct.Add(item);
            }
        }

        return new AddToSetLeaf(distinct);
    }

    private static PullAllLeaf PullAll(BsonValue value) =>
        value is BsonArray values
            ? new PullAllLeaf(values)
            : throw MongoErrorException.BadValue($"$pullAll requires an array argument but was given a {UpdateBson.TypeName(value)}");

    private static PopLeaf Pop(string field, BsonValue value)
    {
        if (!BsonOrder.IsNumber(value))
        {
            throw MongoErrorException.FailedToParse($"Expected a number in: {UpdateBson.Describe(field, value)}");
        }

        return BsonOrder.ToDouble(value) switch
        {
            1 => new PopLeaf(first: false),
            -1 => new PopLeaf(first: true),
            _ => throw MongoErrorException.FailedToParse($"$pop expects 1 or -1, found: {value}"),
        };
    }

    private static BitLeaf Bit(string field, BsonValue value)
    {
        if (value is not BsonDocument spec)
        {
            throw MongoErrorException.BadValue(
                $"The $bit modifier is not compatible with a {UpdateBson.TypeName(value)}. You must pass in an embedded document: {{$bit: {{field: {{and/or/xor: #}}}}");
        }

        var operations = new List<(string, BsonValue)>();
        foreach (var op in spec)
        {
            if (op.Name is not ("and" or "or" or "xor"))
            {
                throw MongoErrorException.BadValue(
                    $"The $bit modifier only supports 'and', 'or', and 'xor', not '{op.Name}' which is an unknown operator: {UpdateBson.Describe(op.Name, op.Value)}");
            }

            if (op.Value.BsonType is not (BsonType.Int32 or BsonType.Int64))
            {
                throw MongoErrorException.BadValue(
                    $"The $bit modifier field must be an Integer(32/64 bit); a '{UpdateBson.TypeName(op.Value)}' is not supported here: {UpdateBson.Describe(op.Name, op.Value)}");
            }

            operations.Add((op.Name, op.Value));
        }

        if (operations.Count == 0)
        {
            throw MongoErrorException.BadValue($"You must pass in at least one bitwise operation. The format is: {{$bit: {{field: {{and/or/xor: #}}}}");
        }

        return new BitLeaf(operations);
    }
}
