using BayitPlus.MongoEmulator.Bson;
using MongoDB.Bson;

namespace BayitPlus.MongoEmulator.Query;

/// <summary>Dotted-path access with MongoDB's array semantics.</summary>
public static class FieldPath
{
    /// <summary>The value at a dotted path without traversing arrays except by numeric segment;
    /// null when missing.</summary>
    public static BsonValue? Get(BsonDocument document, string path)
    {
        BsonValue current = document;
        foreach (var segment in path.Split('.'))
        {
            switch (current)
            {
                case BsonDocument doc when doc.TryGetValue(segment, out var next):
                    current = next;
                    break;
                case BsonArray array when CompiledPath.ArrayIndexOf(segment) is var index && index >= 0 && index < array.Count:
                    current = array[index];
                    break;
                default:
                    return null;
            }
        }

        return current;
    }

    /// <summary>The keys an index on <paramref name="path"/> stores for a document: every value a
    /// query predicate on that path compares against (array elements one level down at each array,
    /// and the array itself when the path ends on one), or a single BsonNull when nothing is there.
    /// Contract: a document matched by an equality or range predicate on the path always has a key
    /// that the same predicate accepts, so an index lookup never misses a match.</summary>
    /// <remarks>Keys come from the very walk <see cref="CompiledFilter"/> uses to match, which is
    /// what makes the contract hold. Keys equal under <see cref="BsonOrder"/> appear once.</remarks>
    public static IReadOnlyList<BsonValue> IndexKeys(BsonDocument document, string path) =>
        IndexKeys(document, new CompiledPath(path));

    internal static IReadOnlyList<BsonValue> IndexKeys(BsonDocument document, CompiledPath path)
    {
        var collector = new KeyCollector([]);
        path.Walk(document, LeafArrays.ElementsAndArray, ref collector);
        var keys = collector.Keys;
        return keys.Count switch
        {
            0 => [BsonNull.Value],
            1 => keys,
            _ => Distinct(keys),
        };
    }

    private static List<BsonValue> Distinct(List<BsonValue> keys)
    {
        var seen = new HashSet<BsonValue?>(BsonOrder.Instance);
        var distinct = new List<BsonValue>(keys.Count);
        foreach (var key in keys)
        {
            if (seen.Add(key))
            {
                distinct.Add(key);
            }
        }

        return distinct;
    }

    private readonly struct KeyCollector(List<BsonValue> keys) : IPathVisitor
    {
        public List<BsonValue> Keys { get; } = keys;

        public bool Visit(BsonValue? value, int arrayIndex)
        {
            Keys.Add(value ?? BsonNull.Value);
            return false;
        }
    }
}

/// <summary>How a walk treats an array found at the end of its path.</summary>
internal enum LeafArrays
{
    /// <summary>Each element, then the array itself (equality, comparisons, <c>$in</c>, <c>$type</c>...).</summary>
    ElementsAndArray,

    /// <summary>The array itself only (<c>$size</c>, <c>$elemMatch</c>, <c>$exists</c>).</summary>
    ArrayOnly,

    /// <summary>The elements only, or the array itself when it is empty (sort keys).</summary>
    ElementsOnly,
}

/// <summary>Receives the values a path walk reaches.</summary>
internal interface IPathVisitor
{
    /// <summary>One value reached by the path (null when missing there). <paramref name="arrayIndex"/>
    /// is the position within the outermost array traversed, -1 when none. Returns true to stop.</summary>
    bool Visit(BsonValue? value, int arrayIndex);
}

/// <summary>A dotted path split once, walked with MongoDB's matching semantics: at an array
/// before the end of the path each embedded document element is searched for the rest of the
/// path (nested arrays are not entered), and a numeric segment also indexes the array; a scalar
/// before the end of the path, or an absent field, is reached as "missing".</summary>
internal sealed class CompiledPath
{
    private readonly string[] segments;
    private readonly int[] indexes;

    public CompiledPath(string path)
    {
        segments = path.Split('.');
        indexes = Array.ConvertAll(segments, ArrayIndexOf);
    }

    public string FirstSegment => segments[0];

    /// <summary>The array index a path segment names: canonical decimal digits, else -1.</summary>
    public static int ArrayIndexOf(string segment)
    {
        if (segment.Length == 0 || (segment.Length > 1 && segment[0] == '0'))
        {
            return -1;
        }

        foreach (var c in segment)
        {
            if (c is < '0' or > '9')
            {
                return -1;
            }
        }

        return int.TryParse(segment, out var index) ? index : -1;
    }

    /// <summary>Visits every value the path reaches in <paramref name="document"/>; true when
    /// the visitor stopped the walk.</summary>
    public bool Walk<TVisitor>(BsonDocument document, LeafArrays leaf, ref TVisitor visitor)
        where TVisitor : struct, IPathVisitor =>
        WalkDocument(document, 0, -1, leaf, ref visitor);

    private bool WalkDocument<TVisitor>(BsonDocument document, int segment, int outer, LeafArrays leaf, ref TVisitor visitor)
        where TVisitor : struct, IPathVisitor =>
        document.TryGetValue(segments[segment], out var value)
            ? WalkValue(value, segment + 1, outer, leaf, ref visitor)
            : visitor.Visit(null, outer);

    private bool WalkValue<TVisitor>(BsonValue value, int next, int outer, LeafArrays leaf, ref TVisitor visitor)
        where TVisitor : struct, IPathVisitor
    {
        if (next == segments.Length)
        {
            return VisitLeaf(value, outer, leaf, ref visitor);
        }

        return value switch
        {
            BsonDocument document => WalkDocument(document, next, outer, leaf, ref visitor),
            BsonArray array => WalkArray(array, next, outer, leaf, ref visitor),
            _ => visitor.Visit(null, outer),
        };
    }

    private bool WalkArray<TVisitor>(BsonArray array, int next, int outer, LeafArrays leaf, ref TVisitor visitor)
        where TVisitor : struct, IPathVisitor
    {
        for (var i = 0; i < array.Count; i++)
        {
            if (array[i] is BsonDocument element && WalkDocument(element, next, outer < 0 ? i : outer, leaf, ref visitor))
            {
                return true;
            }
        }

        var index = indexes[next];
        return index >= 0 && index < array.Count && WalkValue(array[index], next + 1, outer, leaf, ref visitor);
    }

    private static bool VisitLeaf<TVisitor>(BsonValue value, int outer, LeafArrays leaf, ref TVisitor visitor)
        where TVisitor : struct, IPathVisitor
    {
        if (value is not BsonArray array || leaf == LeafArrays.ArrayOnly)
        {
            return visitor.Visit(value, outer);
        }

        for (var i = 0; i < array.Count; i++)
        {
            if (visitor.Visit(array[i], outer < 0 ? i : outer))
            {
                return true;
            }
        }

        return (leaf == LeafArrays.ElementsAndArray || array.Count == 0) && visitor.Visit(array, outer);
    }
}
