using BayitPlus.MongoEmulator.Bson;
using BayitPlus.MongoEmulator.Query;
using BayitPlus.MongoEmulator.Update;
using MongoDB.Bson;

namespace BayitPlus.MongoEmulator.Engine;

internal sealed partial class CommandDispatcher
{
    private static BsonDocument Insert(BsonDocument command, OperationContext operation)
    {
        var documents = command.GetValue("documents", null) as BsonArray ?? throw MongoErrorException.FailedToParse("insert requires a 'documents' array");
        var ordered = StrictBool(command, "ordered", true);
        var collection = operation.Store.GetOrCreate(operation.Database, CollectionName(command));
        var errors = new BsonArray();
        var inserted = 0;
        for (var i = 0; i < documents.Count; i++)
        {
            try
            {
                operation.Insert(collection, WithId(documents[i].AsBsonDocument));
                inserted++;
            }
            catch (MongoErrorException error) when (error.Code != ErrorCodes.WriteConflict)
            {
                operation.Transaction?.Abort(operation.Store);
                errors.Add(WriteError(i, error));
                if (ordered || operation.Transaction is not null)
                {
                    break;
                }
            }
        }

        return WriteReply(inserted, errors);
    }

    /// <summary>An update statement (write_ops.idl's UpdateOpEntry, with 8.0's <c>sort</c>).</summary>
    private static readonly StatementSchema UpdateStatement = new("update.updates", new Dictionary<string, StatementFieldType>
    {
        ["q"] = StatementFieldType.Object,
        ["u"] = StatementFieldType.UpdateModification,
        ["c"] = StatementFieldType.Object,
        ["arrayFilters"] = StatementFieldType.ObjectArray,
        ["hint"] = StatementFieldType.Hint,
        ["multi"] = StatementFieldType.Bool,
        ["upsert"] = StatementFieldType.Bool,
        ["upsertSupplied"] = StatementFieldType.OptionalBool,
        ["collation"] = StatementFieldType.Object,
        ["sort"] = StatementFieldType.Object,
    }, StatementSchema.RouterFields, "q", "u");

    /// <summary>A delete statement (DeleteOpEntry).</summary>
    private static readonly StatementSchema DeleteStatement = new("delete.deletes", new Dictionary<string, StatementFieldType>
    {
        ["q"] = StatementFieldType.Object,
        ["limit"] = StatementFieldType.DeleteLimit,
        ["hint"] = StatementFieldType.Hint,
        ["collation"] = StatementFieldType.Object,
    }, StatementSchema.SamplerFields, "q", "limit");

    private static BsonDocument Update(BsonDocument command, OperationContext operation)
    {
        var name = CollectionName(command);
        var statements = command.GetValue("updates", null) as BsonArray ?? throw MongoErrorException.FailedToParse("update requires an 'updates' array");
        UpdateStatement.CheckAll(statements);
        var ordered = StrictBool(command, "ordered", true);
        var errors = new BsonArray();
        var upserted = new BsonArray();
        long matched = 0;
        long modified = 0;
        for (var i = 0; i < statements.Count; i++)
        {
            try
            {
                var result = UpdateOne(statements[i].AsBsonDocument, name, operation);
                matched += result.Matched;
                modified += result.Modified;
                if (result.UpsertedId is not null)
                {
                    matched++;
                    upserted.Add(new BsonDocument { { "index", i }, { "_id", result.UpsertedId } });
                }
            }
            catch (MongoErrorException error) when (error.Code != ErrorCodes.WriteConflict)
            {
                operation.Transaction?.Abort(operation.Store);
                errors.Add(WriteError(i, error));
                if (ordered || operation.Transaction is not null)
                {
                    break;
                }
            }
        }

        var reply = WriteReply(matched, errors);
        reply.InsertAt(1, new BsonElement("nModified", (int)modified));
        if (upserted.Count > 0)
        {
            reply.Add("upserted", upserted);
        }

        return reply;
    }

