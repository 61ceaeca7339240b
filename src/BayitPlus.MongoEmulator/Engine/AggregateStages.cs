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

    /// <summary>Checks a final <c>$out</c> or <c>$merge</c> as the server does when it parses the
    /// pipeline, before any stage runs (so a specification error wins over a run-time error of an
    /// earlier stage), and returns the write it makes with the results.</summary>
    private static Action<List<BsonDocument>> PrepareOutput(BsonDocument stage, BsonDocument command, OperationContext operation)
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

        return name == "$out" ? PrepareOut(stage[0], operation) : PrepareMerge(stage[0], operation);
    }

    /// <summary>$out: the target's documents are replaced by the results all at once, its indexes
    /// kept; a result that breaks a unique index fails the command and leaves the target as it was.</summary>
    private static Action<List<BsonDocument>> PrepareOut(BsonValue spec, OperationContext operation)
    {
        var (database, name) = OutTarget(spec, operation);
        return results => Out(database, name, results, operation);
    }

    private static void Out(string database, string name, List<BsonDocument> results, OperationContext operation)
    {
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

    /// <summary>The whenMatched/whenNotMatched pairs the server has a merge strategy for; any other
    /// pair is refused with 51181.</summary>
    private static readonly HashSet<(string WhenMatched, string WhenNotMatched)> MergeModes =
    [
        ("replace", "insert"), ("replace", "fail"), ("replace", "discard"),
        ("merge", "insert"), ("merge", "fail"), ("merge", "discard"),
        ("pipeline", "insert"), ("pipeline", "fail"), ("pipeline", "discard"),
        ("keepExisting", "insert"), ("fail", "insert"),
    ];

    /// <summary>A <c>$merge</c> specification as the server's parser reads it. <see cref="On"/> is
    /// null when the stage names no <c>on</c> fields (they are then <c>_id</c>, with no index check).</summary>
    private sealed record MergeSpec(string Database, string Collection, string[]? On, BsonValue WhenMatched, string WhenNotMatched, BsonDocument? Let)
    {
        public string WhenMatchedMode => WhenMatched is BsonArray ? "pipeline" : WhenMatched.AsString;
    }

    private static MergeSpec ParseMerge(BsonValue spec, OperationContext operation)
    {
        if (spec is BsonString into)
        {
            // The shortcut names a collection as is: an empty name is an invalid namespace.
            return into.Value.Length > 0
                ? new MergeSpec(operation.Database, into.Value, null, "merge", "insert", null)
                : throw new MongoErrorException(ErrorCodes.InvalidNamespace, $"Invalid $merge target namespace: '{operation.Database}.'");
        }

        var options = spec as BsonDocument ?? throw MongoErrorException.TypeMismatch($"$merge requires a string or object argument, but found {BsonTypeNames.Of(spec)}");
        (string Database, string Collection)? target = null;
        string[]? on = null;
        BsonDocument? let = null;
        BsonValue whenMatched = "merge";
        var whenNotMatched = "insert";
        foreach (var option in options)
        {
            switch (option.Name)
            {
                case "into":
                    target = MergeInto(option.Value, operation);
                    break;
                case "on":
                    on = MergeOn(option.Value);
                    break;
                case "let":
                    let = option.Value as BsonDocument ?? throw MongoErrorException.WrongType("$merge.let", option.Value, "object");
                    break;
                case "whenMatched":
                    whenMatched = option.Value switch
                    {
                        BsonArray pipeline => pipeline,
                        BsonString { Value: "replace" or "keepExisting" or "merge" or "fail" } mode => mode,
                        BsonString other => throw MongoErrorException.BadValue($"Enumeration value '{other.Value}' for field 'whenMatched' is not a valid value."),
                        var other => throw new MongoErrorException(51191, $"$merge 'whenMatched' field  must be either a string or an array, but found {BsonTypeNames.Of(other)}"),
                    };
                    break;
                case "whenNotMatched":
                    whenNotMatched = option.Value switch
                    {
                        BsonString { Value: "insert" or "discard" or "fail" } mode => mode.Value,
                        BsonString other => throw MongoErrorException.BadValue($"Enumeration value '{other.Value}' for field 'whenNotMatched' is not a valid value."),
                        var other => throw MongoErrorException.WrongType("$merge.whenNotMatched", other, "string"),
                    };
                    break;
                case "targetCollectionVersion":
                    // Only a router sends it; a server that is not a shard refuses it.
                    throw new MongoErrorException(51123, "Unexpected target chunk version specified");
                default:
                    throw MongoErrorException.UnknownField($"$merge.{option.Name}");
            }
        }

        var (database, collection) = target ?? throw MongoErrorException.MissingField("$merge.into");
        return new MergeSpec(database, collection, on, whenMatched, whenNotMatched, let);
    }

    /// <summary>$merge's <c>into</c>: a collection name, or <c>{db, coll}</c> (the server's strict
    /// NamespaceSpec, db defaulting to the aggregation's).</summary>
    private static (string Database, string Collection) MergeInto(BsonValue into, OperationContext operation)
    {
        if (into is BsonString name)
        {
            return name.Value.Length > 0
                ? (operation.Database, name.Value)
                : throw new MongoErrorException(5786800, "$merge 'into' field cannot be an empty string");
        }

        var spec = into as BsonDocument ?? throw new MongoErrorException(51178, $"$merge 'into' field  must be either a string or an object, but found {BsonTypeNames.Of(into)}");
        var fields = NamespaceSpecFields(spec, "into", required: false);
        return fields.Collection is { Length: > 0 } collection
            ? (fields.Database is { Length: > 0 } database ? database : operation.Database, collection)
            : throw new MongoErrorException(5786801, "$merge 'into' field must specify a 'coll' that is not empty, null or undefined");
    }

    /// <summary>The <c>db</c> and <c>coll</c> strings of a namespace document, parsed as the server's
    /// strict IDL structs parse them: any other field (but <paramref name="extra"/>, left to the
    /// caller) is unknown (40415), a non-string is a type mismatch, and with
    /// <paramref name="required"/> both must be present.</summary>
    private static (string? Database, string? Collection) NamespaceSpecFields(BsonDocument spec, string context, bool required, string? extra = null)
    {
        string? database = null, collection = null;
        foreach (var field in spec.Where(f => f.Name != extra))
        {
            var value = field.Name is "db" or "coll"
                ? field.Value as BsonString ?? throw MongoErrorException.WrongType($"{context}.{field.Name}", field.Value, "string")
                : throw MongoErrorException.UnknownField($"{context}.{field.Name}");
            if (field.Name == "db")
            {
                database = value.Value;
            }
            else
            {
                collection = value.Value;
            }
        }

        if (required)
        {
            _ = database ?? throw MongoErrorException.MissingField($"{context}.db");
            _ = collection ?? throw MongoErrorException.MissingField($"{context}.coll");
        }

        return (database, collection);
    }

    private static string[] MergeOn(BsonValue on)
    {
        string[] fields = on switch
        {
            BsonString field => [field.Value],
            BsonArray array => [.. array.Select(f => f as BsonString ?? throw new MongoErrorException(51134, $"$merge 'on' array elements must be strings, but found {BsonTypeNames.Of(f)}")).Select(f => f.Value)],
            _ => throw new MongoErrorException(51186, $"$merge 'on' field  must be either a string or an array of strings, but found {BsonTypeNames.Of(on)}"),
        };
        return fields.Length > 0 ? fields : throw new MongoErrorException(51187, "If explicitly specifying $merge 'on', must include at least one field");
    }

    /// <summary>Whether an index of the target proves the <c>on</c> fields unique, as the server
    /// requires: unique (the _id index is), not partial, plain ascending/descending fields that are
    /// exactly the <c>on</c> fields, under the aggregation's collation. A target that does not
    /// exist yet is proven only for <c>_id</c>.</summary>
    private static bool HasSupportingUniqueIndex(CollectionStore? target, IReadOnlyCollection<string> on, Collation? collation) => target is null
        ? on.SequenceEqual(["_id"])
        : target.Indexes.Any(i => (i.Unique || i.Name == "_id_") && i.PartialFilter is null && !i.IsText
            && i.Key.Values.All(BsonOrder.IsNumber) && i.Key.ElementCount == on.Count && i.Key.Names.All(on.Contains)
            && Collation.AreSame(i.Collation, collation));

    private static Action<List<BsonDocument>> PrepareMerge(BsonValue stage, OperationContext operation)
    {
        var spec = ParseMerge(stage, operation);
        var (database, name) = OutputNamespace(spec.Database, spec.Collection, operation, "$merge");
        if (!MergeModes.Contains((spec.WhenMatchedMode, spec.WhenNotMatched)))
        {
            throw new MongoErrorException(51181, $"Combination of $merge modes 'whenMatched: {spec.WhenMatchedMode}' and 'whenNotMatched: {spec.WhenNotMatched}' is not supported");
        }

        var duplicate = spec.On?.GroupBy(f => f).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new MongoErrorException(31465, $"Found a duplicate field '{duplicate.Key}'");
        }

        if (spec.On is not null && !HasSupportingUniqueIndex(operation.Store.Find(database, name), spec.On, operation.Collation))
        {
            throw new MongoErrorException(51183, "Cannot find index to verify that join fields will be unique");
        }

        var let = spec.Let;
        if (spec.WhenMatched is BsonArray)
        {
            if (let?.GetValue("new", null) is { } variable && variable != "$$ROOT")
            {
                throw new MongoErrorException(51273, "'let' may not define a value for the reserved 'new' variable other than '$$ROOT'");
            }

            // Without 'let' the pipeline sees the result as $$new; a 'let' of its own adds $$new only
            // when unmatched results are inserted, as the server does.
            if (let is null || (!let.Contains("new") && spec.WhenNotMatched == "insert"))
            {
                let = new BsonDocument(let ?? []) { { "new", "$$ROOT" } };
            }
        }
        else if (let is not null)
        {
            throw new MongoErrorException(51199, $"Cannot use 'let' variables with 'whenMatched: {spec.WhenMatchedMode}' mode");
        }

        var pipeline = spec.WhenMatched is BsonArray stages ? MergePipeline(stages, let!, operation) : null;
        return results => Merge(spec, operation.Store.GetOrCreate(database, name), pipeline, results, operation);
    }

    private static void Merge(MergeSpec spec, CollectionStore target, Func<BsonDocument, UpdateSpec>? pipeline, List<BsonDocument> results, OperationContext operation)
    {
        var on = spec.On ?? ["_id"];
        var whenMatched = spec.WhenMatched;
        var whenNotMatched = spec.WhenNotMatched;
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

    /// <summary>The update a whenMatched pipeline makes for one result: its <c>let</c> variables are
    /// evaluated against that result.</summary>
    private static Func<BsonDocument, UpdateSpec> MergePipeline(BsonArray stages, BsonDocument let, OperationContext operation)
    {
        var context = operation.QueryContextFor(null);
        var variables = let.Select(v =>
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

    /// <summary>$out's target: a collection name, or <c>{db, coll}</c> (the server's strict
    /// DocumentSourceOutSpec, both required).</summary>
    private static (string Database, string Collection) OutTarget(BsonValue spec, OperationContext operation)
    {
        var (database, collection) = spec switch
        {
            BsonString name => (operation.Database, name.Value),
            BsonDocument target => NamespaceSpecFields(target, "$out", required: true, extra: "timeseries"),
            _ => throw new MongoErrorException(16990, $"$out only supports a string or object argument, but found {BsonTypeNames.Of(spec)}"),
        };
        if (spec is BsonDocument options && options.Contains("timeseries"))
        {
            throw new MongoErrorException(ErrorCodes.NotImplemented, "$out to a time-series collection is not supported by the emulator");
        }

        return database is { Length: > 0 } && collection is { Length: > 0 }
            ? OutputNamespace(database, collection, operation, "$out")
            : throw new MongoErrorException(ErrorCodes.InvalidNamespace, $"Invalid $out target namespace, {database}.{collection}");
    }

    private static (string Database, string Collection) OutputNamespace(string database, string collection, OperationContext operation, string stage) =>
        operation.Store.Find(database, collection)?.View is null
            ? (database, collection)
            : throw new MongoErrorException(ErrorCodes.CommandNotSupportedOnView, $"{stage} cannot write to the view {database}.{collection}");
}
