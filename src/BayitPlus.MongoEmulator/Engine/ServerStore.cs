using BayitPlus.MongoEmulator.Bson;
using MongoDB.Bson;

namespace BayitPlus.MongoEmulator.Engine;

/// <summary>All databases, the write sequence and the change log. Every member is used under
/// <see cref="Sync"/>: the emulator serializes commands, which makes every single-document write
/// (and every findAndModify) atomic under any number of connections.</summary>
internal sealed class ServerStore(TimeProvider time, int changeHistoryEntries)
{
    private readonly Dictionary<string, Dictionary<string, CollectionStore>> _databases = new(StringComparer.Ordinal);
    private uint _clusterSeconds;
    private uint _clusterIncrement;

    public object Sync { get; } = new();

    public TimeProvider Time { get; } = time;

    /// <summary>The sequence number of the last committed write.</summary>
    public long Version { get; private set; }

    public BsonTimestamp ClusterTime { get; private set; } = new(0);

    public ChangeLog Changes { get; } = new(changeHistoryEntries);

    /// <summary>Documents written by open transactions, for write-conflict detection.</summary>
    public Dictionary<DocumentKey, Transaction> TransactionLocks { get; } = [];

    public IEnumerable<string> DatabaseNames => _databases.Where(d => d.Value.Count > 0).Select(d => d.Key);

    public IReadOnlyDictionary<string, CollectionStore> CollectionsOf(string database) =>
        _databases.TryGetValue(database, out var collections) ? collections : new Dictionary<string, CollectionStore>();

    public CollectionStore? Find(string database, string collection) =>
        _databases.TryGetValue(database, out var collections) ? collections.GetValueOrDefault(collection) : null;

    /// <summary>Adds a view with its default collation (null: simple); the caller has checked that
    /// the name is free.</summary>
    public void CreateView(string database, string name, ViewDefinition view, Collation? collation)
    {
        ValidateNames(database, name);
        GetOrCreate(database, name);
        _databases[database][name] = new CollectionStore(database, name, collation) { View = view };
    }

    /// <summary>The collection, created (with <paramref name="defaultCollation"/>) if absent.</summary>
    public CollectionStore GetOrCreate(string database, string collection, Collation? defaultCollation = null)
    {
        ValidateNames(database, collection);
        if (!_databases.TryGetValue(database, out var collections))
        {
            collections = new Dictionary<string, CollectionStore>(StringComparer.Ordinal);
            _databases.Add(database, collections);
        }

        if (!collections.TryGetValue(collection, out var store))
        {
            store = new CollectionStore(database, collection, defaultCollation);
            collections.Add(collection, store);
        }

        return store;
    }

    public bool Drop(string database, string collection)
    {
        if (!_databases.TryGetValue(database, out var collections) || !collections.TryGetValue(collection, out var store))
        {
            return false;
        }

        collections.Remove(collection);
        ReleaseLocksOf(store);
        return true;
    }

    /// <summary>Puts <paramref name="replacement"/> in the place of the collection (created if
    /// absent) in one step, as $out's rename over its target does.</summary>
    public void Replace(string database, string collection, CollectionStore replacement)
    {
        var current = GetOrCreate(database, collection);
        _databases[database][collection] = replacement;
        ReleaseLocksOf(current);
    }

    public void DropDatabase(string database)
    {
        if (_databases.Remove(database, out var collections))
        {
            foreach (var store in collections.Values)
            {
                ReleaseLocksOf(store);
            }
        }
    }

    public DateTime Now => Time.GetUtcNow().UtcDateTime;

    public Record CommitInsert(CollectionStore collection, BsonDocument document, List<ChangeEvent> changes)
    {
        var record = collection.Insert(document, Version + 1);
        changes.Add(NextEvent(collection, "insert", record.Id, document, null));
        return record;
    }

