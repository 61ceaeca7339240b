using MongoDB.Bson;

namespace BayitPlus.MongoEmulator.Engine;

/// <summary>Removes documents whose TTL index date has passed, as MongoDB's TTL monitor does: a
/// document expires at the earliest date in the indexed field plus expireAfterSeconds; documents
/// without a date there never expire.</summary>
internal static class TtlMonitor
{
    public static void RemoveExpired(ServerStore store, DateTime now)
    {
        var changes = new List<ChangeEvent>();
        foreach (var database in store.DatabaseNames.ToList())
        {
            foreach (var collection in store.CollectionsOf(database).Values.ToList())
            {
                foreach (var index in collection.Indexes.Where(i => i.ExpireAfterSeconds is not null).ToList())
                {
                    var lifetime = TimeSpan.FromSeconds(index.ExpireAfterSeconds!.Value);
                    var expired = collection.Natural
                        .Where(r => store.TransactionLocks.Count == 0 || !store.TransactionLocks.ContainsKey(new DocumentKey(collection, r.Id)))
                        .Where(r => EarliestDate(Query.FieldPath.Get(r.Document, index.Fields[0])) is { } date && date + lifetime <= now)
                        .ToList();
                    foreach (var record in expired)
                    {
                        store.CommitDelete(collection, record, changes);
                    }
                }
            }
        }

        store.Changes.Append(changes);
    }

    private static DateTime? EarliestDate(BsonValue? value) => value switch
    {
        BsonDateTime date => date.ToUniversalTime(),
        BsonArray array => array.OfType<BsonDateTime>().Select(d => (DateTime?)d.ToUniversalTime()).Min(),
        _ => null,
    };
}
