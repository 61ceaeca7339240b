using System.Globalization;
using BayitPlus.MongoEmulator.Bson;
using BayitPlus.MongoEmulator.Query;
using MongoDB.Bson;

namespace BayitPlus.MongoEmulator.Update;

/// <summary>A node of the parsed update: every operator path of one update merged into one tree,
/// as the server does, so conflicts show at parse time and fields apply in a fixed order.</summary>
internal abstract class UpdateNode;

/// <summary>Children addressed by field name (or array index), plus the positional <c>$</c>
/// child that resolves to the index the query matched.</summary>
internal sealed class ObjectNode : UpdateNode
{
    public SortedList<string, UpdateNode> Children { get; } = new(FieldOrder.Instance);

    public UpdateNode? Positional { get; set; }
}

/// <summary>Children that address array elements: <c>$[]</c> (key "") and <c>$[identifier]</c>.</summary>
internal sealed class ArrayNode : UpdateNode
{
    public SortedList<string, UpdateNode> Children { get; } = new(StringComparer.Ordinal);
}

/// <summary>One operator applied to one path.</summary>
internal abstract class LeafNode : UpdateNode
{
    /// <summary>Updates the value that exists at <paramref name="slot"/>.</summary>
    public abstract void ApplyExisting(Slot slot, BsonValue value, string path, ApplyContext context);

    /// <summary>The value to create where the path is missing, or null to create nothing.</summary>
    public abstract BsonValue? CreateValue(string path, ApplyContext context);

    protected static string LastSegment(string path) => path[(path.LastIndexOf('.') + 1)..];
}

/// <summary>A place in the working document: a field of a document or an element of an array.</summary>
internal readonly struct Slot
{
    private readonly BsonDocument? _document;
    private readonly BsonArray? _array;
    private readonly string _name;
    private readonly int _index;

    private Slot(BsonDocument? document, BsonArray? array, string name, int index)
    {
        _document = document;
        _array = array;
        _name = name;
        _index = index;
    }

    public static Slot InDocument(BsonDocument document, string name) => new(document, null, name, 0);

    public static Slot InArray(BsonArray array, int index) => new(null, array, string.Empty, index);

    /// <summary>Replaces the value in place, appends a new field, or pads the array with nulls
    /// up to the index.</summary>
    public void Set(BsonValue value)
    {
        if (_document is not null)
        {
            _document[_name] = value;
            return;
        }

        var array = _array!;
        while (array.Count < _index)
        {
            array.Add(BsonNull.Value);
        }

        if (_index < array.Count)
        {
            array[_index] = value;
        }
        else
        {
            array.Add(value);
        }
    }

    /// <summary>Removes a field; an array element becomes null so later indexes keep their place.</summary>
    public void Remove()
    {
        if (_document is not null)
        {
            _document.Remove(_name);
        }
        else
        {
            _array![_index] = BsonNull.Value;
        }
    }
}

/// <summary>What one application of an update reads besides the document being changed.</summary>
internal sealed class ApplyContext(
    BsonDocument root,
    Func<int?>? positionalIndex,
    bool isInsert,
    QueryContext query,
    IReadOnlyDictionary<string, CompiledFilter> arrayFilters)
{
    private string? _positionalKey;

    public BsonDocument Root { get; } = root;

    public bool IsInsert { get; } = isInsert;

    public QueryContext Query { get; } = query;

    public string PositionalKey()
    {
        if (_positionalKey is null)
        {
            var index = positionalIndex?.Invoke()
                ?? throw MongoErrorException.BadValue("The positional operator did not find the match needed from the query.");
            _positionalKey = index.ToString(CultureInfo.InvariantCulture);
        }

        return _positionalKey;
    }

    public bool ArrayFilterMatches(string identifier, BsonValue element) =>
        arrayFilters[identifier].Matches(new BsonDocument(identifier, element));
}

/// <summary>Building the tree from operator paths and applying it to a document.</summary>
internal static class UpdateTree
{
    public static bool IsArrayPositional(string segment) =>
        segment.Length >= 3 && segment[0] == '$' && segment[1] == '[' && segment[^1] == ']';

