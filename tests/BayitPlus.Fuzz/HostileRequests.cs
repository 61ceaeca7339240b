using System.Buffers.Text;
using System.Text;
using System.Text.Json.Nodes;
using MongoDB.Bson;

namespace BayitPlus.Fuzz;

/// <summary>One request to send: the path and query as they go on the wire (already escaped), the
/// body bytes, and the headers that differ from a well-behaved JSON client.</summary>
public sealed record HostileRequest(string Method, string PathAndQuery, byte[]? Body, string? ContentType, string Accept, string What)
{
    public string? AcceptLanguage { get; init; }
}

/// <summary>Hostile variants of one operation: malformed path ids, hostile values for each declared
/// query parameter (wrong types, extremes, NUL, very long text, crafted cursors, impossible dates),
/// hostile JSON bodies derived from the operation's schema, and odd Accept, Accept-Language and Content-Type headers.</summary>
public sealed class HostileRequests(Operation operation, IReadOnlyDictionary<string, string> realIds, IReadOnlyList<string> issuedCursors)
{
    private const string Json = "application/json";

    private static readonly string[] PathValues =
    [
        "000000000000000000000000", "ffffffffffffffffffffffff", "5f5f5f5f5f5f5f5f5f5f5f5f", "zzzzzzzzzzzzzzzzzzzzzzzz", "0", "-1", "1e400",
        "not-an-id", new string('a', 3000), new string('f', 25), "%00", "a%00b", "%FF", "%C0%AF", "%E2%80%AE", "%F0%9F%98%80", "%D7%A9%D7%9C%D7%95%D7%9D",
        "..%2F..%2Fadmin", "%2E%2E", "%24where", "null", "undefined", "%7B%7D", "%5B%5D", "%20", "NaN",
    ];

    private static readonly string[] QueryValues =
    [
        "abc", "", "-1", "0", "1", "2147483648", "-2147483649", "99999999999999999999999999", "1e400", "-1e400", "1.5", "NaN", "Infinity", "-Infinity",
        "true", "false", "maybe", "null", "%00", "a%00b", "%00%00%00", "%FF", "%C0%AF", "%E2%80%AE", "%F0%9F%98%80", "%D7%A9%D7%9C%D7%95%D7%9D",
        new string('a', 4000), "0001-01-01", "0001-01-01T00:00:00Z", "9999-12-31", "9999-12-31T23:59:59.9999999Z", "10000-01-01", "-0001-01-01",
        "2026-02-30", "2026-13-45", "1970-01-01T00:00:00%2B14:00", "9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00%2B14:00", "%24gt", "%7B%22%24gt%22:%22%22%7D",
        ".*", "%5E(a%2B)%2B%24", "%5C", "a,b,c", "%2F..%2F", "admin", "movies", "he", "AAAA", "____", "@@@@",
    ];

    private static readonly string[] Accepts = ["text/html", "application/xml", "text/plain", "*/*;q=0", "garbage;;;", "application/problem+json", "image/png"];

    private static readonly string[] AcceptLanguages =
    [
        "", "*", ",,,", "he;q=2", "he;q=NaN", "he;q=-1", "en-US;q=0.5, es;q=abc, he", "xx-YY", "zh-Hant-TW-x-private", "i-klingon", "a-b-c-d-e-f-g-h-i-j",
        new string('a', 4000), string.Join(',', Enumerable.Repeat("he;q=0.1", 500)), "שלום", "en;q=1e400",
    ];

    private static readonly string[] ContentTypes =
    [
        "text/plain", "application/xml", "application/json; charset=utf-16", "application/json; charset=bogus", "multipart/form-data; boundary=x",
        "application/x-www-form-urlencoded", "application/merge-patch+json", "application/json-patch+json",
    ];

