using BayitPlus.MongoEmulator.Bson;
using MongoDB.Bson;

namespace BayitPlus.MongoEmulator.Query;

/// <summary>A sort specification (<c>{a: 1, b: -1, score: {$meta: "textScore"}}</c>), comparing with
/// MongoDB's rules: arrays sort by their smallest (ascending) or largest (descending) element.</summary>
/// <remarks>Missing values sort as null, and an empty array sorts just below null. A
/// <c>{$meta: "textScore"}</c> key sorts by <see cref="MetaDoc.TextScore"/>, highest first.</remarks>
public sealed class SortSpec : IComparer<MetaDoc>
{
    private const string OrderMessage = "$sort key ordering must be 1 (for ascending) or -1 (for descending)";

    private readonly SortKey[] keys;

    private SortSpec(SortKey[] keys)
    {
        this.keys = keys;
        Keys = Array.ConvertAll(keys, key => (key.Name, key.IsTextScore ? 0 : key.Direction));
        NeedsTextScore = keys.Any(key => key.IsTextScore);
    }

    public bool NeedsTextScore { get; }

    /// <summary>The keys in order; a <c>{$meta: "textScore"}</c> key has Direction 0.</summary>
    public IReadOnlyList<(string Path, int Direction)> Keys { get; }

    /// <summary>Parses a sort; strings compare under <paramref name="order"/>'s collation (binary by default).</summary>
    public static SortSpec Parse(BsonDocument spec, BsonOrder? order = null)
    {
        order ??= BsonOrder.Instance;
        var keys = new SortKey[spec.ElementCount];
        for (var i = 0; i < keys.Length; i++)
        {
            var element = spec.GetElement(i);
            if (element.Name == "$natural")
            {
                throw MongoErrorException.BadValue("$natural sort is not supported by the emulator");
            }

            keys[i] = element.Value switch
            {
                BsonDocument { ElementCount: 1 } meta when meta.GetElement(0).Name == "$meta" => ParseMeta(element.Name, meta[0]),
                var value when BsonOrder.IsNumber(value) && BsonOrder.ToDouble(value) is 1 or -1 =>
                    new SortKey(element.Name, new CompiledPath(element.Name), (int)BsonOrder.ToDouble(value), false, order),
                _ => throw MongoErrorException.BadValue(OrderMessage),
            };
        }

        return new SortSpec(keys);
    }

    private static SortKey ParseMeta(string name, BsonValue kind) =>
        kind is BsonString { Value: "textScore" }
            ? new SortKey(name, null, -1, true, BsonOrder.Instance)
            : throw MongoErrorException.BadValue($"$meta sort by {kind} is not supported by the emulator");

    /// <summary>Orders two documents; 0 for equal sort keys, so callers needing MongoDB's
    /// observable order (ties keep their input order) must use a stable sort, as <see cref="Sort"/> does.</summary>
    public int Compare(MetaDoc x, MetaDoc y)
    {
        foreach (var key in keys)
        {
            var order = key.Compare(key.ValueOf(x), key.ValueOf(y));
            if (order != 0)
            {
                return order;
            }
        }

        return 0;
    }

    /// <summary>Sorts stably, extracting each document's keys once; with <paramref name="limit"/>
    /// only that many first documents are kept (a bounded heap, for sort with limit).</summary>
    public List<MetaDoc> Sort(IEnumerable<MetaDoc> documents, int? limit = null)
    {
        if (limit is <= 0)
        {
            return [];
        }

        var keyed = new List<Keyed>();
        var index = 0;
        foreach (var document in documents)
        {
            keyed.Add(new Keyed(document, KeysOf(document), index++));
        }

        var comparer = Comparer<Keyed>.Create(CompareKeyed);
        if (limit is { } bound && bound < keyed.Count)
        {
            // A max-heap of the best 'bound' documents seen so far: its root is the worst of them.
            var heap = new PriorityQueue<Keyed, Keyed>(bound, Comparer<Keyed>.Create((a, b) => CompareKeyed(b, a)));
            foreach (var item in keyed)
            {
                if (heap.Count < bound)
                {
                    heap.Enqueue(item, item);
                }
                else if (CompareKeyed(item, heap.Peek()) < 0)
                {
                    heap.DequeueEnqueue(item, item);
                }
            }

            keyed = [.. heap.UnorderedItems.Select(entry => entry.Element)];
        }

        keyed.Sort(comparer);
        return keyed.ConvertAll(item => item.Document);
    }

    private BsonValue?[] KeysOf(MetaDoc document) => Array.ConvertAll(keys, key => key.ValueOf(document));

    private int CompareKeyed(Keyed x, Keyed y)
    {
        for (var i = 0; i < keys.Length; i++)
        {
            var order = keys[i].Compare(x.Keys[i], y.Keys[i]);
            if (order != 0)
            {
                return order;
            }
        }

        return x.Index.CompareTo(y.Index);
    }

    private readonly record struct Keyed(MetaDoc Document, BsonValue?[] Keys, int Index);

    private sealed record SortKey(string Name, CompiledPath? Path, int Direction, bool IsTextScore, BsonOrder Order)
    {
        /// <summary>The value the document sorts by under this key: the text score, or the smallest
        /// (ascending) or largest (descending) value the path reaches.</summary>
        public BsonValue? ValueOf(MetaDoc document)
        {
            if (Path is null)
            {
                return document.TextScore is { } score ? new BsonDouble(score) : null;
            }

            var visitor = new ExtremeVisitor(Direction, Order);
            Path.Walk(document.Document, LeafArrays.ElementsOnly, ref visitor);
            return visitor.Best;
        }

        public int Compare(BsonValue? x, BsonValue? y) => Direction * CompareSortValues(x, y, Order);
    }

    /// <summary>MongoDB's order, except that an empty array sorts below null (as the server's
    /// sort keys store it as undefined).</summary>
    private static int CompareSortValues(BsonValue? x, BsonValue? y, BsonOrder order)
    {
        var xEmpty = x is BsonArray { Count: 0 };
        var yEmpty = y is BsonArray { Count: 0 };
        if (xEmpty || yEmpty)
        {
            return xEmpty && yEmpty ? 0 : xEmpty ? (y is BsonMinKey ? 1 : -1) : (x is BsonMinKey ? -1 : 1);
        }

        return order.Compare(x, y);
    }

    private struct ExtremeVisitor(int direction, BsonOrder order) : IPathVisitor
    {
        private bool seen;

        public BsonValue? Best { get; private set; }

        public bool Visit(BsonValue? value, int arrayIndex)
        {
            if (!seen || direction * CompareSortValues(value, Best, order) < 0)
            {
                Best = value;
                seen = true;
            }

            return false;
        }
    }
}
