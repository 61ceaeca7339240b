using BayitPlus.MongoEmulator.Aggregation;
using BayitPlus.MongoEmulator.Bson;
using BayitPlus.MongoEmulator.Query;
using BayitPlus.MongoEmulator.Search;
using MongoDB.Bson;

namespace BayitPlus.MongoEmulator.Engine;

internal sealed partial class CommandDispatcher
{
    private const int DefaultFirstBatch = 101;
    private static readonly TimeSpan DefaultAwaitTime = TimeSpan.FromSeconds(1);

    /// <summary>find's fields in MongoDB 8.0's IDL that the emulator runs (those with no effect on a
    /// single node with no capped collections among them).</summary>
    private static readonly HashSet<string> FindFields =
    [
        "filter", "projection", "sort", "hint", "collation", "skip", "limit", "batchSize", "singleBatch", "let",
        "allowDiskUse", "noCursorTimeout", "allowPartialResults", "oplogReplay", "readOnce", "$queryOptions",
    ];

    /// <summary>find's other IDL fields: refused (238) when set, since the emulator would ignore them.</summary>
    private static readonly HashSet<string> UnsupportedFindFields =
    [
        "min", "max", "returnKey", "showRecordId", "tailable", "awaitData", "ntoreturn", "options", "term", "allowSpeculativeMajorityRead",
        "$_requestResumeToken", "$_resumeAfter", "$_startAt", "runtimeConstants", "collectionUUID", "includeQueryStatsMetrics", "encryptionInformation",
    ];

    /// <summary>Refuses what find's strict IDL does not know (40415) and what the emulator does not
    /// implement (238); false flags and empty documents ask for nothing and pass.</summary>
    private static void CheckFindFields(BsonDocument command)
    {
        foreach (var field in command.Skip(1))
        {
            if (FindFields.Contains(field.Name) || GenericArguments.Contains(field.Name))
            {
                continue;
            }

            if (!UnsupportedFindFields.Contains(field.Name))
            {
                throw MongoErrorException.UnknownField($"find.{field.Name}");
            }

            if (field.Value is not (BsonBoolean { Value: false } or BsonDocument { ElementCount: 0 }))
            {
                throw new MongoErrorException(ErrorCodes.NotImplemented, $"find option '{field.Name}' is not supported by the emulator");
            }
        }
    }

    private BsonDocument Find(BsonDocument command, OperationContext operation, Session? session)
    {
        CheckFindFields(command);
        var name = CollectionName(command);
        var collection = operation.Collection(name);
        operation.UseCollation(command, collection);
        CheckHint(command, collection);
        var filter = operation.CompileFilter(collection, command.GetValue("filter", new BsonDocument()).AsBsonDocument, out var text);
        var results = Query(command, operation, collection, filter, text);
        var projection = command.GetValue("projection", null) is BsonDocument { ElementCount: > 0 } p ? FindProjection.Parse(p, operation.QueryContextFor(null)) : null;
        var documents = results.Select(m => projection?.Apply(m, filter) ?? m.Document).ToList();
        return CursorReply(command, $"{operation.Database}.{name}", documents, session, operation.Now, command.GetValue("noCursorTimeout", false).ToBoolean());
    }

    private static List<MetaDoc> Query(BsonDocument command, OperationContext operation, CollectionStore? collection, CompiledFilter filter, TextSearch? text)
    {
        var matches = operation.Find(collection, filter, text, out _);
        var skip = command.GetValue("skip", 0).ToInt64();
        var limit = command.GetValue("limit", 0).ToInt64();
        if (skip < 0 || limit < 0)
        {
            throw MongoErrorException.BadValue("skip and limit must be non-negative");
        }

        var documents = matches.Select(v => new MetaDoc(v.Document, filter.HasText ? filter.TextScore(v.Document) : null));
        var window = limit > 0 ? (int?)Math.Min(skip + limit, int.MaxValue) : null;
        IEnumerable<MetaDoc> results = command.GetValue("sort", null) is BsonDocument { ElementCount: > 0 } sortSpec
            ? SortSpec.Parse(sortSpec, operation.Order).Sort(documents, window)
            : documents;
        results = results.Skip((int)Math.Min(skip, int.MaxValue));
        return (limit > 0 ? results.Take((int)Math.Min(limit, int.MaxValue)) : results).ToList();
    }

