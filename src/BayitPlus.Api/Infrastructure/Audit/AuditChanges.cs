using MongoDB.Bson;

namespace BayitPlus.Api.Infrastructure.Audit;

/// <summary>The <c>changes</c> of an audit record: <c>{ before, after }</c> holding only the
/// top-level fields that differ (a created resource has a null before, a deleted one a null after).</summary>
public static class AuditChanges
{
    public static BsonDocument Between(BsonDocument? before, BsonDocument? after)
    {
        if (before is null || after is null)
        {
            return new BsonDocument
            {
                ["before"] = before is null ? BsonNull.Value : AuditRedaction.Redact(before),
                ["after"] = after is null ? BsonNull.Value : AuditRedaction.Redact(after),
            };
        }

        var changedBefore = new BsonDocument();
        var changedAfter = new BsonDocument();
        foreach (var name in before.Names.Union(after.Names))
        {
            var old = before.GetValue(name, BsonNull.Value);
            var now = after.GetValue(name, BsonNull.Value);
            if (!old.Equals(now))
            {
                changedBefore[name] = old;
                changedAfter[name] = now;
            }
        }

        return new BsonDocument
        {
            ["before"] = AuditRedaction.Redact(changedBefore),
            ["after"] = AuditRedaction.Redact(changedAfter),
        };
    }
}
