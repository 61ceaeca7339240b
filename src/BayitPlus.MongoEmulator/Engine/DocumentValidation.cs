using BayitPlus.MongoEmulator.Bson;
using BayitPlus.MongoEmulator.Query;
using MongoDB.Bson;

namespace BayitPlus.MongoEmulator.Engine;

/// <summary>
/// A collection's document validation (<c>validator</c>, <c>validationLevel</c>,
/// <c>validationAction</c>, set by <c>create</c> or <c>collMod</c>): a query filter every inserted or
/// updated document must match, unless the write bypasses validation. Level <c>moderate</c> leaves
/// updates of documents that already fail alone; action <c>warn</c> lets the write through (the
/// server only logs it).
/// </summary>
internal sealed class DocumentValidation
{
    private readonly CompiledFilter _filter;

    private DocumentValidation(BsonDocument validator, string level, string action)
    {
        // Parsing refuses what the query engine does not support ($jsonSchema among them) up front.
        _filter = CompiledFilter.Compile(validator, QueryContext.Default);
        Validator = validator;
        Level = level;
        Action = action;
    }

    public BsonDocument Validator { get; }

    public string Level { get; }

    public string Action { get; }

    /// <summary>The collection options that describe it, as listCollections shows them.</summary>
    public BsonDocument Options => new()
    {
        { "validator", Validator.DeepClone() },
        { "validationLevel", Level },
        { "validationAction", Action },
    };

    /// <summary>The validation after applying the options of <paramref name="command"/> (create or
    /// collMod) to <paramref name="current"/>; null when there is no validator.</summary>
    public static DocumentValidation? Apply(BsonDocument command, DocumentValidation? current)
    {
        var validator = command.GetValue("validator", null) switch
        {
            null => current?.Validator,
            BsonDocument document => document,
            var other => throw MongoErrorException.TypeMismatch($"'validator' must be an object, not {other.BsonType}"),
        };
        var level = Choice(command, "validationLevel", current?.Level ?? "strict", "off", "strict", "moderate");
        var action = Choice(command, "validationAction", current?.Action ?? "error", "error", "warn");
        return validator is null or { ElementCount: 0 } && level == "strict" && action == "error"
            ? null
            : new DocumentValidation(validator ?? [], level, action);
    }

    /// <summary>Throws DocumentValidationFailure (121) when <paramref name="document"/> fails;
    /// <paramref name="before"/> is the document an update replaces (null for an insert).</summary>
    public void Check(BsonDocument document, BsonDocument? before)
    {
        if (Level == "off" || Action == "warn" || _filter.Matches(document) || (Level == "moderate" && before is not null && !_filter.Matches(before)))
        {
            return;
        }

        // The server's details name the clause that failed; these name the whole validator.
        var details = new BsonDocument
        {
            { "operatorName", Validator.ElementCount == 1 && Validator.GetElement(0).Name.StartsWith('$') ? Validator.GetElement(0).Name : "$and" },
            { "specifiedAs", Validator.DeepClone() },
            { "reason", "the document does not match the collection's validator" },
        };
        throw new MongoErrorException(ErrorCodes.DocumentValidationFailure, "Document failed validation", new BsonDocument("errInfo", new BsonDocument
        {
            { "failingDocumentId", document.GetValue("_id", BsonNull.Value) },
            { "details", details },
        }));
    }

    private static string Choice(BsonDocument command, string name, string fallback, params string[] allowed)
    {
        var value = command.GetValue(name, fallback);
        return value is BsonString text && allowed.Contains(text.Value)
            ? text.Value
            : throw MongoErrorException.BadValue($"Enumeration value '{value}' for field '{name}' is not a valid value.");
    }
}
