using System.Security.Cryptography;
using BayitPlus.MongoEmulator.Aggregation;
using BayitPlus.MongoEmulator.Bson;
using BayitPlus.MongoEmulator.Query;
using BayitPlus.MongoEmulator.Update;
using MongoDB.Bson;

namespace BayitPlus.MongoEmulator.Engine;

/// <summary>The aggregate stages the command layer runs itself: the database-level sources
/// (<c>$documents</c>, <c>$listLocalSessions</c>) and the output stages (<c>$out</c>, <c>$merge</c>).</summary>
internal sealed partial class CommandDispatcher
{
    /// <summary>The user id of every session: the emulator has no authentication, and the server's
    /// uid of the unauthenticated user is the SHA-256 of the empty string.</summary>
    private static readonly byte[] AnonymousUid = SHA256.HashData([]);

    /// <summary>The input of <c>aggregate: 1</c>: its first stage, with the remaining stages handed back.</summary>
    private List<MetaDoc> DatabaseInput(BsonArray stages, OperationContext operation, out BsonArray rest)
    {
        rest = new BsonArray(stages.Skip(1));
        var first = stages.Count > 0 ? stages[0] as BsonDocument : null;
        switch (first?.GetElement(0).Name)
        {
            case "$documents":
                var value = AggExpression.Compile(first[0]).Evaluate([], new ExpressionScope(operation.Now, operation.QueryContextFor(null).Variables));
                if (value is not BsonArray documents || documents.Any(d => d is not BsonDocument))
                {
                    throw new MongoErrorException(5858203, "an array of documents is expected for $documents");
                }

                return [.. documents.Select(d => new MetaDoc(d.AsBsonDocument.DeepClone().AsBsonDocument))];

            case "$listLocalSessions":
                var spec = first[0] as BsonDocument ?? throw MongoErrorException.TypeMismatch("$listLocalSessions must take an object");
                // Without authentication every session belongs to the unauthenticated user, which no
                // 'users' list can name.
                var anyUser = spec.GetValue("users", null) is not BsonArray { Count: > 0 };
                return anyUser
                    ? [.. _sessions.Values.Select(s => new MetaDoc(new BsonDocument
                    {
                        { "_id", new BsonDocument { { "id", s.Id }, { "uid", new BsonBinaryData(AnonymousUid) } } },
                        { "lastUse", new BsonDateTime(s.LastUsed) },
                    }))]
                    : [];

            default:
                throw MongoErrorException.BadValue("aggregate with 1 supports only $changeStream, $documents and $listLocalSessions as its first stage in the emulator");
        }
    }

    /// <summary>A final <c>$out</c> or <c>$merge</c> of <paramref name="stages"/>, or null.</summary>
    private static BsonDocument? OutputStage(BsonArray stages) =>
        stages.Count > 0 && stages[^1] is BsonDocument { ElementCount: 1 } last && last.GetElement(0).Name is "$out" or "$merge" ? last : null;

    private static void WriteOutput(BsonDocument stage, BsonDocument command, List<BsonDocument> results, OperationContext operation)
    {
        var name = stage.GetElement(0).Name;
        if (operation.Transaction is not null)
        {
            throw new MongoErrorException(ErrorCodes.OperationNotSupportedInTransaction, $"{name} cannot be used in a transaction");
        }

        if (command.GetValue("readConcern", null) is BsonDocument readConcern && readConcern.GetValue("level", "").ToString() == "linearizable")
        {
            throw new MongoErrorException(ErrorCodes.InvalidOptions, $"{name} cannot be used with a 'linearizable' read concern level");
        }

        if (name == "$out")
        {
            Out(stage[0], results, operation);
        }
        else
        {
            Merge(stage[0], results, operation);
        }
    }

