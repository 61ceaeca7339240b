using BayitPlus.MongoEmulator.Bson;
using BayitPlus.MongoEmulator.Search;
using BayitPlus.MongoEmulator.Text;
using MongoDB.Bson;

namespace BayitPlus.MongoEmulator.Engine;

/// <summary>The committed documents of one collection with their indexes. Not thread-safe: the
/// engine calls it under its lock. Every write checks all unique indexes before changing anything,
/// so a failed write leaves no trace.</summary>
internal sealed class CollectionStore
{
    private readonly Dictionary<BsonValue, Record> _byId;
    private readonly SortedDictionary<long, Record> _natural = [];
    private readonly List<IndexDefinition> _definitions = [];
    private readonly List<BtreeIndex> _btrees = [];
    private long _nextOrder;

    /// <summary>A collection; <paramref name="defaultCollation"/> (create's <c>collation</c>) applies
    /// to its <c>_id</c> index, to indexes and operations that name none.</summary>
    public CollectionStore(string database, string name, Collation? defaultCollation = null)
    {
        Database = database;
        Name = name;
        DefaultCollation = defaultCollation;
        _byId = new Dictionary<BsonValue, Record>(BsonOrder.For(defaultCollation));
        var idIndex = new BtreeIndex(IndexDefinition.IdIndex(defaultCollation));
        _definitions.Add(idIndex.Definition);
        _btrees.Add(idIndex);
    }

    public string Database { get; }

    /// <summary>Set for a view: the collection (or view) it reads and the pipeline it applies.
    /// A view holds no documents of its own.</summary>
    public ViewDefinition? View { get; init; }

    public Collation? DefaultCollation { get; }

    /// <summary>The collection's document validation, if it has one.</summary>
    public DocumentValidation? Validation { get; set; }

    public string Name { get; }

    public string Namespace => $"{Database}.{Name}";

    public Guid Uuid { get; } = Guid.NewGuid();

    public int Count => _byId.Count;

    public IReadOnlyList<IndexDefinition> Indexes => _definitions;

    /// <summary>The indexes on <paramref name="key"/>: several when their collation, filter,
    /// uniqueness or sparseness tell them apart.</summary>
    public IEnumerable<IndexDefinition> IndexesWithKey(BsonDocument key) => _definitions.Where(i => BsonOrder.AreEqual(i.Key, key));

    public IReadOnlyList<BtreeIndex> Btrees => _btrees;

    /// <summary>Atlas Vector Search indexes: listed by $listSearchIndexes, never by listIndexes,
    /// and dropped with the collection.</summary>
    public List<SearchIndex> SearchIndexes { get; } = [];

    public (IndexDefinition Definition, TextIndex Index)? Text { get; private set; }

    public IEnumerable<Record> Natural => _natural.Values;

    public Record? FindById(BsonValue id) => _byId.GetValueOrDefault(id);

    public Record Insert(BsonDocument document, long version)
    {
        var id = document["_id"];
        var keys = KeysFor(document);
        if (_byId.ContainsKey(id))
        {
            throw _btrees[0].Describe([id]).ToException(Namespace);
        }

        EnsureUnique(keys, _ => false);
        Text?.Index.Validate(document);
        var record = new Record(id, document, version, _nextOrder++);
        _byId.Add(id, record);
        _natural.Add(record.Order, record);
        AddToIndexes(record, keys);
        return record;
    }

    public void Replace(Record record, BsonDocument document, long version)
    {
        var newKeys = KeysFor(document);
        EnsureUnique(newKeys, r => ReferenceEquals(r, record));
        Text?.Index.Validate(document);
        RemoveFromIndexes(record, KeysFor(record.Document));
        record.Document = document;
        record.Version = version;
        AddToIndexes(record, newKeys);
    }

    public void Delete(Record record)
    {
        RemoveFromIndexes(record, KeysFor(record.Document));
        _byId.Remove(record.Id);
        _natural.Remove(record.Order);
    }

    /// <summary>Checks that <paramref name="document"/> fits every unique index, ignoring the
    /// records <paramref name="ignore"/> accepts; throws the duplicate-key error otherwise.</summary>
    public void EnsureUnique(BsonDocument document, Func<Record, bool> ignore)
    {
        var id = document["_id"];
        if (_byId.TryGetValue(id, out var existing) && !ignore(existing))
        {
            throw _btrees[0].Describe([id]).ToException(Namespace);
        }

        EnsureUnique(KeysFor(document), ignore);
    }

    public void AddIndex(IndexDefinition definition)
    {
        if (definition.IsText)
        {
            if (Text is not null)
            {
                throw new MongoErrorException(ErrorCodes.IndexOptionsConflict, $"An equivalent text index already exists with a different name or options: {Text.Value.Definition.Name}; only one text index is allowed per collection.");
            }

            var options = new BsonDocument(definition.Spec.Where(e => e.Name is "weights" or "default_language" or "language_override"));
            var text = new TextIndex(definition.Key, options);
            foreach (var record in _natural.Values)
            {
                text.Add(record.Id, record.Document);
            }

            Text = (definition, text);
            _definitions.Add(definition);
            return;
        }

        var index = new BtreeIndex(definition);
        var keys = _natural.Values.Select(r => (Record: r, Keys: index.KeysOf(r.Document))).ToList();
        foreach (var (record, recordKeys) in keys)
        {
            if (definition.Unique && index.FindConflict(recordKeys, r => ReferenceEquals(r, record)) is not null)
            {
                throw index.Describe(recordKeys[0]).ToException(Namespace);
            }

            index.Add(record, recordKeys);
        }

        _definitions.Add(definition);
        _btrees.Add(index);
    }

    public void DropIndex(IndexDefinition definition)
    {
        _definitions.Remove(definition);
        if (definition.IsText)
        {
            Text = null;
        }
        else
        {
            _btrees.RemoveAll(b => ReferenceEquals(b.Definition, definition));
        }
    }

    private IReadOnlyList<BsonValue[]>[] KeysFor(BsonDocument document)
    {
        var keys = new IReadOnlyList<BsonValue[]>[_btrees.Count];
        for (var i = 0; i < keys.Length; i++)
        {
            keys[i] = _btrees[i].KeysOf(document);
        }

        return keys;
    }

    private void EnsureUnique(IReadOnlyList<BsonValue[]>[] keys, Func<Record, bool> ignore)
    {
        for (var i = 1; i < _btrees.Count; i++)
        {
            var index = _btrees[i];
            if (!index.Definition.Unique)
            {
                continue;
            }

            foreach (var key in keys[i])
            {
                if (index.FindConflict([key], ignore) is not null)
                {
                    throw index.Describe(key).ToException(Namespace);
                }
            }
        }
    }

    private void AddToIndexes(Record record, IReadOnlyList<BsonValue[]>[] keys)
    {
        for (var i = 0; i < _btrees.Count; i++)
        {
            _btrees[i].Add(record, keys[i]);
        }

        Text?.Index.Add(record.Id, record.Document);
    }

    private void RemoveFromIndexes(Record record, IReadOnlyList<BsonValue[]>[] keys)
    {
        for (var i = 0; i < _btrees.Count; i++)
        {
            _btrees[i].Remove(record, keys[i]);
        }

        Text?.Index.Remove(record.Id, record.Document);
    }
}

/// <summary>A read-only view: <see cref="Pipeline"/> applied to the documents of <see cref="ViewOn"/>.</summary>
internal sealed record ViewDefinition(string ViewOn, BsonArray Pipeline);