    public void CommitReplace(CollectionStore collection, Record record, BsonDocument document, bool isReplacement, List<ChangeEvent> changes)
    {
        var before = record.Document;
        collection.Replace(record, document, Version + 1);
        changes.Add(isReplacement
            ? NextEvent(collection, "replace", record.Id, document, null)
            : NextEvent(collection, "update", record.Id, null, UpdateDescriptions.Diff(before, document)));
    }

    public void CommitDelete(CollectionStore collection, Record record, List<ChangeEvent> changes)
    {
        collection.Delete(record);
        changes.Add(NextEvent(collection, "delete", record.Id, null, null));
    }

    private ChangeEvent NextEvent(CollectionStore collection, string operationType, BsonValue id, BsonDocument? fullDocument, BsonDocument? updateDescription)
    {
        Version++;
        return new ChangeEvent(Version, NextClusterTime(), Now, collection.Database, collection.Name, operationType, id, fullDocument, updateDescription);
    }

    private BsonTimestamp NextClusterTime()
    {
        var seconds = (uint)Math.Max(0, Time.GetUtcNow().ToUnixTimeSeconds());
        if (seconds > _clusterSeconds)
        {
            _clusterSeconds = seconds;
            _clusterIncrement = 0;
        }

        _clusterIncrement++;
        ClusterTime = new BsonTimestamp((int)_clusterSeconds, (int)_clusterIncrement);
        return ClusterTime;
    }

    private void ReleaseLocksOf(CollectionStore store)
    {
        foreach (var key in TransactionLocks.Keys.Where(k => ReferenceEquals(k.Collection, store)).ToList())
        {
            TransactionLocks.Remove(key);
        }
    }

    private static void ValidateNames(string database, string collection)
    {
        if (database.Length == 0 || database.IndexOfAny(['/', '\\', '.', ' ', '"', '$', '\0']) >= 0)
        {
            throw new MongoErrorException(ErrorCodes.InvalidNamespace, $"Invalid database name: '{database}'");
        }

        if (collection.Length == 0 || collection.Contains('$', StringComparison.Ordinal) || collection.Contains('\0', StringComparison.Ordinal) || collection.StartsWith("system.", StringComparison.Ordinal))
        {
            throw new MongoErrorException(ErrorCodes.InvalidNamespace, $"Invalid collection name: '{collection}'");
        }
    }
}

/// <summary>A document's identity across the server: its collection and <c>_id</c>.</summary>
internal readonly record struct DocumentKey(CollectionStore Collection, BsonValue Id)
{
    public bool Equals(DocumentKey other) => ReferenceEquals(Collection, other.Collection) && BsonOrder.AreEqual(Id, other.Id);

    public override int GetHashCode() => HashCode.Combine(Collection, BsonOrder.Instance.GetHashCode(Id));
}

/// <summary>Builds change events' updateDescription: dotted paths of changed and removed fields.</summary>
internal static class UpdateDescriptions
{
    public static BsonDocument Diff(BsonDocument before, BsonDocument after)
    {
        var updated = new BsonDocument();
        var removed = new BsonArray();
        Walk(before, after, "", updated, removed);
        return new BsonDocument { { "updatedFields", updated }, { "removedFields", removed }, { "truncatedArrays", new BsonArray() } };
    }

    private static void Walk(BsonDocument before, BsonDocument after, string prefix, BsonDocument updated, BsonArray removed)
    {
        foreach (var element in after)
        {
            var path = prefix + element.Name;
            if (!before.TryGetValue(element.Name, out var old))
            {
                updated[path] = element.Value;
            }
            else if (old is BsonDocument oldDoc && element.Value is BsonDocument newDoc)
            {
                Walk(oldDoc, newDoc, path + ".", updated, removed);
            }
            else if (old.BsonType != element.Value.BsonType || !BsonOrder.AreEqual(old, element.Value))
            {
                updated[path] = element.Value;
            }
        }

        foreach (var element in before)
        {
            if (!after.Contains(element.Name))
            {
                removed.Add(prefix + element.Name);
            }
        }
    }
}