    /// <summary>$out: the target's documents are replaced by the results all at once, its indexes
    /// kept; a result that breaks a unique index fails the command and leaves the target as it was.</summary>
    private static void Out(BsonValue spec, List<BsonDocument> results, OperationContext operation)
    {
        var (database, name) = OutputNamespace(spec, operation, "$out", "db", "coll");
        var existing = operation.Store.Find(database, name);
        var replacement = new CollectionStore(database, name, existing?.DefaultCollation) { Validation = existing?.Validation };
        foreach (var index in existing?.Indexes.Skip(1) ?? [])
        {
            replacement.AddIndex(index);
        }

        var ignored = new List<ChangeEvent>();
        foreach (var result in results)
        {
            var document = WithId(result);
            operation.Validate(replacement, document, null);
            operation.Store.CommitInsert(replacement, document, ignored);
        }

        operation.Store.Replace(database, name, replacement);
    }

    private static void Merge(BsonValue spec, List<BsonDocument> results, OperationContext operation)
    {
        var options = spec switch
        {
            BsonString into => new BsonDocument("into", into),
            BsonDocument document => document,
            _ => throw new MongoErrorException(ErrorCodes.TypeMismatch, "$merge requires a string or an object"),
        };
        var unknown = options.Names.FirstOrDefault(n => n is not ("into" or "on" or "let" or "whenMatched" or "whenNotMatched"));
        if (unknown is not null)
        {
            throw new MongoErrorException(40415, $"BSON field '$merge.{unknown}' is an unknown field.");
        }

        var (database, name) = OutputNamespace(options.GetValue("into", null) ?? throw new MongoErrorException(40414, "BSON field '$merge.into' is missing but a required field"), operation, "$merge", "db", "coll");
        var on = options.GetValue("on", "_id") switch
        {
            BsonString field => [field.Value],
            BsonArray { Count: > 0 } fields when fields.All(f => f.IsString) => fields.Select(f => f.AsString).ToArray(),
            _ => throw new MongoErrorException(51186, "$merge 'on' must be a string or a non-empty array of strings"),
        };
        var whenMatched = options.GetValue("whenMatched", "merge");
        var whenNotMatched = options.GetValue("whenNotMatched", "insert").ToString();
        if (whenMatched is BsonString { Value: not ("replace" or "keepExisting" or "merge" or "fail") } || whenMatched is not (BsonString or BsonArray))
        {
            throw MongoErrorException.BadValue($"Enumeration value '{whenMatched}' for field '$merge.whenMatched' is not a valid value.");
        }

        if (whenNotMatched is not ("insert" or "discard" or "fail"))
        {
            throw MongoErrorException.BadValue($"Enumeration value '{whenNotMatched}' for field '$merge.whenNotMatched' is not a valid value.");
        }

        if (options.Contains("let") && whenMatched is not BsonArray)
        {
            throw new MongoErrorException(51199, "Cannot use 'let' variables with 'whenMatched: " + whenMatched + "' mode");
        }

        var target = operation.Store.GetOrCreate(database, name);
        if (!on.SequenceEqual(["_id"]) && !target.Indexes.Any(i => i.Unique && i.Key.Names.Order().SequenceEqual(on.Order())))
        {
            throw new MongoErrorException(51183, "Cannot find index to verify that join fields will be unique");
        }

        var pipeline = whenMatched is BsonArray stages ? MergePipeline(stages, options.GetValue("let", null) as BsonDocument, operation) : null;
        foreach (var result in results)
        {
            var document = on.Contains("_id") ? WithId(result) : result;
            var key = new BsonDocument();
            foreach (var field in on)
            {
                var value = FieldPath.Get(document, field);
                if (value is null or BsonNull or BsonUndefined or BsonArray)
                {
                    throw new MongoErrorException(51132, "$merge write error: 'on' field cannot be missing, null, undefined or an array");
                }

                key.Add(field, new BsonDocument("$eq", value));
            }

            var filter = operation.CompileFilter(target, key, out var text);
            var matches = operation.Find(target, filter, text, out _);
            if (matches.Count == 0)
            {
                switch (whenNotMatched)
                {
                    case "insert":
                        operation.Insert(target, WithId(document));
                        break;
                    case "fail":
                        throw new MongoErrorException(13113, "$merge could not find a matching document in the target collection for at least one document in the source collection");
                }

                continue;
            }

            var match = matches[0];
            switch (whenMatched)
            {
                case BsonString { Value: "keepExisting" }:
                    break;
                case BsonString { Value: "fail" }:
                    // As on the server, a match in fail mode is the insert's duplicate-key error.
                    operation.Insert(target, WithId(document));
                    break;
                case BsonString { Value: "replace" }:
                    operation.Replace(target, match, KeepId(document, match), isReplacement: true);
                    break;
                case BsonString:
                    var merged = match.Document.DeepClone().AsBsonDocument;
                    merged.Merge(document, overwriteExistingElements: true);
                    operation.Replace(target, match, KeepId(merged, match), isReplacement: false);
                    break;
                default:
                    var outcome = pipeline!(document).Apply(match.Document, filter);
                    if (outcome.Modified)
                    {
                        operation.Replace(target, match, KeepId(outcome.Document, match), isReplacement: false);
                    }

                    break;
            }
        }
    }

