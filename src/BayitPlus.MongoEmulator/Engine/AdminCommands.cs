using BayitPlus.MongoEmulator.Aggregation;
using BayitPlus.MongoEmulator.Bson;
using BayitPlus.MongoEmulator.Query;
using MongoDB.Bson;

namespace BayitPlus.MongoEmulator.Engine;

internal sealed partial class CommandDispatcher
{
    private static readonly Dictionary<string, Handler> Handlers = new(StringComparer.Ordinal)
    {
        ["ping"] = (_, _, _, _) => [],
        ["configureFailPoint"] = (d, c, o, _) => d.ConfigureFailPoint(c, o),
        ["buildInfo"] = (_, _, _, _) => BuildInfo(),
        ["buildinfo"] = (_, _, _, _) => BuildInfo(),
        ["serverStatus"] = (d, _, _, _) => d.ServerStatus(),
        ["listDatabases"] = (d, c, _, _) => d.ListDatabases(c),
        ["listCollections"] = (d, c, o, s) => d.ListCollections(c, o, s),
        ["create"] = (d, c, o, _) => d.Create(c, o),
        ["drop"] = (d, c, o, _) => d.Drop(c, o),
        ["collMod"] = (_, c, o, _) => CollMod(c, o),
        ["bulkWrite"] = (d, c, o, _) => d.BulkWrite(c, o),
        ["dropDatabase"] = (d, _, o, _) => d.DropDatabase(o),
        ["createIndexes"] = (_, c, o, _) => CreateIndexes(c, o),
        ["listIndexes"] = (d, c, o, s) => d.ListIndexes(c, o, s),
        ["dropIndexes"] = (_, c, o, _) => DropIndexes(c, o),
        ["deleteIndexes"] = (_, c, o, _) => DropIndexes(c, o),
        ["createSearchIndexes"] = (_, c, o, _) => CreateSearchIndexes(c, o),
        ["updateSearchIndex"] = (_, c, o, _) => UpdateSearchIndex(c, o),
        ["dropSearchIndex"] = (_, c, o, _) => DropSearchIndex(c, o),
        ["endSessions"] = (d, c, _, _) => d.EndSessions(c),
        ["killSessions"] = (d, c, _, _) => d.KillSessions(c),
        ["killAllSessions"] = (d, c, _, _) => d.KillAllSessions(c),
        ["commitTransaction"] = (d, _, o, _) => d.CommitTransaction(o),
        ["abortTransaction"] = (d, _, o, _) => d.AbortTransaction(o),
        ["insert"] = (_, c, o, _) => Insert(c, o),
        ["update"] = (_, c, o, _) => Update(c, o),
        ["delete"] = (_, c, o, _) => Delete(c, o),
        ["findAndModify"] = (_, c, o, _) => FindAndModify(c, o),
        ["findandmodify"] = (_, c, o, _) => FindAndModify(c, o),
        ["find"] = (d, c, o, s) => d.Find(c, o, s),
        ["getMore"] = (d, c, _, _) => d.GetMore(c),
        ["killCursors"] = (d, c, _, _) => d.KillCursors(c),
        ["count"] = (_, c, o, _) => Count(c, o),
        ["distinct"] = (_, c, o, _) => Distinct(c, o),
        ["aggregate"] = (d, c, o, s) => d.Aggregate(c, o, s),
        ["explain"] = (_, c, o, _) => Explain(c, o),
    };

    private static BsonDocument BuildInfo() => new()
    {
        { "version", "8.0.0" },
        { "gitVersion", "bayitplus-mongo-emulator" },
        { "versionArray", new BsonArray { 8, 0, 0, 0 } },
        { "bits", 64 },
        { "maxBsonObjectSize", 16 * 1024 * 1024 },
        { "storageEngines", new BsonArray { "inMemory" } },
        { "emulator", "BayitPlus.MongoEmulator: in-memory, for tests and development only" },
    };

    private static string CollectionName(BsonDocument command)
    {
        var value = command.GetElement(0).Value;
        return value is BsonString name
            ? name.Value
            : throw new MongoErrorException(ErrorCodes.InvalidNamespace, $"collection name has invalid type {value.BsonType}");
    }

    private BsonDocument ServerStatus() => new()
    {
        { "host", "127.0.0.1" },
        { "version", "8.0.0" },
        { "process", "bayitplus-mongo-emulator" },
        { "localTime", new BsonDateTime(_store.Now) },
        { "storageEngine", new BsonDocument("name", "inMemory") },
    };