    /// <summary>One update statement, whose field types <see cref="UpdateStatement"/> has checked.</summary>
    private static (long Matched, long Modified, BsonValue? UpsertedId) UpdateOne(BsonDocument statement, string collectionName, OperationContext operation)
    {
        var query = statement["q"].AsBsonDocument;
        var u = statement["u"];
        var multi = statement.GetValue("multi", false).ToBoolean();
        var upsert = statement.GetValue("upsert", false).ToBoolean();
        var constants = statement.GetValue("c", null) as BsonDocument;
        var suppliedUpsert = statement.GetValue("upsertSupplied", false).ToBoolean();
        if (suppliedUpsert)
        {
            // The server checks both before matching anything, so they fail the statement whether or not a document matches.
            if (!upsert)
            {
                throw MongoErrorException.FailedToParse("cannot specify 'upsertSupplied: true' for a non-upsert operation");
            }

            if (constants?.GetValue("new", null) is not BsonDocument)
            {
                throw MongoErrorException.FailedToParse("the parameter 'upsertSupplied' is set to 'true', but no document was supplied");
            }
        }

        operation.UseCollation(statement, operation.Collection(collectionName));
        var collection = operation.Collection(collectionName);
        CheckHint(statement, collection);
        var filter = operation.CompileFilter(collection, query, out var text);
        var spec = UpdateSpec.Parse(u, statement.GetValue("arrayFilters", null) as BsonArray, WithConstants(operation.QueryContextFor(null), constants));
        if (constants is not null && spec.Kind != UpdateKind.Pipeline)
        {
            throw new MongoErrorException(51198, "Constant values may only be specified for pipeline updates");
        }

        if (multi && spec.Kind == UpdateKind.Replacement)
        {
            throw MongoErrorException.FailedToParse("multi update is not supported for replacement-style update");
        }

        var targets = operation.Find(collection, filter, text, out _);
        if (statement.GetValue("sort", null) is { } sortValue)
        {
            // MongoDB 8.0: the sort decides which document a single update changes.
            if (multi)
            {
                throw new MongoErrorException(ErrorCodes.FailedToParse, "The sort option cannot be used with multi-updates");
            }

            var sortSpec = sortValue.AsBsonDocument;
            if (sortSpec.ElementCount > 0 && targets.Count > 1)
            {
                var first = SortSpec.Parse(sortSpec, operation.Order).Sort(targets.Select(v => new MetaDoc(v.Document)), 1)[0];
                targets = [.. targets.Where(v => ReferenceEquals(v.Document, first.Document))];
            }
        }

        if (targets.Count == 0)
        {
            if (!upsert)
            {
                return (0, 0, null);
            }

            // upsertSupplied: insert the document the statement supplies as c.new instead of building one.
            var document = WithId(suppliedUpsert ? constants!["new"].DeepClone().AsBsonDocument : spec.BuildUpsert(query));
            operation.Insert(operation.Store.GetOrCreate(operation.Database, collectionName), document);
            return (0, 0, document["_id"]);
        }

        long modified = 0;
        foreach (var target in multi ? targets : targets.Take(1))
        {
            var outcome = spec.Apply(target.Document, filter);
            if (outcome.Modified)
            {
                operation.Replace(collection!, target, outcome.Document, spec.Kind == UpdateKind.Replacement);
                modified++;
            }
        }

        return (multi ? targets.Count : 1, modified, null);
    }

    /// <summary>A statement's constants (<c>c</c>), readable as <c>$$name</c> by its update pipeline
    /// besides the command's <c>let</c>.</summary>
    private static QueryContext WithConstants(QueryContext context, BsonDocument? constants)
    {
        if (constants is null)
        {
            return context;
        }

        var variables = new BsonDocument(context.Variables.Elements);
        variables.Merge(constants, overwriteExistingElements: true);
        return new QueryContext { Now = context.Now, Text = context.Text, Variables = variables, Order = context.Order };
    }

