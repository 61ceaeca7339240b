using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using MongoDB.Bson;

namespace BayitPlus.Api.Infrastructure;

/// <summary>Converts free-form JSON objects (preferences, settings) to BSON for storage and back.</summary>
public static class JsonBson
{
    public static BsonDocument ToBson(JsonObject json)
    {
        var document = new BsonDocument();
        foreach (var (name, value) in json)
        {
            document[name] = ToBson(value);
        }

        return document;
    }

    public static JsonObject ToJson(BsonDocument document)
    {
        var json = new JsonObject();
        foreach (var element in document)
        {
            json[element.Name] = ToJson(element.Value);
        }

        return json;
    }

    /// <summary>How deeply a JSON value nests (a scalar is 0), to bound what clients may store.</summary>
    public static int Depth(JsonNode? node) => node switch
    {
        JsonObject obj => 1 + obj.Select(p => Depth(p.Value)).DefaultIfEmpty(0).Max(),
        JsonArray array => 1 + array.Select(Depth).DefaultIfEmpty(0).Max(),
        _ => 0,
    };

    private static BsonValue ToBson(JsonNode? node) => node switch
    {
        null => BsonNull.Value,
        JsonObject obj => ToBson(obj),
        JsonArray array => new BsonArray(array.Select(ToBson)),
        JsonValue value => value.GetValueKind() switch
        {
            JsonValueKind.String => new BsonString(value.GetValue<string>()),
            JsonValueKind.True => BsonBoolean.True,
            JsonValueKind.False => BsonBoolean.False,
            JsonValueKind.Number when value.TryGetValue<int>(out var i) => new BsonInt32(i),
            JsonValueKind.Number when value.TryGetValue<long>(out var l) => new BsonInt64(l),
            JsonValueKind.Number => new BsonDouble(value.GetValue<double>()),
            _ => BsonNull.Value,
        },
        _ => BsonNull.Value,
    };

    private static JsonNode? ToJson(BsonValue value) => value.BsonType switch
    {
        BsonType.Null or BsonType.Undefined => null,
        BsonType.Document => ToJson(value.AsBsonDocument),
        BsonType.Array => new JsonArray([.. value.AsBsonArray.Select(ToJson)]),
        BsonType.String => JsonValue.Create(value.AsString),
        BsonType.Boolean => JsonValue.Create(value.AsBoolean),
        BsonType.Int32 => JsonValue.Create(value.AsInt32),
        BsonType.Int64 => JsonValue.Create(value.AsInt64),
        BsonType.Double => JsonValue.Create(value.AsDouble),
        BsonType.Decimal128 => JsonValue.Create((decimal)value.AsDecimal128),
        BsonType.DateTime => JsonValue.Create(value.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture)),
        BsonType.ObjectId => JsonValue.Create(value.AsObjectId.ToString()),
        _ => JsonValue.Create(value.ToString()),
    };
}