    private BsonDocument CursorReply(BsonDocument command, string ns, IReadOnlyList<BsonDocument> results, Session? session, DateTime now, bool noTimeout = false)
    {
        var options = command.GetValue("cursor", null) as BsonDocument;
        var batchSize = (options?.GetValue("batchSize", null) ?? command.GetValue("batchSize", null))?.ToInt32() ?? DefaultFirstBatch;
        if (batchSize < 0)
        {
            throw MongoErrorException.BadValue("batchSize must be non-negative");
        }

        var cursor = _cursors.Open(ns, results, session, now, noTimeout: noTimeout);
        List<BsonDocument> batch = batchSize == 0 ? [] : cursor.NextBatch(batchSize);
        var singleBatch = command.GetValue("singleBatch", false).ToBoolean();
        var id = 0L;
        if (cursor.Exhausted || singleBatch)
        {
            _cursors.Close(cursor.Id);
        }
        else
        {
            id = cursor.Id;
        }

        return new BsonDocument("cursor", new BsonDocument { { "firstBatch", new BsonArray(batch) }, { "id", id }, { "ns", ns } });
    }

    private BsonDocument GetMore(BsonDocument command)
    {
        var cursor = GetCursor(command);
        if (cursor.KilledBecause is { } reason)
        {
            _cursors.Close(cursor.Id);
            throw new MongoErrorException(ErrorCodes.QueryPlanKilled, $"PlanExecutor error during getMore :: caused by :: {reason}");
        }

        cursor.LastUsed = _store.Now;
        var batch = cursor.NextBatch(command.GetValue("batchSize", 0).ToInt32());
        var id = cursor.Id;
        if (cursor.Exhausted)
        {
            _cursors.Close(cursor.Id);
            id = 0;
        }

        return new BsonDocument("cursor", new BsonDocument { { "nextBatch", new BsonArray(batch) }, { "id", id }, { "ns", cursor.Namespace } });
    }

    private Cursor GetCursor(BsonDocument command)
    {
        var id = command.GetElement(0).Value.ToInt64();
        return _cursors.Get(id) ?? throw new MongoErrorException(ErrorCodes.CursorNotFound, $"cursor id {id} not found");
    }

    private (Cursor Cursor, ChangeStream Stream)? TryGetStream(BsonDocument command)
    {
        lock (_store.Sync)
        {
            return _cursors.Get(command.GetElement(0).Value.ToInt64()) is { Stream: { } stream } cursor ? (cursor, stream) : null;
        }
    }

    /// <summary>A change stream's getMore: answers at once when changes are waiting, else waits for
    /// the next commit up to maxTimeMS, as an awaitData cursor does.</summary>
    private async Task<BsonDocument> GetMoreStreamAsync(BsonDocument command, Cursor cursor, ChangeStream stream, CancellationToken cancellationToken)
    {
        var wait = command.TryGetValue("maxTimeMS", out var maxTime) ? TimeSpan.FromMilliseconds(maxTime.ToInt64()) : DefaultAwaitTime;
        var deadline = _store.Time.GetUtcNow() + wait;
        var batchSize = command.GetValue("batchSize", 0).ToInt32();
        while (true)
        {
            Task next;
            lock (_store.Sync)
            {
                if (_cursors.Get(cursor.Id) is null)
                {
                    throw new MongoErrorException(ErrorCodes.CursorNotFound, $"cursor id {cursor.Id} not found");
                }

                cursor.LastUsed = _store.Now;
                var batch = stream.Read(_store, batchSize);
                var remaining = deadline - _store.Time.GetUtcNow();
                if (batch.Count > 0 || remaining <= TimeSpan.Zero)
                {
                    return new BsonDocument("cursor", new BsonDocument
                    {
                        { "nextBatch", new BsonArray(batch) },
                        { "postBatchResumeToken", stream.PostBatchResumeToken },
                        { "id", cursor.Id },
                        { "ns", cursor.Namespace },
                    })
                    {
                        { "ok", 1.0 },
                    };
                }

                next = _store.Changes.NextAppend;
            }

            var remainingWait = deadline - _store.Time.GetUtcNow();
            if (remainingWait > TimeSpan.Zero)
            {
                await Task.WhenAny(next, Task.Delay(remainingWait, _store.Time, cancellationToken)).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
            }
        }
    }

    private BsonDocument KillCursors(BsonDocument command)
    {
        var killed = new BsonArray();
        var notFound = new BsonArray();
        foreach (var id in command.GetValue("cursors", new BsonArray()).AsBsonArray)
        {
            (_cursors.Close(id.ToInt64()) ? killed : notFound).Add(id);
        }

        return new BsonDocument
        {
            { "cursorsKilled", killed },
            { "cursorsNotFound", notFound },
            { "cursorsAlive", new BsonArray() },
            { "cursorsUnknown", new BsonArray() },
        };
    }

