using BayitPlus.MongoEmulator.Bson;
using MongoDB.Bson;

namespace BayitPlus.MongoEmulator.Aggregation;

/// <summary>An aggregation expression compiled once: field paths, literals, system and user
/// variables, and operators.</summary>
public sealed class AggExpression
{
    private readonly Evaluator _evaluator;
    private readonly int _slotCount;

    private AggExpression(Evaluator evaluator, int slotCount)
    {
        _evaluator = evaluator;
        _slotCount = slotCount;
    }

    /// <summary>Throws <see cref="Bson.MongoErrorException"/> naming an unknown operator.</summary>
    public static AggExpression Compile(BsonValue expression)
    {
        var compiler = new ExpressionCompiler();
        var evaluator = compiler.Compile(expression);
        return new AggExpression(evaluator, compiler.SlotCount);
    }

    /// <summary>Evaluates against <paramref name="root"/> (<c>$$ROOT</c>, <c>$$CURRENT</c>);
    /// returns null for a missing value.</summary>
    public BsonValue? Evaluate(BsonDocument root, ExpressionScope scope) =>
        _evaluator(new EvalContext(root, scope, _slotCount));
}

/// <summary>Variables visible to an expression: <c>$$NOW</c>, the command's <c>let</c>, and those
/// bound by <c>$let</c>, <c>$map</c>, <c>$filter</c> and <c>$reduce</c>.</summary>
public sealed class ExpressionScope
{
    public ExpressionScope(DateTime now, BsonDocument? variables = null, double? textScore = null, double? vectorSearchScore = null, BsonOrder? order = null)
    {
        Order = (order ?? BsonOrder.Instance).ForExpressions;
        VectorSearchScore = vectorSearchScore;
        Now = now;
        Variables = variables ?? [];
        TextScore = textScore;
    }

    public DateTime Now { get; }

    public BsonDocument Variables { get; }

    /// <summary>How comparison operators ($eq, $lt, $cmp, ...) compare: the operation's collation, with
    /// missing below null (<see cref="BsonOrder.ForExpressions"/>).</summary>
    public BsonOrder Order { get; }

    /// <summary>What <c>{$meta: "textScore"}</c> returns for the current document.</summary>
    public double? TextScore { get; }

    /// <summary>What <c>{$meta: "vectorSearchScore"}</c> returns for the current document.</summary>
    public double? VectorSearchScore { get; }
}

/// <summary>A compiled expression node; returns null for a missing value.</summary>
internal delegate BsonValue? Evaluator(EvalContext context);

/// <summary>One evaluation: the document, the scope and the slots of variables bound inside the
/// expression (each binding site owns one slot, fixed at compile time).</summary>
internal sealed class EvalContext
{
    private static readonly BsonValue?[] NoSlots = [];

    public EvalContext(BsonDocument root, ExpressionScope scope, int slotCount)
    {
        Root = root;
        Scope = scope;
        Slots = slotCount == 0 ? NoSlots : new BsonValue?[slotCount];
    }

    public BsonDocument Root { get; }

    public ExpressionScope Scope { get; }

    public BsonValue?[] Slots { get; }
}
