using BayitPlus.MongoEmulator.Bson;
using BayitPlus.MongoEmulator.Query;
using System.Globalization;
using MongoDB.Bson;

namespace BayitPlus.MongoEmulator.Engine;

/// <summary>An ordered index over one or more fields: a sorted set of (key tuple, record) entries.
/// Array fields produce one entry per element (multikey), as in MongoDB.</summary>
internal sealed class BtreeIndex
{
    private const int CannotIndexParallelArrays = 171;
    private readonly SortedSet<Entry> _entries;
    private readonly EntryComparer _comparer;
    private readonly BsonOrder _order;

    public BtreeIndex(IndexDefinition definition)
    {
        Definition = definition;
        _order = BsonOrder.For(definition.Collation);
        _comparer = new EntryComparer(_order);
        _entries = new SortedSet<Entry>(_comparer);
    }

    public IndexDefinition Definition { get; }

    public int EntryCount => _entries.Count;

    /// <summary>Set once any document gave several keys (an array field), as MongoDB marks an index
    /// multikey; range bounds can then no longer be combined.</summary>
    public bool IsMultikey { get; private set; }

    /// <summary>The key tuples of a document, or none when a sparse or partial index skips it.</summary>
    public IReadOnlyList<BsonValue[]> KeysOf(BsonDocument document)
    {
        var definition = Definition;
        if (definition.PartialFilter is not null && !definition.PartialFilter.Matches(document))
        {
            return [];
        }

        if (definition.Sparse && !definition.Fields.Any(f => FieldPath.Get(document, f) is not null || !IsOnlyNull(FieldPath.IndexKeys(document, f))))
        {
            return [];
        }

        if (definition.Fields.Count == 1)
        {
            return DistinctKeys(FieldPath.IndexKeys(document, definition.Fields[0])).Select(k => new[] { k }).ToArray();
        }

        var perField = definition.Fields.Select(f => DistinctKeys(FieldPath.IndexKeys(document, f))).ToArray();
        if (perField.Count(keys => keys.Count > 1) > 1)
        {
            throw new MongoErrorException(CannotIndexParallelArrays, $"cannot index parallel arrays in index {definition.Name}");
        }

        IEnumerable<BsonValue[]> tuples = [[]];
        foreach (var keys in perField)
        {
            tuples = tuples.SelectMany(t => keys.Select(k => t.Append(k).ToArray()));
        }

        return tuples.ToArray();
    }

    public void Add(Record record, IReadOnlyList<BsonValue[]> keys)
    {
        if (keys.Count > 1 || keys.Any(k => k.Any(v => v is BsonArray)))
        {
            IsMultikey = true;
        }

        foreach (var key in keys)
        {
            _entries.Add(new Entry(key, record.Order, record));
        }
    }

    public void Remove(Record record, IReadOnlyList<BsonValue[]> keys)
    {
        foreach (var key in keys)
        {
            _entries.Remove(new Entry(key, record.Order, record));
        }
    }

    /// <summary>Another record holding one of <paramref name="keys"/> in this unique index.</summary>
    public Record? FindConflict(IReadOnlyList<BsonValue[]> keys, Func<Record, bool> ignore)
    {
        foreach (var key in keys)
        {
            var view = _entries.GetViewBetween(new Entry(key, long.MinValue, null), new Entry(key, long.MaxValue, null));
            foreach (var entry in view)
            {
                if (!ignore(entry.Record!))
                {
                    return entry.Record;
                }
            }
        }

        return null;
    }

    /// <summary>Records whose first key component equals <paramref name="value"/>.</summary>
    public IEnumerable<Record> Equal(BsonValue value) =>
        _entries.GetViewBetween(new Entry([value], long.MinValue, null), new Entry([value], long.MaxValue, null)).Select(e => e.Record!);

