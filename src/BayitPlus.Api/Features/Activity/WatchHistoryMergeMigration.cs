using BayitPlus.Api.Infrastructure.Mongo;
using BayitPlus.Api.Infrastructure.Mongo.Migrations;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.Activity;

/// <summary>Makes <c>watchhistory</c> one document per user and item, then creates the unique
/// <c>user_id</c>+<c>content_id</c> index this API adds to the spec. The Python system may have
/// written several documents for one pair (nothing stopped it), and MongoDB refuses a unique index
/// over duplicates; declared with the start-up indexes, the refusal would keep readiness at 503 and,
/// since migrations wait for those indexes, this merge would never run. So the index is this
/// migration's to create, after the merge.
/// <para>A pair's documents merge into the one watched last (highest <c>watched_at</c>): its
/// progress, position, device and time are the user's latest state, the one continue-watching must
/// resume. <c>duration_watched</c> is the sum of all of them: each document counted the seconds of
/// its own viewings (the spec's "seconds watched"), so the maximum would drop every viewing but one.
/// Each pair is merged in a transaction, so a run cut short and run again never counts a document
/// twice. A duplicate inserted between the merge and the index is merged by another pass
/// (<see cref="Attempts"/> in all).</para></summary>
public sealed class WatchHistoryMergeMigration : IMigration
{
    /// <summary>Merge passes before the migration gives up (and is retried at the next start).</summary>
    public const int Attempts = 3;

    public static readonly CreateIndexModel<BsonDocument> UniquePair =
        new(new BsonDocument { { "user_id", 1 }, { "content_id", 1 } }, new CreateIndexOptions { Unique = true });

    public string Name => "watchhistory_unique_pair_v1";

    public async Task<BsonDocument> ApplyAsync(IMongoDatabase database, CancellationToken cancellationToken)
    {
        var history = database.GetCollection<BsonDocument>(WatchHistoryDocument.CollectionName);
        var (merged, removed) = (0, 0L);
        for (var attempt = 1; ; attempt++)
        {
            var (pairs, documents) = await MergeDuplicatesAsync(database, history, cancellationToken);
            (merged, removed) = (merged + pairs, removed + documents);
            try
            {
                await history.Indexes.CreateOneAsync(UniquePair, cancellationToken: cancellationToken);
                return new BsonDocument { { "merged_pairs", merged }, { "removed_documents", removed }, { "passes", attempt } };
            }
            catch (MongoException error) when (MongoErrors.IsDuplicateKey(error) && attempt < Attempts)
            {
                // Until the index exists nothing stops two first reports of a pair (an instance of
                // the previous build, or two racing upserts) from inserting two documents after the
                // merge read the pairs: merge those too and try again.
            }
        }
    }

    private static async Task<(int Pairs, long Removed)> MergeDuplicatesAsync(
        IMongoDatabase database, IMongoCollection<BsonDocument> history, CancellationToken cancellationToken)
    {
        var pairs = await history.Aggregate()
            .Group(new BsonDocument
            {
                { "_id", new BsonDocument { { "user_id", "$user_id" }, { "content_id", "$content_id" } } },
                { "ids", new BsonDocument("$push", "$_id") },
            })
            .Match(new BsonDocument("ids.1", new BsonDocument("$exists", true)))
            .ToListAsync(cancellationToken);

        var removed = 0L;
        foreach (var pair in pairs)
        {
            using var session = await database.Client.StartSessionAsync(cancellationToken: cancellationToken);
            removed += await session.WithTransactionAsync((s, ct) => MergeAsync(history, s, pair["ids"].AsBsonArray, ct), cancellationToken: cancellationToken);
        }

        return (pairs.Count, removed);
    }

    private static async Task<long> MergeAsync(IMongoCollection<BsonDocument> history, IClientSessionHandle session, BsonArray ids, CancellationToken ct)
    {
        var documents = await history.Find(session, new BsonDocument("_id", new BsonDocument("$in", ids)))
            .Sort(new BsonDocument { { "watched_at", -1 }, { "_id", -1 } })
            .ToListAsync(ct);
        if (documents.Count < 2)
        {
            return 0;
        }

        var watched = documents.Sum(d => d.GetValue("duration_watched", 0) is { IsNumeric: true } seconds ? seconds.ToInt64() : 0);
        var latest = documents[0];
        await history.UpdateOneAsync(
            session,
            new BsonDocument("_id", latest["_id"]),
            new BsonDocument("$set", new BsonDocument("duration_watched", (int)Math.Min(watched, int.MaxValue))),
            cancellationToken: ct);
        var others = new BsonArray(documents.Skip(1).Select(d => d["_id"]));
        return (await history.DeleteManyAsync(session, new BsonDocument("_id", new BsonDocument("$in", others)), cancellationToken: ct)).DeletedCount;
    }
}