    private BsonDocument ListDatabases(BsonDocument command)
    {
        var nameOnly = command.GetValue("nameOnly", false).ToBoolean();
        var filter = command.GetValue("filter", null) is BsonDocument f ? CompiledFilter.Compile(f, QueryContext.Default) : null;
        var databases = new BsonArray();
        foreach (var name in _store.DatabaseNames.Order(StringComparer.Ordinal))
        {
            var entry = nameOnly
                ? new BsonDocument("name", name)
                : new BsonDocument { { "name", name }, { "sizeOnDisk", 0L }, { "empty", false } };
            if (filter?.Matches(entry) ?? true)
            {
                databases.Add(entry);
            }
        }

        var reply = new BsonDocument("databases", databases);
        if (!nameOnly)
        {
            reply.Add("totalSize", 0L);
        }

        return reply;
    }

    private BsonDocument ListCollections(BsonDocument command, OperationContext operation, Session? session)
    {
        var nameOnly = command.GetValue("nameOnly", false).ToBoolean();
        var filter = command.GetValue("filter", null) is BsonDocument f ? CompiledFilter.Compile(f, QueryContext.Default) : null;
        var results = new List<BsonDocument>();
        foreach (var collection in _store.CollectionsOf(operation.Database).Values.OrderBy(c => c.Name, StringComparer.Ordinal))
        {
            var entry = collection.View is not null
                ? ViewEntry(collection, nameOnly)
                : nameOnly
                ? new BsonDocument { { "name", collection.Name }, { "type", "collection" } }
                : new BsonDocument
                {
                    { "name", collection.Name },
                    { "type", "collection" },
                    { "options", CollectionOptions(collection) },
                    { "info", new BsonDocument { { "readOnly", false }, { "uuid", new BsonBinaryData(collection.Uuid, GuidRepresentation.Standard) } } },
                    { "idIndex", collection.Indexes[0].Spec.DeepClone() },
                };
            if (filter?.Matches(entry) ?? true)
            {
                results.Add(entry);
            }
        }

        return CursorReply(command, $"{operation.Database}.$cmd.listCollections", results, session, operation.Now);
    }

    private static BsonDocument CollectionOptions(CollectionStore collection)
    {
        var options = collection.Validation?.Options ?? [];
        if (collection.DefaultCollation is { } collation)
        {
            options.Add("collation", collation.Spec.DeepClone());
        }

        return options;
    }

    private static BsonDocument ViewEntry(CollectionStore view, bool nameOnly)
    {
        if (nameOnly)
        {
            return new BsonDocument { { "name", view.Name }, { "type", "view" } };
        }

        var options = new BsonDocument { { "viewOn", view.View!.ViewOn }, { "pipeline", view.View.Pipeline.DeepClone() } };
        if (view.DefaultCollation is { } collation)
        {
            options.Add("collation", collation.Spec.DeepClone());
        }

        return new BsonDocument { { "name", view.Name }, { "type", "view" }, { "options", options }, { "info", new BsonDocument("readOnly", true) } };
    }

    /// <summary>create's fields in the server's IDL that the emulator does not implement: they are
    /// refused with 238, never ignored.</summary>
    private static readonly HashSet<string> UnsupportedCreateOptions =
    [
        "capped", "autoIndexId", "idIndex", "size", "max", "storageEngine", "indexOptionDefaults", "changeStreamPreAndPostImages",
        "timeseries", "clusteredIndex", "expireAfterSeconds", "encryptedFields", "temp", "flags",
    ];

    private BsonDocument Create(BsonDocument command, OperationContext operation)
    {
        var name = CollectionName(command);
        foreach (var option in command.Names.Skip(1))
        {
            if (!GenericArguments.Contains(option) && !UnsupportedCreateOptions.Contains(option)
                && option is not ("viewOn" or "pipeline" or "collation" or "validator" or "validationLevel" or "validationAction"))
            {
                throw MongoErrorException.UnknownField($"create.{option}");
            }
        }

        if (command.Contains("viewOn"))
        {
            return CreateView(command, name, operation);
        }

        // capped: false is the default the emulator implements; any other option of the list changes storage.
        var unsupported = command.Names.FirstOrDefault(o => UnsupportedCreateOptions.Contains(o) && !(o == "capped" && !command[o].ToBoolean()));
        if (unsupported is not null)
        {
            throw new MongoErrorException(ErrorCodes.NotImplemented, $"create option '{unsupported}' is not supported by the emulator");
        }

        if (command.Contains("pipeline"))
        {
            throw new MongoErrorException(ErrorCodes.InvalidOptions, "'pipeline' requires 'viewOn' to also be specified");
        }

        if (operation.Collection(name) is not null)
        {
            throw new MongoErrorException(ErrorCodes.NamespaceExists, $"Collection {operation.Database}.{name} already exists.");
        }

        var validation = DocumentValidation.Apply(command, null);
        _store.GetOrCreate(operation.Database, name, Collation.Of(command)).Validation = validation;
        return [];
    }

