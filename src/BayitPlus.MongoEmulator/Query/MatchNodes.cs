using BayitPlus.MongoEmulator.Aggregation;
using MongoDB.Bson;

namespace BayitPlus.MongoEmulator.Query;

/// <summary>Where a match records the array position the positional <c>$</c> operator uses.</summary>
internal sealed class MatchPosition
{
    public int Index { get; set; } = -1;
}

/// <summary>A compiled node of a query filter.</summary>
internal abstract class MatchNode
{
    /// <summary>Whether the document matches. When <paramref name="position"/> is given, path
    /// predicates that match through an array record the element's index there; like MongoDB,
    /// only conjunctions pass it on (never <c>$or</c>, <c>$nor</c> or negations).</summary>
    public abstract bool Matches(BsonDocument document, MatchPosition? position);
}

internal sealed class AndNode(MatchNode[] children) : MatchNode
{
    public override bool Matches(BsonDocument document, MatchPosition? position)
    {
        foreach (var child in children)
        {
            if (!child.Matches(document, position))
            {
                return false;
            }
        }

        return true;
    }
}

internal sealed class OrNode(MatchNode[] children) : MatchNode
{
    public override bool Matches(BsonDocument document, MatchPosition? position)
    {
        foreach (var child in children)
        {
            if (child.Matches(document, null))
            {
                return true;
            }
        }

        return false;
    }
}

internal sealed class NotNode(MatchNode inner) : MatchNode
{
    public override bool Matches(BsonDocument document, MatchPosition? position) => !inner.Matches(document, null);
}

internal sealed class ConstantNode(bool result) : MatchNode
{
    public override bool Matches(BsonDocument document, MatchPosition? position) => result;
}

/// <summary>A predicate on a path: matches when any value the path reaches passes the test.</summary>
internal sealed class PathNode(CompiledPath path, LeafArrays leaf, ValueTest test) : MatchNode
{
    public override bool Matches(BsonDocument document, MatchPosition? position)
    {
        var visitor = new TestVisitor(test);
        if (!path.Walk(document, leaf, ref visitor))
        {
            return false;
        }

        if (position is not null)
        {
            var index = visitor.ArrayIndex >= 0 ? visitor.ArrayIndex : test.MatchedElement(visitor.Value);
            if (index >= 0)
            {
                position.Index = index;
            }
        }

        return true;
    }

    private struct TestVisitor(ValueTest test) : IPathVisitor
    {
        public BsonValue? Value { get; private set; }

        public int ArrayIndex { get; private set; }

        public bool Visit(BsonValue? value, int arrayIndex)
        {
            if (!test.Test(value))
            {
                return false;
            }

            Value = value;
            ArrayIndex = arrayIndex;
            return true;
        }
    }
}

/// <summary><c>$expr</c>: the aggregation expression's value taken as a boolean.</summary>
internal sealed class ExprNode(AggExpression expression, QueryContext context) : MatchNode
{
    public override bool Matches(BsonDocument document, MatchPosition? position) =>
        IsTruthy(expression.Evaluate(document, new ExpressionScope(context.Now, context.Variables, order: context.Order)));

    /// <summary>Aggregation truthiness: false, null, missing, undefined and numeric zero are false.</summary>
    public static bool IsTruthy(BsonValue? value) => value?.BsonType switch
    {
        null or BsonType.Null or BsonType.Undefined => false,
        BsonType.Boolean => value.AsBoolean,
        BsonType.Int32 => value.AsInt32 != 0,
        BsonType.Int64 => value.AsInt64 != 0,
        BsonType.Double => value.AsDouble != 0,
        BsonType.Decimal128 => !Decimal128.IsZero(value.AsDecimal128),
        _ => true,
    };
}

/// <summary><c>$text</c>: matches documents the text searcher scores.</summary>
internal sealed class TextNode(Func<BsonDocument, double?> scorer) : MatchNode
{
    public override bool Matches(BsonDocument document, MatchPosition? position) => scorer(document) is not null;
}
