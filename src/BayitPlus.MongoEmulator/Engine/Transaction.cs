using BayitPlus.MongoEmulator.Bson;
using MongoDB.Bson;

namespace BayitPlus.MongoEmulator.Engine;

/// <summary>A multi-document transaction: its writes stay private until commit. It reads the
/// latest committed data plus its own writes; a document it writes must not have changed since the
/// transaction began, nor be written by another open transaction, else WriteConflict (112,
/// TransientTransactionError) so the driver retries the whole transaction.</summary>
internal sealed class Transaction(long txnNumber, long snapshot, DateTime startedAt)
{
    private readonly Dictionary<DocumentKey, PendingWrite> _writes = [];
    private readonly List<PendingWrite> _order = [];

    public long TxnNumber { get; } = txnNumber;

    public long Snapshot { get; } = snapshot;

    public DateTime StartedAt { get; } = startedAt;

    public TransactionState State { get; set; } = TransactionState.Open;

    public IReadOnlyList<PendingWrite> Writes => _order;

    public PendingWrite? Find(CollectionStore collection, BsonValue id) => _writes.GetValueOrDefault(new DocumentKey(collection, id));

    public IEnumerable<PendingWrite> WritesTo(CollectionStore collection) => _order.Where(w => ReferenceEquals(w.Collection, collection));

    public static MongoErrorException WriteConflict(string detail) => new(
        ErrorCodes.WriteConflict,
        $"Write conflict during plan execution and yielding is disabled. :: Please retry your operation or multi-document transaction. ({detail})",
        errorLabels: ["TransientTransactionError"]);

    /// <summary>Records a write, taking the document's transaction lock.</summary>
    public void Write(ServerStore store, CollectionStore collection, BsonValue id, BsonDocument? document, bool isReplacement)
    {
        var key = new DocumentKey(collection, id);
        if (_writes.TryGetValue(key, out var pending))
        {
            pending.Current = document;
            pending.IsReplacement |= isReplacement;
            return;
        }

        if (store.TransactionLocks.TryGetValue(key, out var owner) && !ReferenceEquals(owner, this))
        {
            throw WriteConflict($"document {id} is being written by another transaction");
        }

        var original = collection.FindById(id);
        if (original is not null && original.Version > Snapshot)
        {
            throw WriteConflict($"document {id} changed after the transaction started");
        }

        pending = new PendingWrite(collection, id, original, original?.Version ?? 0) { Current = document, IsReplacement = isReplacement };
        _writes.Add(key, pending);
        _order.Add(pending);
        store.TransactionLocks[key] = this;
    }

    /// <summary>Applies every write to the committed store, all or nothing.</summary>
    public void Commit(ServerStore store)
    {
        foreach (var write in _order)
        {
            var current = write.Collection.FindById(write.Id);
            if (!ReferenceEquals(current, write.Original) || (current is not null && current.Version != write.OriginalVersion))
            {
                throw WriteConflict($"document {write.Id} changed before the transaction committed");
            }
        }

        var changes = new List<ChangeEvent>();
        var undo = new Stack<Action>();
        try
        {
            foreach (var write in _order)
            {
                Apply(store, write, changes, undo);
            }
        }
        catch (MongoErrorException error)
        {
            while (undo.Count > 0)
            {
                undo.Pop()();
            }

            // A plain write committed a key this transaction also wrote. The server would have
            // made that plain write wait for the transaction; here the transaction loses instead,
            // as a transient conflict its caller retries rather than an error at commit.
            if (error.Code == ErrorCodes.DuplicateKey)
            {
                throw WriteConflict(error.Message);
            }

            throw;
        }

        store.Changes.Append(changes);
    }

    public void Abort(ServerStore store)
    {
        State = TransactionState.Aborted;
        ReleaseLocks(store);
    }

    public void ReleaseLocks(ServerStore store)
    {
        foreach (var write in _order)
        {
            var key = new DocumentKey(write.Collection, write.Id);
            if (store.TransactionLocks.TryGetValue(key, out var owner) && ReferenceEquals(owner, this))
            {
                store.TransactionLocks.Remove(key);
            }
        }
    }

    private static void Apply(ServerStore store, PendingWrite write, List<ChangeEvent> changes, Stack<Action> undo)
    {
        var collection = write.Collection;
        switch (write.Original, write.Current)
        {
            case (null, null):
                return;
            case (null, { } inserted):
                var record = store.CommitInsert(collection, inserted, changes);
                undo.Push(() => collection.Delete(record));
                return;
            case ({ } original, null):
                store.CommitDelete(collection, original, changes);
                undo.Push(() => collection.Insert(original.Document, original.Version));
                return;
            case ({ } original, { } replacement):
                var before = original.Document;
                var version = original.Version;
                store.CommitReplace(collection, original, replacement, write.IsReplacement, changes);
                undo.Push(() => collection.Replace(original, before, version));
                return;
        }
    }
}

internal enum TransactionState
{
    Open,
    Committed,
    Aborted,
}

internal sealed class PendingWrite(CollectionStore collection, BsonValue id, Record? original, long originalVersion)
{
    public CollectionStore Collection { get; } = collection;

    public BsonValue Id { get; } = id;

    /// <summary>The committed record when the transaction first wrote it; null for a new document.</summary>
    public Record? Original { get; } = original;

    public long OriginalVersion { get; } = originalVersion;

    /// <summary>The document as the transaction left it; null when deleted.</summary>
    public BsonDocument? Current { get; set; }

    public bool IsReplacement { get; set; }
}

/// <summary>A logical session (<c>lsid</c>) and its transaction, if any.</summary>
internal sealed class Session(BsonValue id)
{
    public BsonValue Id { get; } = id;

    public Transaction? Transaction { get; set; }

    public DateTime LastUsed { get; set; }
}