    /// <summary>Records whose first key component lies in the range; a null bound is open.</summary>
    public IEnumerable<Record> Range(BsonValue? lower, bool lowerInclusive, BsonValue? upper, bool upperInclusive)
    {
        var from = lower is null ? new Entry([BsonMinKey.Value], long.MinValue, null) : new Entry([lower], lowerInclusive ? long.MinValue : long.MaxValue, null);
        var to = upper is null ? new Entry([BsonMaxKey.Value], long.MaxValue, null) : new Entry([upper], upperInclusive ? long.MaxValue : long.MinValue, null);
        return _comparer.Compare(from, to) > 0 ? [] : _entries.GetViewBetween(from, to).Select(e => e.Record!);
    }

    public DuplicateKeyInfo Describe(BsonValue[] key)
    {
        var keyValue = new BsonDocument();
        for (var i = 0; i < Definition.Fields.Count; i++)
        {
            keyValue[Definition.Fields[i]] = key[i];
        }

        return new DuplicateKeyInfo(Definition, keyValue);
    }

    private static bool IsOnlyNull(IReadOnlyList<BsonValue> keys) => keys.Count == 1 && keys[0].IsBsonNull;

    private List<BsonValue> DistinctKeys(IReadOnlyList<BsonValue> keys)
    {
        var distinct = new List<BsonValue>(keys.Count);
        var seen = new HashSet<BsonValue?>(_order);
        foreach (var key in keys)
        {
            if (seen.Add(key))
            {
                distinct.Add(key);
            }
        }

        return distinct;
    }

    private sealed record Entry(BsonValue[] Key, long Order, Record? Record);

    /// <summary>Orders by key tuple, then by record order. A bound carries a shorter key and an
    /// extreme order, so it sorts before or after every entry sharing its prefix.</summary>
    private sealed class EntryComparer(BsonOrder order) : IComparer<Entry>
    {
        public int Compare(Entry? x, Entry? y)
        {
            var length = Math.Min(x!.Key.Length, y!.Key.Length);
            for (var i = 0; i < length; i++)
            {
                var cmp = order.Compare(x.Key[i], y.Key[i]);
                if (cmp != 0)
                {
                    return cmp;
                }
            }

            return x.Order.CompareTo(y.Order);
        }
    }
}

internal sealed record DuplicateKeyInfo(IndexDefinition Index, BsonDocument KeyValue)
{
    public MongoErrorException ToException(string ns) => new(
        ErrorCodes.DuplicateKey,
        $"E11000 duplicate key error collection: {ns} index: {Index.Name} dup key: {ServerFormat(KeyValue)}",
        new BsonDocument { { "keyPattern", Index.Key.DeepClone() }, { "keyValue", KeyValue } });

    /// <summary>The key as the server prints it in the message (<c>{ email: "a@x.io" }</c>): apps
    /// and log searches match on that text, so it follows the server rather than extended JSON.</summary>
    private static string ServerFormat(BsonValue value) => value switch
    {
        BsonDocument { ElementCount: 0 } => "{}",
        BsonDocument document => $"{{ {string.Join(", ", document.Select(e => $"{e.Name}: {ServerFormat(e.Value)}"))} }}",
        BsonArray { Count: 0 } => "[]",
        BsonArray array => $"[ {string.Join(", ", array.Select(ServerFormat))} ]",
        BsonString text => JsonString(text.Value),
        BsonObjectId id => $"ObjectId('{id.Value}')",
        BsonDateTime date => $"new Date({date.MillisecondsSinceEpoch.ToString(CultureInfo.InvariantCulture)})",
        BsonInt32 number => number.Value.ToString(CultureInfo.InvariantCulture),
        BsonInt64 number => number.Value.ToString(CultureInfo.InvariantCulture),
        BsonDouble number => number.Value.ToString(number.Value == Math.Floor(number.Value) && Math.Abs(number.Value) < 1e15 ? "0.0" : "R", CultureInfo.InvariantCulture),
        BsonBoolean flag => flag.Value ? "true" : "false",
        BsonNull => "null",
        _ => value.ToJson(),
    };

    private static string JsonString(string text) => new BsonString(text).ToJson();
}