    /// <summary>Adds one operator path, rejecting conflicts with paths already in the tree.</summary>
    public static void Insert(ObjectNode root, string path, string[] segments, LeafNode leaf)
    {
        UpdateNode current = root;
        for (var i = 0; i < segments.Length; i++)
        {
            var segment = segments[i];
            var last = i == segments.Length - 1;
            var existing = Child(current, segment);
            if (last)
            {
                if (existing is not null)
                {
                    throw Conflict(path, segments, i);
                }

                SetChild(current, segment, leaf);
                return;
            }

            var wantArray = IsArrayPositional(segments[i + 1]);
            if (existing is null)
            {
                existing = wantArray ? new ArrayNode() : new ObjectNode();
                SetChild(current, segment, existing);
            }
            else if (existing is LeafNode || (existing is ArrayNode) != wantArray)
            {
                throw Conflict(path, segments, i);
            }

            current = existing;
        }
    }

    public static void Apply(ObjectNode root, ApplyContext context) => ApplyObject(root, context.Root, string.Empty, context);

    private static UpdateNode? Child(UpdateNode parent, string segment) => parent switch
    {
        ObjectNode obj when segment == "$" => obj.Positional,
        ObjectNode obj => obj.Children.GetValueOrDefault(segment),
        ArrayNode array => array.Children.GetValueOrDefault(ArrayKey(segment)),
        _ => null,
    };

    private static void SetChild(UpdateNode parent, string segment, UpdateNode child)
    {
        switch (parent)
        {
            case ObjectNode obj when segment == "$":
                obj.Positional = child;
                break;
            case ObjectNode obj:
                obj.Children.Add(segment, child);
                break;
            case ArrayNode array:
                array.Children.Add(ArrayKey(segment), child);
                break;
        }
    }

    private static string ArrayKey(string segment) => segment[2..^1];

    private static MongoErrorException Conflict(string path, string[] segments, int at) =>
        new(ErrorCodes.ConflictingUpdateOperators,
            $"Updating the path '{path}' would create a conflict at '{string.Join('.', segments, 0, at + 1)}'");

    private static string Join(string parent, string segment) => parent.Length == 0 ? segment : parent + "." + segment;

    private static string LastSegment(string path) => path[(path.LastIndexOf('.') + 1)..];

    private static void ApplyObject(ObjectNode node, BsonValue container, string path, ApplyContext context)
    {
        foreach (var (key, child) in Children(node, path, context))
        {
            var childPath = Join(path, key);
            if (container is BsonDocument document)
            {
                var slot = Slot.InDocument(document, key);
                if (document.TryGetValue(key, out var value))
                {
                    ApplyExisting(child, slot, value, childPath, context);
                }
                else
                {
                    Create(child, slot, childPath, context);
                }
            }
            else if (UpdateBson.TryParseIndex(key, out var index))
            {
                var array = container.AsBsonArray;
                var slot = Slot.InArray(array, index);
                if (index < array.Count)
                {
                    ApplyExisting(child, slot, array[index], childPath, context);
                }
                else
                {
                    Create(child, slot, childPath, context);
                }
            }
            else
            {
                RejectCreation(child, key, childPath, LastSegment(path), container, context);
            }
        }
    }

    private static void ApplyExisting(UpdateNode node, Slot slot, BsonValue value, string path, ApplyContext context)
    {
        switch (node)
        {
            case LeafNode leaf:
                leaf.ApplyExisting(slot, value, path, context);
                break;
            case ObjectNode obj when value.BsonType is BsonType.Document or BsonType.Array:
                ApplyObject(obj, value, path, context);
                break;
            case ObjectNode obj:
                foreach (var (key, child) in Children(obj, path, context))
                {
                    RejectCreation(child, key, Join(path, key), LastSegment(path), value, context);
                }

                break;
            case ArrayNode array when value is BsonArray elements:
                ApplyArray(array, elements, path, context);
                break;
            default:
                throw MongoErrorException.BadValue(
                    $"Cannot apply array updates to non-array element {UpdateBson.Describe(LastSegment(path), value)}");
        }
    }

    private static void ApplyArray(ArrayNode node, BsonArray elements, string path, ApplyContext context)
    {
        for (var i = 0; i < elements.Count; i++)
        {
            UpdateNode? merged = null;
            string? elementPath = null;
            foreach (var (identifier, child) in node.Children)
            {
                if (identifier.Length == 0 || context.ArrayFilterMatches(identifier, elements[i]))
                {
                    elementPath ??= Join(path, i.ToString(CultureInfo.InvariantCulture));
                    merged = merged is null ? child : Merge(merged, child, elementPath);
                }
            }

            if (merged is not null)
            {
                ApplyExisting(merged, Slot.InArray(elements, i), elements[i], elementPath!, context);
            }
        }
    }

