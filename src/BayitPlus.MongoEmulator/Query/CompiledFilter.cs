using MongoDB.Bson;

namespace BayitPlus.MongoEmulator.Query;

/// <summary>A query filter compiled once and evaluated against many documents.</summary>
public sealed class CompiledFilter
{
    private readonly MatchNode root;
    private readonly Func<BsonDocument, double?>? textScorer;
    private readonly HashSet<string> constrainedFields;

    private CompiledFilter(BsonDocument filter, MatchNode root, Func<BsonDocument, double?>? textScorer, HashSet<string> constrainedFields)
    {
        Filter = filter;
        this.root = root;
        this.textScorer = textScorer;
        this.constrainedFields = constrainedFields;
    }

    public BsonDocument Filter { get; }

    /// <summary>True when the filter contains <c>$text</c>.</summary>
    public bool HasText => textScorer is not null;

    /// <summary>Throws <see cref="Bson.MongoErrorException"/> (BadValue or the server's own code)
    /// naming any unknown or unsupported operator.</summary>
    public static CompiledFilter Compile(BsonDocument filter, QueryContext context)
    {
        var parser = new FilterParser(context);
        var root = parser.ParseDocument(filter, FilterScope.TopLevel);
        return new CompiledFilter(filter, root, parser.TextScorer, parser.ConstrainedFields);
    }

    public bool Matches(BsonDocument document) => root.Matches(document, null);

    /// <summary>The text score of a matching document when <see cref="HasText"/>.</summary>
    public double? TextScore(BsonDocument document) => textScorer?.Invoke(document);

    /// <summary>The index of the array element that satisfied the query, for the positional
    /// <c>$</c> operator of updates and projections; null when no array was traversed.</summary>
    /// <remarks>As in MongoDB, the last predicate of the top-level conjunction that matched
    /// through an array decides; predicates under <c>$or</c>, <c>$nor</c> and negations do not count.</remarks>
    public int? PositionalIndex(BsonDocument document)
    {
        var position = new MatchPosition();
        return root.Matches(document, position) && position.Index >= 0 ? position.Index : null;
    }

    /// <summary>Whether the filter has a predicate on a path starting with <paramref name="field"/>
    /// (outside <c>$elemMatch</c> queries), which a positional projection on that field requires.</summary>
    public bool ConstrainsField(string field) => constrainedFields.Contains(field);
}