    private static BsonDocument Count(BsonDocument command, OperationContext operation)
    {
        var collection = operation.Collection(CollectionName(command));
        operation.UseCollation(command, collection);
        CheckHint(command, collection);
        var query = command.GetValue("query", new BsonDocument());
        var filter = operation.CompileFilter(collection, query as BsonDocument ?? [], out var text);
        var count = operation.Find(collection, filter, text, out _).Count;
        var skip = (int)command.GetValue("skip", 0).ToInt64();
        var limit = (int)Math.Abs(command.GetValue("limit", 0).ToInt64());
        count = Math.Max(0, count - skip);
        if (limit > 0)
        {
            count = Math.Min(count, limit);
        }

        return new BsonDocument("n", count);
    }

    private static BsonDocument Distinct(BsonDocument command, OperationContext operation)
    {
        var collection = operation.Collection(CollectionName(command));
        operation.UseCollation(command, collection);
        var key = command.GetValue("key", null) as BsonString ?? throw MongoErrorException.FailedToParse("distinct requires a string 'key'");
        var filter = operation.CompileFilter(collection, command.GetValue("query", null) as BsonDocument ?? [], out var text);
        var path = new CompiledPath(key.Value);
        var collector = new DistinctCollector([], new HashSet<BsonValue?>(operation.Order));
        foreach (var match in operation.Find(collection, filter, text, out _))
        {
            path.Walk(match.Document, LeafArrays.ElementsOnly, ref collector);
        }

        collector.Values.Sort(operation.Order);
        return new BsonDocument("values", new BsonArray(collector.Values));
    }

    /// <summary>Gathers what distinct reports for a path: every value reached through arrays of
    /// embedded documents, the elements of an array at the end of the path, never "missing".</summary>
    private readonly struct DistinctCollector(List<BsonValue> values, HashSet<BsonValue?> seen) : IPathVisitor
    {
        public List<BsonValue> Values { get; } = values;

        public bool Visit(BsonValue? value, int arrayIndex)
        {
            if (value is not (null or BsonArray { Count: 0 }) && seen.Add(value))
            {
                Values.Add(value);
            }

            return false;
        }
    }

    private BsonDocument Aggregate(BsonDocument command, OperationContext operation, Session? session)
    {
        var target = command.GetElement(0).Value;
        var collectionName = target is BsonString s ? s.Value : null;
        operation.UseCollation(command, collectionName is null ? null : operation.Collection(collectionName));
        if (collectionName is null && !(BsonOrder.IsNumber(target) && BsonOrder.ToDouble(target) == 1))
        {
            throw MongoErrorException.TypeMismatch("aggregate requires a collection name or 1");
        }

        var stages = command.GetValue("pipeline", null) as BsonArray ?? throw MongoErrorException.TypeMismatch("aggregate requires a 'pipeline' array");
        if (!command.Contains("cursor") && !command.GetValue("explain", false).ToBoolean())
        {
            throw MongoErrorException.FailedToParse("The 'cursor' option is required, except for aggregate with the explain argument");
        }

        var ns = collectionName is null ? $"{operation.Database}.$cmd.aggregate" : $"{operation.Database}.{collectionName}";
        var context = new AggregationContext { Host = operation, Query = operation.QueryContextFor(null) };
        if (stages.Count > 0 && stages[0] is BsonDocument first && first.GetElement(0).Name == "$changeStream")
        {
            return OpenChangeStream(command, operation, session, collectionName, ns, first[0].AsBsonDocument, stages, context);
        }

        var output = OutputStage(stages);
        var pipelineStages = output is null ? stages : new BsonArray(stages.Take(stages.Count - 1));
        foreach (var stage in pipelineStages)
        {
            if (stage is BsonDocument { ElementCount: 1 } doc && doc.GetElement(0).Name is "$out" or "$merge" or "$changeStream")
            {
                throw MongoErrorException.BadValue($"{doc.GetElement(0).Name} is not supported by the emulator in this position");
            }
        }

        BsonArray rest;
        IEnumerable<MetaDoc> input;
        if (collectionName is null)
        {
            input = DatabaseInput(pipelineStages, operation, out rest);
        }
        else
        {
            var collection = operation.Collection(collectionName);
            CheckHint(command, collection);
            input = SearchInput(pipelineStages, operation, collection, out rest) ?? MatchInput(pipelineStages, operation, collection, out rest);
        }

        var pipeline = Pipeline.Parse(rest, context);
        var write = output is null ? null : PrepareOutput(output, command, operation);
        var documents = pipeline.Execute(input).Select(m => m.Document).ToList();
        if (write is not null)
        {
            write(documents);
            documents = [];
        }

        return CursorReply(command, ns, documents, session, operation.Now);
    }