    private static BsonDocument Delete(BsonDocument command, OperationContext operation)
    {
        var collection = operation.Collection(CollectionName(command));
        var statements = command.GetValue("deletes", null) as BsonArray ?? throw MongoErrorException.FailedToParse("delete requires a 'deletes' array");
        DeleteStatement.CheckAll(statements);
        var ordered = StrictBool(command, "ordered", true);
        var errors = new BsonArray();
        long deleted = 0;
        for (var i = 0; i < statements.Count; i++)
        {
            try
            {
                deleted += DeleteOne(statements[i].AsBsonDocument, collection, operation);
            }
            catch (MongoErrorException error) when (error.Code != ErrorCodes.WriteConflict)
            {
                operation.Transaction?.Abort(operation.Store);
                errors.Add(WriteError(i, error));
                if (ordered || operation.Transaction is not null)
                {
                    break;
                }
            }
        }

        return WriteReply(deleted, errors);
    }

    /// <summary>One delete statement (<c>{q, limit, hint, collation}</c>), whose field types
    /// <see cref="DeleteStatement"/> has checked: how many documents it removed.</summary>
    private static long DeleteOne(BsonDocument statement, CollectionStore? collection, OperationContext operation)
    {
        operation.UseCollation(statement, collection);
        var query = statement["q"].AsBsonDocument;
        var multi = StatementSchema.IsMultiDelete(statement["limit"]);
        CheckHint(statement, collection);
        var filter = operation.CompileFilter(collection, query, out var text);
        var targets = operation.Find(collection, filter, text, out _);
        long deleted = 0;
        foreach (var target in multi ? targets : targets.Take(1))
        {
            operation.Delete(collection!, target);
            deleted++;
        }

        return deleted;
    }

    private static BsonDocument FindAndModify(BsonDocument command, OperationContext operation)
    {
        var name = CollectionName(command);
        operation.UseCollation(command, operation.Collection(name));
        var query = command.GetValue("query", new BsonDocument()).AsBsonDocument;
        var remove = command.GetValue("remove", false).ToBoolean();
        var update = command.GetValue("update", null);
        var returnNew = command.GetValue("new", false).ToBoolean();
        var upsert = command.GetValue("upsert", false).ToBoolean();
        if (remove == (update is not null))
        {
            throw MongoErrorException.FailedToParse("Either an update or remove=true must be specified");
        }

        if (remove && (upsert || returnNew))
        {
            throw MongoErrorException.FailedToParse("Cannot specify new or upsert with remove=true");
        }

        var collection = operation.Collection(name);
        CheckHint(command, collection);
        var filter = operation.CompileFilter(collection, query, out var text);
        var spec = update is null ? null : UpdateSpec.Parse(update, command.GetValue("arrayFilters", null) as BsonArray, operation.QueryContextFor(null));
        var projection = command.GetValue("fields", null) is BsonDocument { ElementCount: > 0 } fields ? FindProjection.Parse(fields, operation.QueryContextFor(null)) : null;
        var candidates = operation.Find(collection, filter, text, out _);
        if (command.GetValue("sort", null) is BsonDocument { ElementCount: > 0 } sortSpec)
        {
            var first = SortSpec.Parse(sortSpec, operation.Order).Sort(candidates.Select(v => new MetaDoc(v.Document)), 1);
            candidates = [.. candidates.Where(v => first.Count > 0 && ReferenceEquals(v.Document, first[0].Document))];
        }

        var lastError = new BsonDocument();
        BsonDocument? value;
        if (candidates.Count == 0)
        {
            value = null;
            lastError.Add("n", 0);
            if (spec is not null)
            {
                lastError.Add("updatedExisting", false);
                if (upsert)
                {
                    var document = WithId(spec.BuildUpsert(query));
                    operation.Insert(operation.Store.GetOrCreate(operation.Database, name), document);
                    lastError["n"] = 1;
                    lastError.Add("upserted", document["_id"]);
                    value = returnNew ? document : null;
                }
            }
        }
        else
        {
            var target = candidates[0];
            lastError.Add("n", 1);
            if (spec is null)
            {
                operation.Delete(collection!, target);
                value = target.Document;
            }
            else
            {
                lastError.Add("updatedExisting", true);
                var outcome = spec.Apply(target.Document, filter);
                if (outcome.Modified)
                {
                    operation.Replace(collection!, target, outcome.Document, spec.Kind == UpdateKind.Replacement);
                }

                value = returnNew ? outcome.Document : target.Document;
            }
        }

        var projected = value is null ? null : projection?.Apply(new MetaDoc(value), filter) ?? value;
        return new BsonDocument { { "lastErrorObject", lastError }, { "value", (BsonValue?)projected ?? BsonNull.Value } };
    }

