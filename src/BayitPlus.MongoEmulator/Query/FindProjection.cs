using BayitPlus.MongoEmulator.Bson;
using MongoDB.Bson;

namespace BayitPlus.MongoEmulator.Query;

/// <summary>The projection of find and findAndModify: inclusion, exclusion, <c>$slice</c>,
/// <c>$elemMatch</c>, <c>$meta</c>, positional <c>$</c> and aggregation expressions.</summary>
public sealed class FindProjection
{
    private FindProjection()
    {
    }

    public bool NeedsTextScore => false;

    public static FindProjection Parse(BsonDocument spec, QueryContext context) => throw new NotImplementedException();

    /// <summary>Projects a document; <paramref name="filter"/> serves the positional <c>$</c>.</summary>
    public BsonDocument Apply(MetaDoc document, CompiledFilter? filter) => throw new NotImplementedException();
}
