using MongoDB.Bson;

namespace BayitPlus.MongoEmulator.Bson;

/// <summary>The type names the server uses in messages, <c>$type</c> and <c>{$type: ...}</c>.</summary>
public static class BsonTypeNames
{
    public static string Of(BsonValue? value) => value?.BsonType switch
    {
        null => "missing",
        BsonType.Double => "double",
        BsonType.String => "string",
        BsonType.Document => "object",
        BsonType.Array => "array",
        BsonType.Binary => "binData",
        BsonType.Undefined => "undefined",
        BsonType.ObjectId => "objectId",
        BsonType.Boolean => "bool",
        BsonType.DateTime => "date",
        BsonType.Null => "null",
        BsonType.RegularExpression => "regex",
        BsonType.JavaScript => "javascript",
        BsonType.Symbol => "symbol",
        BsonType.JavaScriptWithScope => "javascriptWithScope",
        BsonType.Int32 => "int",
        BsonType.Timestamp => "timestamp",
        BsonType.Int64 => "long",
        BsonType.Decimal128 => "decimal",
        BsonType.MinKey => "minKey",
        BsonType.MaxKey => "maxKey",
        _ => value.BsonType.ToString(),
    };
}
