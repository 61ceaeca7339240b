using BayitPlus.MongoEmulator.Bson;
using BayitPlus.MongoEmulator.Query;
using MongoDB.Bson;

namespace BayitPlus.MongoEmulator.Update;

/// <summary><c>$set</c>, and <c>$setOnInsert</c> which only acts when an upsert inserts.</summary>
internal sealed class SetLeaf(BsonValue value, bool onInsertOnly) : LeafNode
{
    public override void ApplyExisting(Slot slot, BsonValue existing, string path, ApplyContext context)
    {
        if (!onInsertOnly || context.IsInsert)
        {
            slot.Set(value.DeepClone());
        }
    }

    public override BsonValue? CreateValue(string path, ApplyContext context) =>
        !onInsertOnly || context.IsInsert ? value.DeepClone() : null;
}

internal sealed class UnsetLeaf : LeafNode
{
    public override void ApplyExisting(Slot slot, BsonValue existing, string path, ApplyContext context) => slot.Remove();

    public override BsonValue? CreateValue(string path, ApplyContext context) => null;
}

/// <summary>Stands at the source path of <c>$rename</c> so other operators on it conflict.</summary>
internal sealed class PlaceholderLeaf : LeafNode
{
    public override void ApplyExisting(Slot slot, BsonValue existing, string path, ApplyContext context)
    {
    }

    public override BsonValue? CreateValue(string path, ApplyContext context) => null;
}

/// <summary><c>$inc</c> and <c>$mul</c>.</summary>
internal sealed class ArithmeticLeaf(string op, BsonValue operand) : LeafNode
{
    private static readonly BsonInt32 Zero = new(0);

    public override void ApplyExisting(Slot slot, BsonValue existing, string path, ApplyContext context)
    {
        if (!BsonOrder.IsNumber(existing))
        {
            throw MongoErrorException.TypeMismatch(
                $"Cannot apply {op} to a value of non-numeric type. {UpdateBson.DescribeId(context.Root)} has the field '{LastSegment(path)}' of non-numeric type {UpdateBson.TypeName(existing)}");
        }

        slot.Set(Compute(existing) ?? throw MongoErrorException.BadValue(
            $"Failed to apply {op} operations to current value ({UpdateBson.TypeName(existing)} {existing}) for document {UpdateBson.DescribeId(context.Root)}"));
    }

    // A missing field counts as zero of the operand's type: $inc sets the operand, $mul a zero.
    public override BsonValue? CreateValue(string path, ApplyContext context) =>
        op == "$inc" ? operand : BsonArithmetic.Multiply(Zero, operand);

    private BsonValue? Compute(BsonValue existing) =>
        op == "$inc" ? BsonArithmetic.Add(existing, operand) : BsonArithmetic.Multiply(existing, operand);
}

/// <summary><c>$min</c> and <c>$max</c>, comparing in MongoDB's cross-type order under the
/// operation's collation.</summary>
internal sealed class MinMaxLeaf(bool isMin, BsonValue value) : LeafNode
{
    public override void ApplyExisting(Slot slot, BsonValue existing, string path, ApplyContext context)
    {
        var cmp = context.Query.Order.Compare(value, existing);
        if (isMin ? cmp < 0 : cmp > 0)
        {
            slot.Set(value.DeepClone());
        }
    }

    public override BsonValue? CreateValue(string path, ApplyContext context) => value.DeepClone();
}

internal sealed class CurrentDateLeaf(bool timestamp) : LeafNode
{
    private static int _increment;

    public override void ApplyExisting(Slot slot, BsonValue existing, string path, ApplyContext context) => slot.Set(Now(context));

    public override BsonValue? CreateValue(string path, ApplyContext context) => Now(context);

    private BsonValue Now(ApplyContext context)
    {
        if (!timestamp)
        {
            return new BsonDateTime(context.Query.Now);
        }

        // Real timestamps come from the oplog clock; a rising increment keeps them distinct.
        var seconds = (int)new DateTimeOffset(context.Query.Now.ToUniversalTime()).ToUnixTimeSeconds();
        return new BsonTimestamp(seconds, Interlocked.Increment(ref _increment));
    }
}

internal sealed class BitLeaf(IReadOnlyList<(string Op, BsonValue Operand)> operations) : LeafNode
{
    public override void ApplyExisting(Slot slot, BsonValue existing, string path, ApplyContext context)
    {
        if (existing.BsonType is not (BsonType.Int32 or BsonType.Int64))
        {
            throw MongoErrorException.BadValue(
                $"Cannot apply $bit to a value of non-integral type.{UpdateBson.DescribeId(context.Root)} has the field {LastSegment(path)} of non-integer type {UpdateBson.TypeName(existing)}");
        }

        slot.Set(Compute(existing));
    }

