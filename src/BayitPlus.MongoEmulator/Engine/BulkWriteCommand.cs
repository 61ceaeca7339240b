using BayitPlus.MongoEmulator.Bson;
using MongoDB.Bson;

namespace BayitPlus.MongoEmulator.Engine;

/// <summary>
/// MongoDB 8.0's client-level <c>bulkWrite</c> (admin database): inserts, updates and deletes across
/// namespaces (<c>nsInfo</c>), each run as the matching single-collection statement, with one result
/// per operation in a cursor (only the errors with <c>errorsOnly</c>) and the summary counts.
/// </summary>
internal sealed partial class CommandDispatcher
{
    /// <summary>bulkWrite's own fields; it also takes the generic arguments.</summary>
    private static readonly HashSet<string> BulkWriteFields = ["bulkWrite", "ops", "nsInfo", "ordered", "errorsOnly", "let", "bypassDocumentValidation", "cursor"];

    /// <summary>Each kind of operation (bulk_write.idl), told apart by its first field. The server
    /// parses operations with the command's own parser context, so their fields are named
    /// <c>bulkWrite.field</c>.</summary>
    private static readonly Dictionary<string, StatementSchema> BulkWriteOps = new(StringComparer.Ordinal)
    {
        ["insert"] = new("bulkWrite", new Dictionary<string, StatementFieldType>
        {
            ["insert"] = StatementFieldType.NamespaceIndex,
            ["document"] = StatementFieldType.Object,
        }, new HashSet<string>(), "insert", "document"),
        ["update"] = new("bulkWrite", new Dictionary<string, StatementFieldType>
        {
            ["update"] = StatementFieldType.NamespaceIndex,
            ["filter"] = StatementFieldType.Object,
            ["multi"] = StatementFieldType.Bool,
            ["updateMods"] = StatementFieldType.UpdateModification,
            ["upsert"] = StatementFieldType.Bool,
            ["upsertSupplied"] = StatementFieldType.OptionalBool,
            ["arrayFilters"] = StatementFieldType.ObjectArray,
            ["hint"] = StatementFieldType.Hint,
            ["constants"] = StatementFieldType.Object,
            ["collation"] = StatementFieldType.Object,
            ["sort"] = StatementFieldType.Object,
        }, StatementSchema.RouterFields, "update", "filter", "updateMods"),
        ["delete"] = new("bulkWrite", new Dictionary<string, StatementFieldType>
        {
            ["delete"] = StatementFieldType.NamespaceIndex,
            ["filter"] = StatementFieldType.Object,
            ["multi"] = StatementFieldType.Bool,
            ["hint"] = StatementFieldType.Hint,
            ["collation"] = StatementFieldType.Object,
        }, StatementSchema.SamplerFields, "delete", "filter"),
    };

    /// <summary>A namespace entry; its other fields only MongoDB's routers and encryption send.</summary>
    private static readonly StatementSchema NamespaceInfo = new("bulkWrite.nsInfo", new Dictionary<string, StatementFieldType>
    {
        ["ns"] = StatementFieldType.String,
        ["collectionUUID"] = StatementFieldType.Uuid,
    }, new HashSet<string> { "encryptionInformation", "isTimeseriesNamespace", "shardVersion", "databaseVersion" }, "ns");