    private static void Create(UpdateNode node, Slot slot, string path, ApplyContext context)
    {
        if (CreateValue(node, path, context) is { } value)
        {
            slot.Set(value);
        }
    }

    /// <summary>Builds what a subtree creates under a missing path; intermediate documents exist
    /// only if some operator below creates a value.</summary>
    private static BsonValue? CreateValue(UpdateNode node, string path, ApplyContext context)
    {
        switch (node)
        {
            case LeafNode leaf:
                return leaf.CreateValue(path, context);
            case ObjectNode obj:
                BsonDocument? created = null;
                foreach (var (key, child) in Children(obj, path, context))
                {
                    if (CreateValue(child, Join(path, key), context) is { } value)
                    {
                        (created ??= []).Add(key, value);
                    }
                }

                return created;
            default:
                throw MongoErrorException.BadValue($"The path '{path}' must exist in the document in order to apply array updates.");
        }
    }

    private static void RejectCreation(UpdateNode node, string key, string path, string holderName, BsonValue holder, ApplyContext context)
    {
        if (CreateValue(node, path, context) is not null)
        {
            throw new MongoErrorException(ErrorCodes.PathNotViable,
                $"Cannot create field '{key}' in element {UpdateBson.Describe(holderName, holder)}");
        }
    }

    private static IEnumerable<KeyValuePair<string, UpdateNode>> Children(ObjectNode node, string path, ApplyContext context)
    {
        if (node.Positional is null)
        {
            return node.Children;
        }

        var key = context.PositionalKey();
        var children = new SortedList<string, UpdateNode>(node.Children, FieldOrder.Instance);
        children[key] = children.TryGetValue(key, out var existing)
            ? Merge(existing, node.Positional, Join(path, key))
            : node.Positional;
        return children;
    }

    /// <summary>Combines two subtrees that address the same element at apply time (positional
    /// <c>$</c> or several array filters matching one element); two operators on one path conflict.</summary>
    private static UpdateNode Merge(UpdateNode x, UpdateNode y, string path)
    {
        switch (x, y)
        {
            case (ObjectNode a, ObjectNode b):
                var obj = new ObjectNode { Positional = a.Positional };
                foreach (var (key, child) in a.Children)
                {
                    obj.Children.Add(key, child);
                }

                foreach (var (key, child) in b.Children)
                {
                    obj.Children[key] = obj.Children.TryGetValue(key, out var existing) ? Merge(existing, child, Join(path, key)) : child;
                }

                if (b.Positional is not null)
                {
                    obj.Positional = obj.Positional is null ? b.Positional : Merge(obj.Positional, b.Positional, Join(path, "$"));
                }

                return obj;
            case (ArrayNode a, ArrayNode b):
                var array = new ArrayNode();
                foreach (var (key, child) in a.Children)
                {
                    array.Children.Add(key, child);
                }

                foreach (var (key, child) in b.Children)
                {
                    array.Children[key] = array.Children.TryGetValue(key, out var existing)
                        ? Merge(existing, child, Join(path, key.Length == 0 ? "$[]" : $"$[{key}]"))
                        : child;
                }

                return array;
            default:
                throw new MongoErrorException(ErrorCodes.ConflictingUpdateOperators, $"Update created a conflict at '{path}'");
        }
    }
}

/// <summary>The order the server applies sibling fields in (and so creates new fields in):
/// numeric names numerically, others by their bytes.</summary>
internal sealed class FieldOrder : IComparer<string>
{
    public static readonly FieldOrder Instance = new();

    private FieldOrder()
    {
    }

    public int Compare(string? x, string? y)
    {
        if (x is null || y is null)
        {
            return x is null ? (y is null ? 0 : -1) : 1;
        }

        if (IsDigits(x) && IsDigits(y))
        {
            var tx = x.TrimStart('0');
            var ty = y.TrimStart('0');
            var byValue = tx.Length != ty.Length ? tx.Length.CompareTo(ty.Length) : string.CompareOrdinal(tx, ty);
            if (byValue != 0)
            {
                return Math.Sign(byValue);
            }
        }

        return Math.Sign(string.CompareOrdinal(x, y));
    }

    private static bool IsDigits(string s)
    {
        foreach (var c in s)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }
        }

        return s.Length > 0;
    }
}