    public override BsonValue? CreateValue(string path, ApplyContext context) => Compute(new BsonInt32(0));

    private BsonValue Compute(BsonValue start)
    {
        var current = start;
        foreach (var (op, operand) in operations)
        {
            var bothInt = current.BsonType == BsonType.Int32 && operand.BsonType == BsonType.Int32;
            var a = current.ToInt64();
            var b = operand.ToInt64();
            var result = op switch
            {
                "and" => a & b,
                "or" => a | b,
                _ => a ^ b,
            };
            current = bothInt ? new BsonInt32((int)result) : new BsonInt64(result);
        }

        return current;
    }
}

/// <summary>How <c>$push</c> orders the array after inserting: whole elements or by fields, under
/// the operation's collation.</summary>
internal sealed class PushSort(BsonOrder order, int direction, IReadOnlyList<(string Path, int Direction)>? fields) : IComparer<BsonValue>
{
    public int Compare(BsonValue? x, BsonValue? y)
    {
        if (fields is null)
        {
            return direction * order.Compare(x, y);
        }

        foreach (var (path, fieldDirection) in fields)
        {
            var cmp = order.Compare(Get(x, path), Get(y, path));
            if (cmp != 0)
            {
                return fieldDirection * cmp;
            }
        }

        return 0;
    }

    private static BsonValue? Get(BsonValue? value, string path)
    {
        foreach (var segment in path.Split('.'))
        {
            value = value switch
            {
                BsonDocument document => document.GetValue(segment, null),
                BsonArray array when UpdateBson.TryParseIndex(segment, out var i) && i < array.Count => array[i],
                _ => null,
            };
        }

        return value;
    }
}

internal sealed class PushLeaf(IReadOnlyList<BsonValue> values, long? position, PushSort? sort, long? slice) : LeafNode
{
    public override void ApplyExisting(Slot slot, BsonValue existing, string path, ApplyContext context)
    {
        if (existing is not BsonArray array)
        {
            throw MongoErrorException.BadValue(
                $"The field '{LastSegment(path)}' must be an array but is of type {UpdateBson.TypeName(existing)} in document {UpdateBson.DescribeId(context.Root)}");
        }

        Push(array);
    }

    public override BsonValue? CreateValue(string path, ApplyContext context)
    {
        var array = new BsonArray();
        Push(array);
        return array;
    }

    private void Push(BsonArray array)
    {
        var count = array.Count;
        var at = position switch
        {
            null => count,
            < 0 => (int)Math.Max(0, count + position.Value),
            _ => (int)Math.Min(count, position.Value),
        };
        for (var i = 0; i < values.Count; i++)
        {
            array.Insert(at + i, values[i].DeepClone());
        }

        if (sort is null && slice is null)
        {
            return;
        }

        IEnumerable<BsonValue> result = sort is null ? array : array.OrderBy(v => v, sort);
        if (slice is { } n)
        {
            var total = array.Count;
            result = n >= 0 ? result.Take((int)Math.Min(n, total)) : result.Skip((int)Math.Max(0, total + n));
        }

        var final = result.ToList();
        array.Clear();
        array.AddRange(final);
    }
}

internal sealed class AddToSetLeaf(IReadOnlyList<BsonValue> values) : LeafNode
{
    public override void ApplyExisting(Slot slot, BsonValue existing, string path, ApplyContext context)
    {
        if (existing is not BsonArray array)
        {
            throw MongoErrorException.BadValue(
                $"Cannot apply $addToSet to non-array field. Field named '{LastSegment(path)}' has non-array type {UpdateBson.TypeName(existing)}");
        }

        foreach (var value in values)
        {
            if (!array.Contains(value, context.Query.Order))
            {
                array.Add(value.DeepClone());
            }
        }
    }

    public override BsonValue? CreateValue(string path, ApplyContext context) => new BsonArray(values.Select(v => v.DeepClone()));
}

/// <summary><c>$pull</c>: equality for plain values, query semantics for conditions: a document
/// without leading operator is a query on embedded documents, an operator document (or regex) a
/// condition on the elements themselves.</summary>
internal sealed class PullLeaf : LeafNode
{
    private const string WrapperField = "element";

    private readonly BsonValue? _equal;
    private readonly CompiledFilter? _documentQuery;
    private readonly CompiledFilter? _elementQuery;