    /// <summary>collMod: the validation options of a collection; any other change is refused.</summary>
    private static BsonDocument CollMod(BsonDocument command, OperationContext operation)
    {
        var name = CollectionName(command);
        var collection = operation.Collection(name) ?? throw new MongoErrorException(ErrorCodes.NamespaceNotFound, $"ns does not exist: {operation.Database}.{name}");
        var unsupported = command.Skip(1).FirstOrDefault(o => o.Name is not ("validator" or "validationLevel" or "validationAction" or "writeConcern" or "lsid" or "$db" or "$clusterTime" or "txnNumber" or "comment" or "$readPreference"));
        if (unsupported.Name is not null)
        {
            throw new MongoErrorException(ErrorCodes.NotImplemented, $"collMod option '{unsupported.Name}' is not supported by the emulator");
        }

        if (collection.View is not null)
        {
            throw new MongoErrorException(ErrorCodes.NotImplemented, "collMod of a view is not supported by the emulator");
        }

        collection.Validation = DocumentValidation.Apply(command, collection.Validation);
        return [];
    }

    private BsonDocument CreateView(BsonDocument command, string name, OperationContext operation)
    {
        var viewOn = command["viewOn"] as BsonString ?? throw MongoErrorException.TypeMismatch("'viewOn' must be a string");
        var pipeline = command.GetValue("pipeline", new BsonArray()) as BsonArray ?? throw MongoErrorException.TypeMismatch("'pipeline' must be an array");
        var unsupported = command.Names.Skip(1).FirstOrDefault(o => !GenericArguments.Contains(o) && o is not ("viewOn" or "pipeline" or "collation"));
        if (unsupported is not null)
        {
            throw new MongoErrorException(ErrorCodes.InvalidOptions, $"option not supported on a view: {unsupported}");
        }

        if (viewOn.Value.Length == 0)
        {
            throw new MongoErrorException(ErrorCodes.InvalidNamespace, "invalid namespace: viewOn must not be empty");
        }

        foreach (var stage in pipeline)
        {
            if (stage is not BsonDocument { ElementCount: 1 } document || document.GetElement(0).Name is "$out" or "$merge" or "$changeStream")
            {
                throw new MongoErrorException(ErrorCodes.OptionNotSupportedOnView, $"{(stage as BsonDocument)?.GetElement(0).Name ?? "a non-document stage"} cannot be used in a view definition");
            }
        }

        Pipeline.Parse(pipeline, new AggregationContext { Host = operation, Query = operation.QueryContextFor(null) });
        if (operation.Collection(name) is not null)
        {
            throw new MongoErrorException(ErrorCodes.NamespaceExists, $"Namespace {operation.Database}.{name} already exists");
        }

        // Every view the definition reads (its source, and those its $lookup/$unionWith stages name,
        // nested ones included) shares its collation, as the server's view catalog requires.
        var collation = Collation.Of(command);
        var conflicting = Pipeline.CollectionsRead(pipeline).Prepend(viewOn.Value)
            .Select(operation.Collection)
            .FirstOrDefault(source => source?.View is not null && !Collation.AreSame(source.DefaultCollation, collation));
        if (conflicting is not null)
        {
            throw new MongoErrorException(ErrorCodes.OptionNotSupportedOnView, $"View {operation.Database}.{name} has conflicting collation with view {conflicting.Namespace}");
        }

        _store.CreateView(operation.Database, name, new ViewDefinition(viewOn.Value, pipeline), collation);
        return [];
    }

    private BsonDocument Drop(BsonDocument command, OperationContext operation)
    {
        var name = CollectionName(command);
        var collection = operation.Collection(name);
        if (collection is null)
        {
            // MongoDB 7.0 answers ok for a collection that does not exist.
            return new BsonDocument("ns", $"{operation.Database}.{name}");
        }

        var indexes = collection.Indexes.Count;
        _store.Drop(operation.Database, name);
        _cursors.KillNamespace(collection.Namespace, "collection dropped");
        return new BsonDocument { { "nIndexesWas", indexes }, { "ns", collection.Namespace } };
    }