    /// <summary>A leading <c>$vectorSearch</c> or <c>$listSearchIndexes</c> (null for any other first
    /// stage), with the remaining stages handed back.</summary>
    private static List<MetaDoc>? SearchInput(BsonArray stages, OperationContext operation, CollectionStore? collection, out BsonArray rest)
    {
        rest = new BsonArray(stages.Skip(1));
        if (stages.Count == 0 || stages[0] is not BsonDocument { ElementCount: 1 } first)
        {
            return null;
        }

        var indexes = (IReadOnlyList<SearchIndex>?)collection?.SearchIndexes ?? [];
        switch (first.GetElement(0).Name)
        {
            case "$vectorSearch":
                var search = VectorSearch.Parse(first[0]);
                var documents = operation.Find(collection, operation.CompileFilter(collection, [], out var text), text, out _).Select(v => v.Document);
                return [.. search.Run(indexes, documents, operation.QueryContextFor(null))];
            case "$listSearchIndexes":
                return [.. ListSearchIndexes(first[0], indexes).Select(d => new MetaDoc(d))];
            default:
                return null;
        }
    }

    /// <summary>Runs a leading <c>$match</c> through the query planner (indexes, text search) and
    /// hands the remaining stages back.</summary>
    private static IEnumerable<MetaDoc> MatchInput(BsonArray stages, OperationContext operation, CollectionStore? collection, out BsonArray rest)
    {
        var filterDocument = stages.Count > 0 && stages[0] is BsonDocument { ElementCount: 1 } first && first.GetElement(0).Name == "$match"
            ? first[0] as BsonDocument ?? throw MongoErrorException.BadValue("the match filter must be an expression in an object")
            : null;
        rest = filterDocument is null ? stages : new BsonArray(stages.Skip(1));
        var filter = operation.CompileFilter(collection, filterDocument ?? [], out var text);
        return operation.Find(collection, filter, text, out _).Select(v => new MetaDoc(v.Document, filter.HasText ? filter.TextScore(v.Document) : null)).ToList();
    }

    private BsonDocument OpenChangeStream(BsonDocument command, OperationContext operation, Session? session, string? collectionName, string ns, BsonDocument options, BsonArray stages, AggregationContext context)
    {
        if (operation.Transaction is not null)
        {
            throw new MongoErrorException(ErrorCodes.OperationNotSupportedInTransaction, "$changeStream is not allowed in a transaction");
        }

        var stream = ChangeStream.Open(_store, operation.Database, collectionName, options, stages, context);
        var cursor = _cursors.Open(ns, [], session, operation.Now, stream);
        var batchSize = (command.GetValue("cursor", new BsonDocument()).AsBsonDocument.GetValue("batchSize", null))?.ToInt32() ?? 0;
        var batch = batchSize == 0 ? [] : stream.Read(_store, batchSize);
        return new BsonDocument("cursor", new BsonDocument
        {
            { "firstBatch", new BsonArray(batch) },
            { "postBatchResumeToken", stream.PostBatchResumeToken },
            { "id", cursor.Id },
            { "ns", ns },
        });
    }

    /// <summary>explain of find, count, distinct, update, delete and aggregate: which index (if any)
    /// the planner would use and how many documents it examines.</summary>
    private static BsonDocument Explain(BsonDocument command, OperationContext operation)
    {
        var explained = command.GetElement(0).Value as BsonDocument ?? throw MongoErrorException.TypeMismatch("explain requires a command document");
        var verb = explained.GetElement(0).Name;
        var collection = operation.Collection(CollectionName(explained));
        var filterDocument = verb switch
        {
            "find" => explained.GetValue("filter", new BsonDocument()).AsBsonDocument,
            "count" or "distinct" => explained.GetValue("query", null) as BsonDocument ?? [],
            "update" => explained["updates"].AsBsonArray[0]["q"].AsBsonDocument,
            "delete" => explained["deletes"].AsBsonArray[0]["q"].AsBsonDocument,
            "aggregate" => explained["pipeline"].AsBsonArray.FirstOrDefault() is BsonDocument stage && stage.GetElement(0).Name == "$match" ? stage[0].AsBsonDocument : [],
            _ => throw MongoErrorException.BadValue($"explain of '{verb}' is not supported by the emulator"),
        };
        var filter = operation.CompileFilter(collection, filterDocument, out var text);
        var matches = operation.Find(collection, filter, text, out var plan);
        BsonDocument winningPlan = plan.IndexName is null
            ? new BsonDocument("stage", "COLLSCAN")
            : new BsonDocument { { "stage", "FETCH" }, { "inputStage", new BsonDocument { { "stage", text is null ? "IXSCAN" : "TEXT_MATCH" }, { "indexName", plan.IndexName } } } };
        return new BsonDocument
        {
            { "queryPlanner", new BsonDocument { { "namespace", collection?.Namespace ?? $"{operation.Database}.{CollectionName(explained)}" }, { "winningPlan", winningPlan } } },
            { "executionStats", new BsonDocument { { "nReturned", matches.Count }, { "totalDocsExamined", plan.Examined } } },
        };
    }
}
