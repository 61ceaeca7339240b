using MongoDB.Bson;

namespace BayitPlus.MongoEmulator.Bson;

/// <summary>An error the server answers with <c>ok: 0</c> (or as a write error), carrying MongoDB's
/// numeric code and code name so the driver maps it to the same exception a real server causes.</summary>
public sealed class MongoErrorException : Exception
{
    public MongoErrorException(int code, string message, BsonDocument? extra = null, IReadOnlyList<string>? errorLabels = null)
        : base(message)
    {
        Code = code;
        Extra = extra;
        ErrorLabels = errorLabels ?? [];
    }

    public int Code { get; }

    public string CodeName => ErrorCodes.NameOf(Code);

    /// <summary>Extra fields of the error document (for duplicate keys: keyPattern and keyValue).</summary>
    public BsonDocument? Extra { get; }

    public IReadOnlyList<string> ErrorLabels { get; }

    public static MongoErrorException BadValue(string message) => new(ErrorCodes.BadValue, message);

    public static MongoErrorException FailedToParse(string message) => new(ErrorCodes.FailedToParse, message);

    public static MongoErrorException TypeMismatch(string message) => new(ErrorCodes.TypeMismatch, message);

    /// <summary>The server's IDL parser on a field its strict struct does not declare.</summary>
    public static MongoErrorException UnknownField(string path) => new(ErrorCodes.UnknownField, $"BSON field '{path}' is an unknown field.");

    /// <summary>The server's IDL parser on a required field that is absent.</summary>
    public static MongoErrorException MissingField(string path) => new(40414, $"BSON field '{path}' is missing but a required field");

    /// <summary>The server's IDL parser on a field of the wrong BSON type; <paramref name="plural"/>
    /// when <paramref name="expected"/> lists the several types the field accepts.</summary>
    public static MongoErrorException WrongType(string path, BsonValue value, string expected, bool plural = false) =>
        TypeMismatch($"BSON field '{path}' is the wrong type '{BsonTypeNames.Of(value)}', expected type{(plural ? "s" : "")} '{expected}'");

    /// <summary>The document form sent on the wire: errmsg, code, codeName, extras and labels.</summary>
    public BsonDocument ToErrorDocument()
    {
        var doc = new BsonDocument { { "errmsg", Message }, { "code", Code }, { "codeName", CodeName } };
        if (Extra is not null)
        {
            doc.AddRange(Extra);
        }

        if (ErrorLabels.Count > 0)
        {
            doc.Add("errorLabels", new BsonArray(ErrorLabels));
        }

        return doc;
    }
}
