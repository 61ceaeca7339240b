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

    /// <summary>The document as JSON, whatever it holds: anything BSON can store, written by this API
    /// or another service, becomes something a JSON response can carry (see <see cref="ToJson(BsonValue, int)"/>).</summary>
    public static JsonObject ToJson(BsonDocument document) => ToJson(document, 0);

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

    /// <summary>Past this depth a value is shown as its type's name: System.Text.Json refuses to
    /// write deeper than 64 levels, and no free-form setting of ours nests anywhere near this.</summary>
    private const int MaxReadDepth = 32;

    private static JsonObject ToJson(BsonDocument document, int depth)
    {
        var json = new JsonObject();
        foreach (var element in document)
        {
            json[element.Name] = ToJson(element.Value, depth + 1);
        }

        return json;
    }

    /// <summary>Each BSON value as the JSON value closest to it. What JSON has no number for (NaN,
    /// ±Infinity, a Decimal128 beyond .NET's decimal) is written as its text, a date outside .NET's
    /// range as milliseconds since the epoch, and other types (binary, regex, timestamps) as text.</summary>
    private static JsonNode? ToJson(BsonValue value, int depth) => value.BsonType switch
    {
        _ when depth > MaxReadDepth && value.BsonType is BsonType.Document or BsonType.Array => JsonValue.Create($"[{value.BsonType} nested too deep]"),
        BsonType.Null or BsonType.Undefined => null,
        BsonType.Document => ToJson(value.AsBsonDocument, depth),
        BsonType.Array => new JsonArray([.. value.AsBsonArray.Select(item => ToJson(item, depth + 1))]),
        BsonType.String => JsonValue.Create(value.AsString),
        BsonType.Boolean => JsonValue.Create(value.AsBoolean),
        BsonType.Int32 => JsonValue.Create(value.AsInt32),
        BsonType.Int64 => JsonValue.Create(value.AsInt64),
        BsonType.Double when double.IsFinite(value.AsDouble) => JsonValue.Create(value.AsDouble),
        BsonType.Decimal128 when decimal.TryParse(value.AsDecimal128.ToString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var number) => JsonValue.Create(number),
        BsonType.DateTime when value.AsBsonDateTime.IsValidDateTime => JsonValue.Create(Http.UtcDateConverters.ToApiString(value.ToUniversalTime())),
        BsonType.DateTime => JsonValue.Create(value.AsBsonDateTime.MillisecondsSinceEpoch),
        BsonType.ObjectId => JsonValue.Create(value.AsObjectId.ToString()),
        _ => JsonValue.Create(value.ToString()),
    };
}
