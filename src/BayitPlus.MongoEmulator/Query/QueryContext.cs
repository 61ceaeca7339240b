using BayitPlus.MongoEmulator.Bson;
using MongoDB.Bson;

namespace BayitPlus.MongoEmulator.Query;

/// <summary>What a query, projection, update or expression may read besides the document itself.</summary>
public sealed class QueryContext
{
    public static readonly QueryContext Default = new();

    /// <summary>Scores <c>$text</c> queries; null when the collection has no text index.</summary>
    public ITextSearcher? Text { get; init; }

    /// <summary>The value of <c>$$NOW</c> and of <c>$currentDate</c>.</summary>
    public DateTime Now { get; init; } = DateTime.UtcNow;

    /// <summary>User variables (the command's <c>let</c>), readable as <c>$$name</c>.</summary>
    public BsonDocument Variables { get; init; } = [];

    /// <summary>How values compare: the operation's collation, binary by default.</summary>
    public BsonOrder Order { get; init; } = BsonOrder.Instance;
}

/// <summary>Compiles a <c>$text</c> specification into a scorer: the score of a matching
/// document, or null for a document that does not match.</summary>
public interface ITextSearcher
{
    Func<BsonDocument, double?> Compile(BsonDocument textSpec);
}