    private BsonDocument DropDatabase(OperationContext operation)
    {
        _store.DropDatabase(operation.Database);
        _cursors.KillNamespace($"{operation.Database}.", "database dropped");
        return new BsonDocument("dropped", operation.Database);
    }

    private static BsonDocument CreateIndexes(BsonDocument command, OperationContext operation)
    {
        var name = CollectionName(command);
        if (command.GetValue("indexes", null) is not BsonArray { Count: > 0 } requests)
        {
            throw MongoErrorException.BadValue("createIndexes requires a non-empty 'indexes' array");
        }

        // An index that names no collation takes the collection's default, as on the server.
        var defaultCollation = operation.Collection(name)?.DefaultCollation;
        var definitions = requests.Select(r => r.AsBsonDocument)
            .Select(r => IndexDefinition.Parse(defaultCollation is not null && !r.Contains("collation") ? new BsonDocument(r).Add("collation", defaultCollation.Spec) : r))
            .ToList();
        var created = operation.Collection(name) is null;
        var collection = operation.Store.GetOrCreate(operation.Database, name);
        var before = collection.Indexes.Count;

        // The server builds a request's indexes together: one refused leaves none of them.
        var added = new List<IndexDefinition>();
        try
        {
            foreach (var definition in definitions)
            {
                if (AddIndexUnlessPresent(collection, definition))
                {
                    added.Add(definition);
                }
            }
        }
        catch (MongoErrorException)
        {
            added.ForEach(collection.DropIndex);
            throw;
        }

        var reply = new BsonDocument
        {
            { "numIndexesBefore", before },
            { "numIndexesAfter", collection.Indexes.Count },
            { "createdCollectionAutomatically", created },
        };
        if (before == collection.Indexes.Count)
        {
            reply.Add("note", "all indexes already exist");
        }

        return reply;
    }

    private BsonDocument ListIndexes(BsonDocument command, OperationContext operation, Session? session)
    {
        var collection = operation.Collection(CollectionName(command))
            ?? throw new MongoErrorException(ErrorCodes.NamespaceNotFound, $"ns does not exist: {operation.Database}.{CollectionName(command)}");
        return CursorReply(command, collection.Namespace, collection.Indexes.Select(i => i.Spec.DeepClone().AsBsonDocument).ToList(), session, operation.Now);
    }

    private static BsonDocument DropIndexes(BsonDocument command, OperationContext operation)
    {
        var collection = operation.Collection(CollectionName(command))
            ?? throw new MongoErrorException(ErrorCodes.NamespaceNotFound, $"ns not found {operation.Database}.{CollectionName(command)}");
        var before = collection.Indexes.Count;
        var target = command.GetValue("index", null) ?? throw MongoErrorException.BadValue("dropIndexes requires 'index'");
        var victims = target switch
        {
            BsonString { Value: "*" } => collection.Indexes.Skip(1).ToList(),
            BsonString name => [FindIndex(collection, i => i.Name == name.Value, name.Value)],
            BsonArray names => names.Select(n => FindIndex(collection, i => i.Name == n.AsString, n.AsString)).ToList(),
            BsonDocument key => [IndexByKey(collection, key)],
            _ => throw MongoErrorException.TypeMismatch("dropIndexes 'index' must be a string, an array of strings or a key pattern"),
        };
        if (victims.Any(v => v.Name == "_id_"))
        {
            throw new MongoErrorException(ErrorCodes.InvalidOptions, "cannot drop _id index");
        }

        foreach (var victim in victims)
        {
            collection.DropIndex(victim);
        }

        return new BsonDocument("nIndexesWas", before);
    }

    /// <summary>Adds the index unless the same one exists (false); refuses one that conflicts by
    /// name or signature, with the server's codes.</summary>
    private static bool AddIndexUnlessPresent(CollectionStore collection, IndexDefinition definition)
    {
        var sameName = collection.Indexes.FirstOrDefault(i => i.Name == definition.Name);
        if (sameName is not null)
        {
            if (sameName.SameAs(definition))
            {
                return false;
            }

            throw sameName.SameSignatureAs(definition)
                ? new MongoErrorException(ErrorCodes.IndexOptionsConflict, $"An existing index has the same name as the requested index but different options. Requested index: {definition.Spec}, existing index: {sameName.Spec}")
                : new MongoErrorException(ErrorCodes.IndexKeySpecsConflict, $"An existing index has the same name as the requested index. When index names are not specified, they are auto generated and can cause conflicts. Please refer to our documentation. Requested index: {definition.Spec}, existing index: {sameName.Spec}");
        }

        var equivalent = collection.Indexes.FirstOrDefault(i => i.SameSignatureAs(definition));
        if (equivalent is not null)
        {
            if (equivalent.SameAs(definition))
            {
                throw new MongoErrorException(ErrorCodes.IndexOptionsConflict, $"Index already exists with a different name: {equivalent.Name}");
            }

            throw new MongoErrorException(ErrorCodes.IndexOptionsConflict, $"An equivalent index already exists with a different name and options. Requested index: {definition.Spec}, existing index: {equivalent.Spec}");
        }

        collection.AddIndex(definition);
        return true;
    }

