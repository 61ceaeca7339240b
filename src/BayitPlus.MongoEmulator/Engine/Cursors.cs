using MongoDB.Bson;

namespace BayitPlus.MongoEmulator.Engine;

/// <summary>An open cursor: the remaining results of a find or aggregate, or a change stream.</summary>
internal sealed class Cursor(long id, string ns, IReadOnlyList<BsonDocument> results, Session? session)
{
    private int _position;

    public long Id { get; } = id;

    public string Namespace { get; } = ns;

    public Session? Session { get; } = session;

    public ChangeStream? Stream { get; init; }

    public DateTime LastUsed { get; set; }

    /// <summary>find's <c>noCursorTimeout</c>: never closed for idleness (only with its session).</summary>
    public bool NoTimeout { get; init; }

    /// <summary>Why the server killed this cursor (its collection was dropped); its next getMore
    /// fails with that reason.</summary>
    public string? KilledBecause { get; set; }

    public bool Exhausted => Stream is null && _position >= results.Count;

    /// <summary>The next batch: at most <paramref name="batchSize"/> documents (0 = no count limit)
    /// and never more than a reply can carry.</summary>
    public List<BsonDocument> NextBatch(int batchSize)
    {
        var batch = new List<BsonDocument>();
        long bytes = 0;
        while (_position < results.Count && (batchSize <= 0 || batch.Count < batchSize))
        {
            var document = results[_position];
            bytes += document.ToBson().Length;
            if (batch.Count > 0 && bytes > CursorManager.MaxBatchBytes)
            {
                break;
            }

            batch.Add(document);
            _position++;
        }

        return batch;
    }
}

/// <summary>The server's open cursors, by id. Used under the engine lock.</summary>
internal sealed class CursorManager
{
    /// <summary>MongoDB caps a batch at 16 MiB so that a reply fits in one message.</summary>
    public const int MaxBatchBytes = 16 * 1024 * 1024;

    private static readonly TimeSpan IdleTimeout = TimeSpan.FromMinutes(10);
    private readonly Dictionary<long, Cursor> _cursors = [];

    public Cursor Open(string ns, IReadOnlyList<BsonDocument> results, Session? session, DateTime now, ChangeStream? stream = null, bool noTimeout = false)
    {
        long id;
        do
        {
            id = Random.Shared.NextInt64(1, long.MaxValue);
        }
        while (_cursors.ContainsKey(id));

        var cursor = new Cursor(id, ns, results, session) { Stream = stream, LastUsed = now, NoTimeout = noTimeout };
        _cursors.Add(id, cursor);
        return cursor;
    }

    public Cursor? Get(long id) => _cursors.GetValueOrDefault(id);

    public bool Close(long id) => _cursors.Remove(id);

    public void CloseSessionCursors(Session session)
    {
        foreach (var cursor in _cursors.Values.Where(c => ReferenceEquals(c.Session, session)).ToList())
        {
            _cursors.Remove(cursor.Id);
        }
    }

    /// <summary>Marks the find and aggregate cursors of a dropped collection (or of every
    /// collection of a dropped database when <paramref name="ns"/> ends with a dot) as killed.</summary>
    public void KillNamespace(string ns, string reason)
    {
        foreach (var cursor in _cursors.Values)
        {
            if (cursor.Stream is null && (ns.EndsWith('.') ? cursor.Namespace.StartsWith(ns, StringComparison.Ordinal) : cursor.Namespace == ns))
            {
                cursor.KilledBecause = reason;
            }
        }
    }

    public void CloseIdle(DateTime now)
    {
        foreach (var cursor in _cursors.Values.Where(c => !c.NoTimeout && now - c.LastUsed > IdleTimeout).ToList())
        {
            _cursors.Remove(cursor.Id);
        }
    }
}
