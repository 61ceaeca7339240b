using MongoDB.Bson;

namespace BayitPlus.MongoEmulator.Aggregation;

/// <summary>An aggregation expression compiled once: field paths, literals, system and user
/// variables, and operators.</summary>
public sealed class AggExpression
{
    private AggExpression()
    {
    }

    /// <summary>Throws <see cref="Bson.MongoErrorException"/> naming an unknown operator.</summary>
    public static AggExpression Compile(BsonValue expression) => throw new NotImplementedException();

    /// <summary>Evaluates against <paramref name="root"/> (<c>$$ROOT</c>, <c>$$CURRENT</c>);
    /// returns null for a missing value.</summary>
    public BsonValue? Evaluate(BsonDocument root, ExpressionScope scope) => throw new NotImplementedException();
}

/// <summary>Variables visible to an expression: <c>$$NOW</c>, the command's <c>let</c>, and those
/// bound by <c>$let</c>, <c>$map</c>, <c>$filter</c> and <c>$reduce</c>.</summary>
public sealed class ExpressionScope
{
    public ExpressionScope(DateTime now, BsonDocument? variables = null, double? textScore = null)
    {
        Now = now;
        Variables = variables ?? [];
        TextScore = textScore;
    }

    public DateTime Now { get; }

    public BsonDocument Variables { get; }

    /// <summary>What <c>{$meta: "textScore"}</c> returns for the current document.</summary>
    public double? TextScore { get; }
}
