using BayitPlus.MongoEmulator.Aggregation;
using BayitPlus.MongoEmulator.Bson;
using MongoDB.Bson;

namespace BayitPlus.MongoEmulator.Tests.Aggregation;

internal static class ExpressionTestHelper
{
    public static readonly DateTime Now = new(2024, 5, 6, 7, 8, 9, 123, DateTimeKind.Utc);

    /// <summary>Evaluates an expression written in extended JSON against a document.</summary>
    public static BsonValue? Eval(string expression, string document = "{}", BsonDocument? variables = null, double? textScore = null)
    {
        var spec = BsonDocument.Parse("{e: " + expression + "}")["e"];
        return AggExpression.Compile(spec).Evaluate(BsonDocument.Parse(document), new ExpressionScope(Now, variables, textScore));
    }

    public static BsonValue Json(string json) => BsonDocument.Parse("{v: " + json + "}")["v"];

    public static void AssertValue(string expectedJson, BsonValue? actual)
    {
        var expected = Json(expectedJson);
        Assert.NotNull(actual);
        Assert.True(
            expected.BsonType == actual.BsonType && BsonOrder.AreEqual(expected, actual),
            $"expected {expected} ({expected.BsonType}) but got {actual} ({actual.BsonType})");
    }

    public static MongoErrorException AssertError(int code, string expression, string document = "{}")
    {
        var error = Assert.Throws<MongoErrorException>(() => Eval(expression, document));
        Assert.Equal(code, error.Code);
        return error;
    }
}
