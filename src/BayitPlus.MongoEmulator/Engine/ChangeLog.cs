using MongoDB.Bson;

namespace BayitPlus.MongoEmulator.Engine;

/// <summary>One committed change, as change streams report it.</summary>
internal sealed record ChangeEvent(
    long Sequence,
    BsonTimestamp ClusterTime,
    DateTime WallTime,
    string Database,
    string Collection,
    string OperationType,
    BsonValue DocumentId,
    BsonDocument? FullDocument,
    BsonDocument? UpdateDescription)
{
    public BsonDocument ResumeToken => ResumeTokens.For(Sequence);
}

internal static class ResumeTokens
{
    public static BsonDocument For(long sequence) => new("_data", sequence.ToString("X16", System.Globalization.CultureInfo.InvariantCulture));

    public static long? Parse(BsonValue token) =>
        token is BsonDocument { ElementCount: 1 } doc && doc.GetValue("_data", null) is BsonString data
        && long.TryParse(data.Value, System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture, out var sequence)
            ? sequence
            : null;
}

/// <summary>The server's bounded history of committed changes (the emulator's oplog), which change
/// stream cursors read and wait on.</summary>
internal sealed class ChangeLog(int capacity)
{
    private readonly List<ChangeEvent> _events = [];
    private TaskCompletionSource _appended = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The sequence below which history has been discarded.</summary>
    public long OldestRetained { get; private set; }

    /// <summary>Called under the engine lock.</summary>
    public void Append(IEnumerable<ChangeEvent> events)
    {
        var any = false;
        foreach (var change in events)
        {
            _events.Add(change);
            any = true;
        }

        if (!any)
        {
            return;
        }

        if (_events.Count > capacity)
        {
            var drop = _events.Count - capacity;
            OldestRetained = _events[drop - 1].Sequence;
            _events.RemoveRange(0, drop);
        }

        var signal = _appended;
        _appended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        signal.SetResult();
    }

    /// <summary>Called under the engine lock: events with a sequence above <paramref name="after"/>.</summary>
    public IEnumerable<ChangeEvent> After(long after)
    {
        var lo = 0;
        var hi = _events.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (_events[mid].Sequence <= after)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        for (var i = lo; i < _events.Count; i++)
        {
            yield return _events[i];
        }
    }

    /// <summary>Called under the engine lock: a task completing at the next append.</summary>
    public Task NextAppend => _appended.Task;
}