    private static readonly string[] PropertyValues =
    [
        "1e400", "-1e400", "-1", "0", "2147483648", "99999999999999999999999999", "1.5", "\"NaN\"", "null", "true", "\"\"", "\" \"", "\"\\u0000\"", "\"a\\u0000b\"",
        "\"\\ud800\"", $"\"{new string('x', 20000)}\"", "[]", "[null]", "[1e400]", "[\"\\u0000\"]", "{}", "{\"$gt\":\"\"}", "{\"a.b\":1}", "{\"\\u0000\":1}", "{\"x\":1e400}",
        Nested(200), "\"9999-12-31T23:59:59.9999999Z\"", "\"0001-01-01\"", "\"10000-01-01\"", "\"not a date\"", "\"12\"", "\"javascript:alert(1)\"",
        "\"http://127.0.0.1:1/\"", "\"admin\"", "\"000000000000000000000000\"",
    ];

    /// <summary>Every variant, in a fixed order; the caller takes a seeded sample.</summary>
    public IReadOnlyList<HostileRequest> All()
    {
        var requests = new List<HostileRequest>();
        var pathParameters = operation.Parameters.Where(p => p.In == "path").ToList();

        foreach (var parameter in pathParameters)
        {
            requests.AddRange(PathValues.Select(value => Request(Path(parameter.Name, value), $"path {parameter.Name}={Shorten(value)}")));
        }

        foreach (var parameter in operation.Parameters.Where(p => p.In == "query"))
        {
            var values = parameter.Name == "cursor" ? QueryValues.Concat(CraftedCursors()) : QueryValues;
            requests.AddRange(values.Select(value => Request(Path() + $"?{parameter.Name}={value}", $"query {parameter.Name}={Shorten(value)}")));
            requests.Add(Request(Path() + $"?{parameter.Name}=1&{parameter.Name}=abc", $"query {parameter.Name} repeated"));
            requests.Add(Request(Path() + $"?{parameter.Name}%5B%24ne%5D=1", $"query {parameter.Name}[$ne]"));
        }

        requests.Add(Request(Path() + "?unknown=%00&%00=1&=x&&", "unknown query parameters"));
        requests.AddRange(QueryValues.Select(value => Request(Path() + $"?fuzz={value}", $"undeclared query fuzz={Shorten(value)}")));
        requests.AddRange(Accepts.Select(accept => Request(Path(), $"Accept: {accept}") with { Accept = accept }));
        requests.AddRange(AcceptLanguages.Select(language => Request(Path(), $"Accept-Language: {Shorten(language)}") with { AcceptLanguage = language }));

        if (operation.Method is "POST" or "PUT" or "PATCH")
        {
            requests.AddRange(Bodies());
        }

        return requests;
    }

    private IEnumerable<HostileRequest> Bodies()
    {
        var valid = ValidBody();
        var text = valid.ToJsonString();
        foreach (var (name, _) in valid)
        {
            foreach (var value in PropertyValues)
            {
                var body = valid.DeepClone().AsObject();
                body.Remove(name);
                var json = "{" + $"\"{name}\":{value}" + (body.Count > 0 ? "," + body.ToJsonString()[1..] : "}");
                yield return WithBody(json, $"body {name}={Shorten(value)}");
            }

            yield return WithBody("{" + $"\"{name}\":\"a\"," + text[1..], $"body {name} duplicated");
        }

        string[] wholes =
        [
            "", " ", "null", "0", "\"text\"", "[]", "[{}]", $"[{text}]", "{}", "{", "}", text[..^1], text[..(text.Length / 2)], text + "garbage", text + text,
            "{\"unknownField\":1,\"isAdmin\":true,\"role\":\"admin\",\"_id\":\"000000000000000000000000\"}",
            "{\"\\u0000\":1}", "{\"a\\u0000b\":1}", "{\"$set\":{\"role\":\"admin\"}}", "{\"a.b\":1}", "{\"x\":1e400}", "{\"a\":1,\"a\":2}",
            new string('[', 10000) + new string(']', 10000), "{\"a\":" + Nested(5000) + "}", "hello", "<xml/>", "\ufeff" + text, "{'single':'quotes'}",
            "{\"trailing\":1,}", "{\"a\":NaN}", "{\"a\":Infinity}", "/* comment */" + text,
        ];
        foreach (var whole in wholes)
        {
            yield return WithBody(whole, $"body {Shorten(whole)}");
        }

        yield return Request(Path(), "body invalid UTF-8") with { Body = [0x7B, 0x22, 0x61, 0x22, 0x3A, 0x22, 0xC3, 0x28, 0x22, 0x7D], ContentType = Json };
        foreach (var contentType in ContentTypes)
        {
            yield return WithBody(text, $"Content-Type: {contentType}") with { ContentType = contentType };
        }

        yield return WithBody(text, "no Content-Type") with { ContentType = null };
    }

