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
    private static readonly HashSet<string> BulkWriteFields =
        ["bulkWrite", "ops", "nsInfo", "ordered", "errorsOnly", "let", "bypassDocumentValidation", "comment", "cursor", "writeConcern",
         "lsid", "txnNumber", "$db", "$clusterTime", "$readPreference", "autocommit", "startTransaction", "apiVersion", "apiStrict", "apiDeprecationErrors"];

    /// <summary>The fields of each kind of operation and of a namespace entry (bulk_write.idl).</summary>
    private static readonly Dictionary<string, HashSet<string>> BulkWriteOpFields = new(StringComparer.Ordinal)
    {
        ["insert"] = ["insert", "document"],
        ["update"] = ["update", "filter", "multi", "updateMods", "upsert", "upsertSupplied", "arrayFilters", "hint", "constants", "collation", "sort"],
        ["delete"] = ["delete", "filter", "multi", "hint", "collation"],
    };

    private static readonly HashSet<string> NamespaceInfoFields = ["ns", "collectionUUID"];

    /// <summary>Fields only MongoDB's own routers, samplers and encryption send.</summary>
    private static readonly HashSet<string> InternalBulkWriteFields =
        ["sampleId", "encryptionInformation", "isTimeseriesNamespace", "shardVersion", "databaseVersion"];

    private BsonDocument BulkWrite(BsonDocument command, OperationContext operation)
    {
        if (operation.Database != "admin")
        {
            throw new MongoErrorException(13, "bulkWrite may only be run against the admin database.");
        }

        var unknown = command.Names.FirstOrDefault(n => !BulkWriteFields.Contains(n));
        if (unknown is not null)
        {
            throw new MongoErrorException(ErrorCodes.UnknownField, $"BSON field 'bulkWrite.{unknown}' is an unknown field.");
        }

        var ops = command.GetValue("ops", null) as BsonArray ?? throw new MongoErrorException(40414, "BSON field 'bulkWrite.ops' is missing but a required field");
        var entries = command.GetValue("nsInfo", null) as BsonArray ?? throw new MongoErrorException(40414, "BSON field 'bulkWrite.nsInfo' is missing but a required field");
        CheckBulkWriteFields(ops, entries);
        var namespaces = entries.Select(n => NamespaceEntry(n.AsBsonDocument)).ToList();
        var ordered = command.GetValue("ordered", true).ToBoolean();
        var errorsOnly = command.GetValue("errorsOnly", false).ToBoolean();
        var let = command.GetValue("let", null) as BsonDocument;
        var results = new BsonArray();
        long inserted = 0, matched = 0, modified = 0, upserted = 0, deleted = 0, errors = 0;
        for (var i = 0; i < ops.Count; i++)
        {
            var op = ops[i].AsBsonDocument;
            var kind = op.GetElement(0).Name;
            try
            {
                var index = op[0].ToInt32();
                if (index < 0 || index >= namespaces.Count)
                {
                    throw MongoErrorException.BadValue($"BulkWrite ops entry {i} has an invalid nsInfo index {index}");
                }

                var (database, collection, uuid) = namespaces[index];
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
                    default:
                        throw MongoErrorException.FailedToParse($"Unrecognized bulkWrite operation '{kind}'");
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

    /// <summary>Refuses, before any operation runs, a field an operation or namespace entry does not define.</summary>
    private static void CheckBulkWriteFields(BsonArray ops, BsonArray entries)
    {
        foreach (var op in ops)
        {
            if (op is BsonDocument { ElementCount: > 0 } document && BulkWriteOpFields.TryGetValue(document.GetElement(0).Name, out var fields))
            {
                CheckFields(document, "bulkWrite.ops", fields, InternalBulkWriteFields);
            }
        }

        foreach (var entry in entries)
        {
            CheckFields(entry as BsonDocument ?? throw MongoErrorException.TypeMismatch($"BSON field 'bulkWrite.nsInfo' is the wrong type '{entry.BsonType}', expected type 'object'"),
                "bulkWrite.nsInfo", NamespaceInfoFields, InternalBulkWriteFields);
        }
    }

    private static (string Database, string Collection, Guid? Uuid) NamespaceEntry(BsonDocument entry)
    {
        var (database, collection) = entry.GetValue("ns", null) switch
        {
            BsonString ns => SplitNamespace(ns.Value),
            null => throw new MongoErrorException(40414, "BSON field 'bulkWrite.nsInfo.ns' is missing but a required field"),
            var other => throw MongoErrorException.TypeMismatch($"BSON field 'bulkWrite.nsInfo.ns' is the wrong type '{other.BsonType}', expected type 'string'"),
        };
        return entry.GetValue("collectionUUID", null) switch
        {
            null => (database, collection, null),
            BsonBinaryData { SubType: BsonBinarySubType.UuidStandard } uuid => (database, collection, uuid.ToGuid()),
            var other => throw MongoErrorException.TypeMismatch($"BSON field 'bulkWrite.nsInfo.collectionUUID' is the wrong type '{other.BsonType}', expected type 'binData'"),
        };
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