    public PullLeaf(BsonValue condition, QueryContext context)
    {
        if (condition is BsonDocument document && !IsElementCondition(document))
        {
            _documentQuery = CompiledFilter.Compile(document, context);
        }
        else if (condition.BsonType is BsonType.Document or BsonType.RegularExpression)
        {
            _elementQuery = CompiledFilter.Compile(new BsonDocument(WrapperField, condition), context);
        }
        else
        {
            _equal = condition;
        }
    }

    public override void ApplyExisting(Slot slot, BsonValue existing, string path, ApplyContext context)
    {
        if (existing is not BsonArray array)
        {
            throw MongoErrorException.BadValue("Cannot apply $pull to a non-array value");
        }

        var kept = new List<BsonValue>(array.Count);
        foreach (var element in array)
        {
            if (!Matches(element, context.Query.Order))
            {
                kept.Add(element);
            }
        }

        if (kept.Count != array.Count)
        {
            array.Clear();
            array.AddRange(kept);
        }
    }

    public override BsonValue? CreateValue(string path, ApplyContext context) => null;

    private static bool IsElementCondition(BsonDocument document)
    {
        if (document.ElementCount == 0)
        {
            return false;
        }

        var first = document.GetElement(0).Name;
        return first.StartsWith('$') && first is not ("$and" or "$or" or "$nor" or "$expr" or "$where" or "$text" or "$comment" or "$jsonSchema");
    }

    private bool Matches(BsonValue element, BsonOrder order)
    {
        if (_documentQuery is not null)
        {
            return element is BsonDocument document && _documentQuery.Matches(document);
        }

        return _elementQuery is not null
            ? _elementQuery.Matches(new BsonDocument(WrapperField, element))
            : order.Equals(_equal, element);
    }
}

internal sealed class PullAllLeaf(BsonArray values) : LeafNode
{
    public override void ApplyExisting(Slot slot, BsonValue existing, string path, ApplyContext context)
    {
        if (existing is not BsonArray array)
        {
            throw MongoErrorException.BadValue("Cannot apply $pullAll to a non-array value");
        }

        var kept = array.Where(e => !values.Contains(e, context.Query.Order)).ToList();
        if (kept.Count != array.Count)
        {
            array.Clear();
            array.AddRange(kept);
        }
    }

    public override BsonValue? CreateValue(string path, ApplyContext context) => null;
}

internal sealed class PopLeaf(bool first) : LeafNode
{
    public override void ApplyExisting(Slot slot, BsonValue existing, string path, ApplyContext context)
    {
        if (existing is not BsonArray array)
        {
            throw MongoErrorException.TypeMismatch(
                $"Path '{path}' contains an element of non-array type '{UpdateBson.TypeName(existing)}'");
        }

        if (array.Count > 0)
        {
            array.RemoveAt(first ? 0 : array.Count - 1);
        }
    }

    public override BsonValue? CreateValue(string path, ApplyContext context) => null;
}

/// <summary><c>$rename</c>, placed at the destination path: it moves the source value there.</summary>
internal sealed class RenameLeaf(string from, string to) : LeafNode
{
    public override void ApplyExisting(Slot slot, BsonValue existing, string path, ApplyContext context)
    {
        if (Take(context) is { } value)
        {
            slot.Set(value);
        }
    }

    public override BsonValue? CreateValue(string path, ApplyContext context) => Take(context);

    /// <summary>Removes the source field and returns its value; null when it is missing.</summary>
    private BsonValue? Take(ApplyContext context)
    {
        var source = Locate(context.Root, from, "source");
        if (source is not var (parent, name))
        {
            return null;
        }

        Locate(context.Root, to, "destination");
        var value = parent[name];
        parent.Remove(name);
        return value;
    }

    /// <summary>Finds the document holding the path's last field, refusing paths through arrays.</summary>
    private static (BsonDocument Parent, string Name)? Locate(BsonDocument root, string path, string role)
    {
        var segments = path.Split('.');
        var current = root;
        for (var i = 0; i < segments.Length; i++)
        {
            if (!current.TryGetValue(segments[i], out var value))
            {
                return null;
            }

            if (value is BsonArray && i < segments.Length - 1)
            {
                throw MongoErrorException.BadValue(
                    $"The {role} field cannot be an array element, '{path}' in doc with {UpdateBson.Describe(segments[i], value)} has an array field called '{segments[i]}'");
            }

            if (i == segments.Length - 1)
            {
                return (current, segments[i]);
            }

            if (value is not BsonDocument next)
            {
                return null;
            }

            current = next;
        }

        return null;
    }
}