    /// <summary>Gives a document an ObjectId <c>_id</c> when it has none, and moves <c>_id</c> to the
    /// front as MongoDB stores it.</summary>
    private static BsonDocument WithId(BsonDocument document)
    {
        if (document.TryGetValue("_id", out var id))
        {
            if (id is BsonArray or BsonRegularExpression || (id is BsonDocument d && d.Names.Any(n => n.StartsWith('$'))))
            {
                throw new MongoErrorException(ErrorCodes.InvalidIdField, $"The '_id' value cannot be of type {id.BsonType}");
            }

            if (document.GetElement(0).Name == "_id")
            {
                return document;
            }

            var reordered = new BsonDocument("_id", id);
            reordered.AddRange(document.Where(e => e.Name != "_id"));
            return reordered;
        }

        var withId = new BsonDocument("_id", ObjectId.GenerateNewId());
        withId.AddRange(document);
        return withId;
    }

    /// <summary>A boolean command field the server's IDL types as a strict <c>bool</c> (<c>ordered</c>,
    /// <c>errorsOnly</c>): another type is refused, not read as true or false.</summary>
    private static bool StrictBool(BsonDocument command, string field, bool absent) => command.GetValue(field, null) switch
    {
        null => absent,
        BsonBoolean flag => flag.Value,
        var other => throw MongoErrorException.WrongType($"{command.GetElement(0).Name}.{field}", other, "bool"),
    };

    /// <summary>A key pattern naming several indexes (other collations, filters, unique or sparse)
    /// leaves the planner to guess, which the server refuses.</summary>
    private static bool HintedByKey(CollectionStore collection, BsonDocument pattern)
    {
        var matching = collection.IndexesWithKey(pattern).Take(2).ToList();
        return matching.Count switch
        {
            0 => false,
            1 => true,
            _ => throw new MongoErrorException(ErrorCodes.IndexNotFound,
                $"planner returned error :: caused by :: Hint matched multiple indexes, must hint by index name. Matched: {matching[0].Spec} and {matching[1].Spec}"),
        };
    }

    /// <summary>A hint names an index by name or key pattern; the planner picks indexes itself, so
    /// a hint only matters when it names no index, which the server refuses.</summary>
    private static void CheckHint(BsonDocument command, CollectionStore? collection)
    {
        var hint = command.GetValue("hint", null);
        var known = hint switch
        {
            null or BsonNull => true,
            _ when collection is null => true,
            BsonString { Value: var name } => collection.Indexes.Any(i => i.Name == name),
            BsonDocument { ElementCount: 0 } => true,
            BsonDocument pattern when pattern.GetElement(0).Name == "$natural" => true,
            BsonDocument pattern => HintedByKey(collection, pattern),
            _ => throw MongoErrorException.BadValue("hint must be a string or a document"),
        };
        if (!known)
        {
            throw MongoErrorException.BadValue($"planner returned error :: caused by :: hint provided does not correspond to an existing index: {hint}");
        }
    }

    private static BsonDocument WriteError(int index, MongoErrorException error)
    {
        var document = new BsonDocument { { "index", index }, { "code", error.Code }, { "errmsg", error.Message } };
        if (error.Extra is not null)
        {
            document.AddRange(error.Extra);
        }

        return document;
    }

    private static BsonDocument WriteReply(long n, BsonArray errors)
    {
        var reply = new BsonDocument("n", (int)n);
        if (errors.Count > 0)
        {
            reply.Add("writeErrors", errors);
        }

        return reply;
    }
}