    /// <summary>One key may carry several indexes (other collations, filters, unique or sparse):
    /// the server then wants the index named.</summary>
    private static IndexDefinition IndexByKey(CollectionStore collection, BsonDocument key)
    {
        var matching = collection.IndexesWithKey(key).ToList();
        return matching.Count switch
        {
            1 => matching[0],
            0 => throw new MongoErrorException(ErrorCodes.IndexNotFound, $"can't find index with key: {key}"),
            _ => throw new MongoErrorException(ErrorCodes.AmbiguousIndexKeyPattern, $"{matching.Count} indexes found for key: {key}, identify by name instead. Conflicting indexes: {string.Join(", ", matching.Select(i => i.Spec))}"),
        };
    }

    private static IndexDefinition FindIndex(CollectionStore collection, Func<IndexDefinition, bool> predicate, string description) =>
        collection.Indexes.FirstOrDefault(predicate)
        ?? throw new MongoErrorException(ErrorCodes.IndexNotFound, $"index not found with name [{description}]");

    private BsonDocument EndSessions(BsonDocument command)
    {
        foreach (var lsid in command.GetElement(0).Value.AsBsonArray)
        {
            var id = lsid is BsonDocument doc && doc.TryGetValue("id", out var value) ? value : lsid;
            if (_sessions.Remove(id, out var session))
            {
                Kill(session);
            }
        }

        return [];
    }

    /// <summary>Kills the named sessions' work, as MongoDB does: open transactions abort and cursors
    /// close (a client's next getMore fails with CursorNotFound, which change streams resume from).
    /// The sessions themselves stay usable. An empty list names the caller's own sessions, which
    /// without authentication are all of them.</summary>
    private BsonDocument KillSessions(BsonDocument command)
    {
        var named = command.GetElement(0).Value.AsBsonArray;
        if (named.Count == 0)
        {
            return KillAll();
        }

        foreach (var lsid in named)
        {
            var id = lsid is BsonDocument doc && doc.TryGetValue("id", out var value) ? value : lsid;
            if (_sessions.TryGetValue(id, out var session))
            {
                Kill(session);
            }
        }

        return [];
    }

    /// <summary><c>killAllSessions: []</c> kills every session's work. The emulator has no users,
    /// so the form that names users to match is refused rather than read as "all".</summary>
    private BsonDocument KillAllSessions(BsonDocument command)
    {
        if (command.GetElement(0).Value is not BsonArray { Count: 0 })
        {
            throw new MongoErrorException(ErrorCodes.NotImplemented, "killAllSessions: the emulator has no users; only [] (every session) is supported");
        }

        return KillAll();
    }

    private BsonDocument KillAll()
    {
        foreach (var session in _sessions.Values)
        {
            Kill(session);
        }

        return [];
    }

    private void Kill(Session session)
    {
        if (session.Transaction is { State: TransactionState.Open } open)
        {
            open.Abort(_store);
        }

        _cursors.CloseSessionCursors(session);
    }

    private BsonDocument CommitTransaction(OperationContext operation)
    {
        var transaction = operation.Transaction!;
        if (transaction.State == TransactionState.Committed)
        {
            return [];
        }

        try
        {
            transaction.Commit(_store);
            transaction.State = TransactionState.Committed;
        }
        catch (MongoErrorException)
        {
            transaction.Abort(_store);
            throw;
        }
        finally
        {
            transaction.ReleaseLocks(_store);
        }

        return [];
    }

    private BsonDocument AbortTransaction(OperationContext operation)
    {
        var transaction = operation.Transaction!;
        if (transaction.State != TransactionState.Open)
        {
            throw new MongoErrorException(ErrorCodes.NoSuchTransaction, $"Transaction {transaction.TxnNumber} has been aborted.");
        }

        transaction.Abort(_store);
        return [];
    }
}