    /// <summary>A body the schema would accept, as a base for one-property mutations.</summary>
    private JsonObject ValidBody()
    {
        var body = new JsonObject();
        foreach (var (name, schema) in operation.Body?["properties"]?.AsObject() ?? [])
        {
            var property = schema as JsonObject;
            body[name] = property?["enum"] is JsonArray { Count: > 0 } values ? values[0]!.DeepClone() : Operation.TypeOf(property) switch
            {
                "integer" => 1,
                "number" => 1.5,
                "boolean" => true,
                "array" => new JsonArray(),
                "object" => new JsonObject(),
                _ when property?["format"]?.GetValue<string>() == "date-time" => "2026-01-01T00:00:00Z",
                _ when name.Contains("email", StringComparison.OrdinalIgnoreCase) => $"fuzz-{Guid.NewGuid():N}@example.com",
                _ => "fuzz",
            };
        }

        return body;
    }

    /// <summary>Cursors crafted from one the list issued: each must be a 400 naming <c>cursor</c>.</summary>
    private IEnumerable<string> CraftedCursors()
    {
        yield return Base64Url.EncodeToString("hello, cursor"u8.ToArray());
        yield return Base64Url.EncodeToString(new byte[4096]);
        yield return Base64Url.EncodeToString(new BsonDocument("k", new BsonArray { "x", new BsonDateTime(long.MaxValue), ObjectId.GenerateNewId() }).ToBson());
        foreach (var issued in issuedCursors)
        {
            var bytes = Base64Url.DecodeFromChars(issued);
            var keys = MongoDB.Bson.Serialization.BsonSerializer.Deserialize<BsonDocument>(bytes)["k"].AsBsonArray;
            foreach (var key in new BsonValue[] { new BsonDateTime(long.MaxValue), new BsonDateTime(long.MinValue), new BsonDateTime(253_402_300_800_000), "2026", new BsonDocument("$gt", BsonMinKey.Value), BsonNull.Value, 1e308 })
            {
                var copy = keys.DeepClone().AsBsonArray;
                copy[^2] = key;
                yield return Base64Url.EncodeToString(new BsonDocument("k", copy).ToBson());
            }

            var placeholder = keys.DeepClone().AsBsonArray;
            placeholder[0] = "QQQQ";
            var invalid = new BsonDocument("k", placeholder).ToBson();
            var at = invalid.AsSpan().IndexOf("QQQQ"u8);
            invalid[at] = 0xC3;
            invalid[at + 1] = 0x28;
            yield return Base64Url.EncodeToString(invalid);
            yield return Base64Url.EncodeToString(bytes[..^1]);
            yield return Base64Url.EncodeToString([(byte)(bytes[0] + 1), .. bytes[1..]]);
        }
    }

    /// <summary>The path with <paramref name="hostile"/> in one parameter and a real id (or a
    /// well-formed unknown one) in the others.</summary>
    private string Path(string? parameter = null, string? hostile = null)
    {
        var path = operation.Path;
        foreach (var p in operation.Parameters.Where(p => p.In == "path"))
        {
            var value = p.Name == parameter ? hostile! : realIds.GetValueOrDefault(operation.Path + "/" + p.Name, "000000000000000000000000");
            path = path.Replace("{" + p.Name + "}", value, StringComparison.Ordinal);
        }

        return path;
    }

    private HostileRequest Request(string pathAndQuery, string what) =>
        new(operation.Method, pathAndQuery, operation.Body is not null ? Encoding.UTF8.GetBytes(ValidBody().ToJsonString()) : null, operation.Body is not null ? Json : null, Json, what);

    private HostileRequest WithBody(string json, string what) => Request(Path(), what) with { Body = Encoding.UTF8.GetBytes(json), ContentType = Json };

    private static string Nested(int depth) => string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth);

    private static string Shorten(string value) => value.Length > 60 ? $"{value[..40]}...({value.Length} chars)" : value;
}
