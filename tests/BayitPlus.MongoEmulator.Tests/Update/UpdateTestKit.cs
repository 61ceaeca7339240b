using BayitPlus.MongoEmulator.Bson;
using BayitPlus.MongoEmulator.Query;
using BayitPlus.MongoEmulator.Update;
using MongoDB.Bson;

namespace BayitPlus.MongoEmulator.Tests.Update;

/// <summary>Shorthand for update tests written in shell JSON.</summary>
internal static class UpdateTestKit
{
    public static readonly DateTime Now = new(2024, 5, 6, 7, 8, 9, DateTimeKind.Utc);

    public static readonly QueryContext Context = new() { Now = Now };

    public static UpdateSpec Parse(string update, string? arrayFilters = null) =>
        UpdateSpec.Parse(ParseValue(update), arrayFilters is null ? null : ParseArray(arrayFilters), Context);

    public static UpdateOutcome Apply(string document, string update, string filter = "{}", string? arrayFilters = null) =>
        Parse(update, arrayFilters).Apply(BsonDocument.Parse(document), CompiledFilter.Compile(BsonDocument.Parse(filter), Context));

    /// <summary>Applies and checks the result, types and field order included.</summary>
    public static void Expect(string expected, string document, string update, string filter = "{}", string? arrayFilters = null)
    {
        var outcome = Apply(document, update, filter, arrayFilters);
        Assert.Equal(BsonDocument.Parse(expected).ToJson(), outcome.Document.ToJson());
    }

    public static MongoErrorException Fails(int code, string document, string update, string filter = "{}", string? arrayFilters = null)
    {
        var error = Assert.Throws<MongoErrorException>(() => Apply(document, update, filter, arrayFilters));
        Assert.Equal(code, error.Code);
        return error;
    }

    public static MongoErrorException ParseFails(int code, string update, string? arrayFilters = null)
    {
        var error = Assert.Throws<MongoErrorException>(() => Parse(update, arrayFilters));
        Assert.Equal(code, error.Code);
        return error;
    }

    public static BsonDocument Upsert(string filter, string update) => Parse(update).BuildUpsert(BsonDocument.Parse(filter));

    private static BsonValue ParseValue(string json) =>
        json.TrimStart().StartsWith('[') ? ParseArray(json) : BsonDocument.Parse(json);

    private static BsonArray ParseArray(string json) => BsonDocument.Parse("{v: " + json + "}")["v"].AsBsonArray;
}
