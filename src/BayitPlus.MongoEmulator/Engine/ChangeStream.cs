using BayitPlus.MongoEmulator.Aggregation;
using BayitPlus.MongoEmulator.Bson;
using MongoDB.Bson;

namespace BayitPlus.MongoEmulator.Engine;

/// <summary>A change stream's position in the change log, its scope and its post-processing
/// pipeline. Read under the engine lock; waiting for new events happens outside it.</summary>
internal sealed class ChangeStream
{
    private static readonly HashSet<string> AllowedStages = ["$match", "$project", "$addFields", "$set", "$unset", "$replaceRoot", "$replaceWith"];
    private readonly string _database;
    private readonly string? _collection;
    private readonly bool _lookupFullDocument;
    private readonly Pipeline _pipeline;

    private ChangeStream(string database, string? collection, bool lookupFullDocument, Pipeline pipeline, long position)
    {
        _database = database;
        _collection = collection;
        _lookupFullDocument = lookupFullDocument;
        _pipeline = pipeline;
        Position = position;
    }

    /// <summary>The sequence of the last change this stream has looked at.</summary>
    public long Position { get; private set; }

    public BsonDocument PostBatchResumeToken => ResumeTokens.For(Position);

    /// <summary>Opens a stream on one collection, or on the whole database when <paramref name="collection"/> is null.</summary>
    public static ChangeStream Open(ServerStore store, string database, string? collection, BsonDocument options, BsonArray stages, AggregationContext context)
    {
        var lookup = false;
        long? position = null;
        foreach (var option in options)
        {
            switch (option.Name)
            {
                case "fullDocument":
                    lookup = option.Value.AsString switch
                    {
                        "default" => false,
                        "updateLookup" or "whenAvailable" or "required" => true,
                        var other => throw MongoErrorException.BadValue($"unsupported fullDocument mode '{other}' for $changeStream"),
                    };
                    break;
                case "fullDocumentBeforeChange" when option.Value is BsonString { Value: "off" }:
                    break;
                case "resumeAfter" or "startAfter":
                    position = ResumeTokens.Parse(option.Value) ?? throw MongoErrorException.BadValue($"invalid resume token in $changeStream.{option.Name}");
                    if (position < store.Changes.OldestRetained)
                    {
                        throw new MongoErrorException(ErrorCodes.ChangeStreamHistoryLost, "Resume of change stream was not possible, as the resume point may no longer be in the oplog.");
                    }

                    break;
                case "startAtOperationTime":
                    var at = (ulong)option.Value.AsBsonTimestamp.Value;
                    position = store.Changes.After(store.Changes.OldestRetained).FirstOrDefault(c => (ulong)c.ClusterTime.Value >= at)?.Sequence - 1 ?? store.Version;
                    break;
                case "allChangesForCluster" when !option.Value.ToBoolean():
                case "showExpandedEvents" when !option.Value.ToBoolean():
                    break;
                default:
                    throw MongoErrorException.BadValue($"$changeStream option '{option.Name}' is not supported by the emulator");
            }
        }

        foreach (var stage in stages.Skip(1))
        {
            var name = stage.AsBsonDocument.GetElement(0).Name;
            if (!AllowedStages.Contains(name))
            {
                throw MongoErrorException.BadValue($"{name} is not permitted in a $changeStream pipeline");
            }
        }

        var pipeline = Pipeline.Parse(new BsonArray(stages.Skip(1)), context);
        return new ChangeStream(database, collection, lookup, pipeline, position ?? store.Version);
    }

    /// <summary>Called under the engine lock: the stream's next events, advancing its position to
    /// the newest change even when none of them belong to this stream.</summary>
    public List<BsonDocument> Read(ServerStore store, int batchSize)
    {
        if (Position < store.Changes.OldestRetained)
        {
            // Events this stream has not read were discarded: MongoDB fails the getMore rather than
            // skip them, and so does the emulator.
            throw new MongoErrorException(ErrorCodes.ChangeStreamHistoryLost, "Resume of change stream was not possible, as the resume point may no longer be in the oplog.");
        }

        var batch = new List<BsonDocument>();
        foreach (var change in store.Changes.After(Position))
        {
            Position = change.Sequence;
            if (change.Database != _database || (_collection is not null && change.Collection != _collection))
            {
                continue;
            }

            batch.AddRange(_pipeline.Execute([new MetaDoc(ToDocument(store, change))]).Select(m => m.Document));
            if (batchSize > 0 && batch.Count >= batchSize)
            {
                return batch;
            }
        }

        Position = Math.Max(Position, store.Version);
        return batch;
    }

    private BsonDocument ToDocument(ServerStore store, ChangeEvent change)
    {
        var document = new BsonDocument
        {
            { "_id", change.ResumeToken },
            { "operationType", change.OperationType },
            { "clusterTime", change.ClusterTime },
            { "wallTime", new BsonDateTime(change.WallTime) },
            { "ns", new BsonDocument { { "db", change.Database }, { "coll", change.Collection } } },
            { "documentKey", new BsonDocument("_id", change.DocumentId) },
        };
        if (change.FullDocument is not null)
        {
            document.Add("fullDocument", change.FullDocument);
        }
        else if (change.OperationType == "update" && _lookupFullDocument)
        {
            var current = store.Find(change.Database, change.Collection)?.FindById(change.DocumentId);
            document.Add("fullDocument", (BsonValue?)current?.Document ?? BsonNull.Value);
        }

        if (change.UpdateDescription is not null)
        {
            document.Add("updateDescription", change.UpdateDescription);
        }

        return document;
    }
}