    private BsonDocument BulkWrite(BsonDocument command, OperationContext operation)
    {
        if (operation.Database != "admin")
        {
            throw new MongoErrorException(13, "bulkWrite may only be run against the admin database.");
        }

        var unknown = command.Names.FirstOrDefault(n => !BulkWriteFields.Contains(n) && !GenericArguments.Contains(n));
        if (unknown is not null)
        {
            throw MongoErrorException.UnknownField($"bulkWrite.{unknown}");
        }

        var ops = RequiredArray(command, "ops");
        var entries = RequiredArray(command, "nsInfo");
        NamespaceInfo.CheckAll(entries);
        var namespaces = entries.Select(n => NamespaceEntry(n.AsBsonDocument)).ToList();
        CheckOps(ops, namespaces.Count);
        var ordered = StrictBool(command, "ordered", true);
        var errorsOnly = StrictBool(command, "errorsOnly", false);
        var let = command.GetValue("let", null) as BsonDocument;
        var results = new BsonArray();
        long inserted = 0, matched = 0, modified = 0, upserted = 0, deleted = 0, errors = 0;
        for (var i = 0; i < ops.Count; i++)
        {
            var op = ops[i].AsBsonDocument;
            var kind = op.GetElement(0).Name;
            try
            {
                var (database, collection, uuid) = namespaces[op[0].ToInt32()];
                CheckCollectionUuid(database, collection, uuid);
                var context = new OperationContext(_store, database, operation.Transaction, let) { BypassValidation = operation.BypassValidation };
                if (_store.Find(database, collection)?.View is not null)
                {
                    throw new MongoErrorException(ErrorCodes.CommandNotSupportedOnView, $"Namespace {database}.{collection} is a view, not a collection");
                }

                var result = new BsonDocument { { "ok", 1.0 }, { "idx", i } };
                switch (kind)
                {
                    case "insert":
                        context.Insert(_store.GetOrCreate(database, collection), WithId(op["document"].AsBsonDocument));
                        inserted++;
                        result.Add("n", 1);
                        break;
                    case "update":
                        var statement = new BsonDocument { { "q", op["filter"] }, { "u", op["updateMods"] } };
                        statement.AddRange(op.Skip(1).Where(e => e.Name is "multi" or "upsert" or "upsertSupplied" or "arrayFilters" or "hint" or "collation" or "sort"));
                        if (op.TryGetValue("constants", out var constants))
                        {
                            statement.Add("c", constants);
                        }

                        var update = UpdateOne(statement, collection, context);
                        matched += update.Matched;
                        modified += update.Modified;
                        result.Add("n", update.UpsertedId is null ? (int)update.Matched : 1);
                        result.Add("nModified", (int)update.Modified);
                        if (update.UpsertedId is { } id)
                        {
                            upserted++;
                            result.Add("upserted", new BsonDocument("_id", id));
                        }

                        break;
                    case "delete":
                        var delete = new BsonDocument { { "q", op["filter"] }, { "limit", op.GetValue("multi", false).ToBoolean() ? 0 : 1 } };
                        delete.AddRange(op.Skip(1).Where(e => e.Name is "hint" or "collation"));
                        var count = DeleteOne(delete, context.Collection(collection), context);
                        deleted += count;
                        result.Add("n", (int)count);
                        break;
                }

                if (!errorsOnly)
                {
                    results.Add(result);
                }
            }
            catch (MongoErrorException error) when (error.Code != ErrorCodes.WriteConflict)
            {
                operation.Transaction?.Abort(operation.Store);
                errors++;
                var failure = new BsonDocument { { "ok", 0.0 }, { "idx", i } };
                failure.AddRange(error.ToErrorDocument());
                results.Add(failure);
                if (ordered || operation.Transaction is not null)
                {
                    break;
                }
            }
        }

        return new BsonDocument
        {
            { "cursor", new BsonDocument { { "id", 0L }, { "firstBatch", results }, { "ns", "admin.$cmd.bulkWrite" } } },
            { "nErrors", (int)errors },
            { "nInserted", (int)inserted },
            { "nMatched", (int)matched },
            { "nModified", (int)modified },
            { "nUpserted", (int)upserted },
            { "nDeleted", (int)deleted },
        };
    }

    private static BsonArray RequiredArray(BsonDocument command, string field) => command.GetValue(field, null) switch
    {
        null => throw MongoErrorException.MissingField($"bulkWrite.{field}"),
        BsonArray array => array,
        var other => throw MongoErrorException.WrongType($"bulkWrite.{field}", other, "array"),
    };

    /// <summary>Refuses, as the server's parser and request validation do before any operation runs,
    /// an operation of no known kind (its first field names the kind), a field an operation does not
    /// define or types otherwise, and an index outside <c>nsInfo</c>.</summary>
    private static void CheckOps(BsonArray ops, int namespaceCount)
    {
        for (var i = 0; i < ops.Count; i++)
        {
            var op = ops[i] as BsonDocument ?? throw MongoErrorException.WrongType($"bulkWrite.ops.{i}", ops[i], "object");
            var kind = op.ElementCount > 0 ? op.GetElement(0).Name : "";
            var schema = BulkWriteOps.GetValueOrDefault(kind) ?? throw MongoErrorException.UnknownField($"bulkWrite.{kind}");
            schema.Check(op);
        }

        var outside = ops.Select(o => o.AsBsonDocument).FirstOrDefault(o => o[0].ToInt64() >= namespaceCount);
        if (outside is not null)
        {
            throw MongoErrorException.BadValue($"BulkWrite ops entry {outside.ToJson()} has an invalid nsInfo index.");
        }
    }

    /// <summary>A namespace entry <see cref="NamespaceInfo"/> has checked.</summary>
    private static (string Database, string Collection, Guid? Uuid) NamespaceEntry(BsonDocument entry)
    {
        var (database, collection) = SplitNamespace(entry["ns"].AsString);
        return (database, collection, entry.GetValue("collectionUUID", null) is BsonBinaryData uuid ? uuid.ToGuid() : null);
    }

    /// <summary>An entry's <c>collectionUUID</c> must be the UUID of the collection it names
    /// (CollectionUUIDMismatch, 361, naming the collection that has it, if any).</summary>
    private void CheckCollectionUuid(string database, string collection, Guid? uuid)
    {
        if (uuid is not { } expected || _store.Find(database, collection)?.Uuid == expected)
        {
            return;
        }

        var actual = _store.CollectionsOf(database).Values.FirstOrDefault(c => c.Uuid == expected)?.Name;
        throw new MongoErrorException(ErrorCodes.CollectionUUIDMismatch, "Collection UUID does not match that specified", new BsonDocument
        {
            { "db", database },
            { "collectionUUID", new BsonBinaryData(expected, GuidRepresentation.Standard) },
            { "expectedCollection", collection },
            { "actualCollection", actual is null ? BsonNull.Value : actual },
        });
    }

    private static (string Database, string Collection) SplitNamespace(string ns)
    {
        var dot = ns.IndexOf('.', StringComparison.Ordinal);
        return dot > 0 && dot < ns.Length - 1
            ? (ns[..dot], ns[(dot + 1)..])
            : throw new MongoErrorException(ErrorCodes.InvalidNamespace, $"Invalid namespace specified '{ns}'");
    }
}