    /// <summary>The update a whenMatched pipeline makes for one result: its variables (<c>let</c>,
    /// by default <c>{new: "$$ROOT"}</c>) are evaluated against that result.</summary>
    private static Func<BsonDocument, UpdateSpec> MergePipeline(BsonArray stages, BsonDocument? let, OperationContext operation)
    {
        var context = operation.QueryContextFor(null);
        var variables = (let ?? new BsonDocument("new", "$$ROOT")).Select(v =>
        {
            ExpressionCompiler.ValidateVariableName(v.Name);
            return (v.Name, Expression: AggExpression.Compile(v.Value));
        }).ToList();
        return result =>
        {
            var scope = new BsonDocument(context.Variables.Elements);
            foreach (var (name, expression) in variables)
            {
                scope[name] = expression.Evaluate(result, new ExpressionScope(context.Now, context.Variables, order: context.Order)) ?? BsonNull.Value;
            }

            return UpdateSpec.Parse(stages, null, new QueryContext { Now = context.Now, Variables = scope, Order = context.Order });
        };
    }

    /// <summary>The matched document's <c>_id</c> is immutable: a result without one keeps it, one
    /// with another fails as the server's update would.</summary>
    private static BsonDocument KeepId(BsonDocument document, Visible match)
    {
        if (!document.TryGetValue("_id", out var id))
        {
            var withId = new BsonDocument("_id", match.Id);
            withId.AddRange(document);
            return withId;
        }

        return BsonOrder.AreEqual(id, match.Id)
            ? document
            : throw new MongoErrorException(ErrorCodes.ImmutableField, "$merge failed to update the matching document, did you attempt to modify the _id or the shard key? :: caused by :: Performing an update on the path '_id' would modify the immutable field '_id'");
    }

    private static (string Database, string Collection) OutputNamespace(BsonValue spec, OperationContext operation, string stage, string databaseField, string collectionField)
    {
        var (database, collection) = ParseNamespace(spec, operation, stage, databaseField, collectionField);
        return operation.Store.Find(database, collection)?.View is null
            ? (database, collection)
            : throw new MongoErrorException(ErrorCodes.CommandNotSupportedOnView, $"{stage} cannot write to the view {database}.{collection}");
    }

    private static (string Database, string Collection) ParseNamespace(BsonValue spec, OperationContext operation, string stage, string databaseField, string collectionField) => spec switch
    {
        BsonString name => (operation.Database, name.Value),
        BsonDocument target when target.GetValue(collectionField, null) is BsonString collection =>
            (target.GetValue(databaseField, operation.Database).ToString()!, collection.Value),
        _ => throw new MongoErrorException(ErrorCodes.FailedToParse, $"{stage} requires a collection name or {{{databaseField}: <db>, {collectionField}: <collection>}}"),
    };
}
