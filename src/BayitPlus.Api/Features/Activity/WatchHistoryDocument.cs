using BayitPlus.Api.Infrastructure.Mongo;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.Activity;

/// <summary>The spec's <c>watchhistory</c> collection, one document per user and item: the latest
/// state of the user's watching. This API adds <c>position_seconds</c>, <c>duration_seconds</c> and
/// <c>restarted_at</c> (and a unique <c>user_id</c>+<c>content_id</c> index, created by
/// <see cref="WatchHistoryMergeMigration"/>); whether an item is finished is read from
/// <c>progress</c> (<see cref="ActivitySettings.IsFinished"/>).</summary>
public sealed class WatchHistoryDocument
{
    public const string CollectionName = "watchhistory";

    public string Id { get; set; } = "";

    /// <summary>The user's id as a string, as the spec stores it.</summary>
    public required string UserId { get; set; }

    /// <summary>The catalog item's id as a string, as the spec stores it.</summary>
    public required string ContentId { get; set; }

    /// <summary>When the user last reported watching it (or restarted it).</summary>
    public DateTime WatchedAt { get; set; }

    /// <summary>Seconds watched in all: the sum of the forward steps of the position between reports.</summary>
    public int DurationWatched { get; set; }

    /// <summary>position / duration, 0–1.</summary>
    public double Progress { get; set; }

    public string? DeviceType { get; set; }

    public string? Platform { get; set; }

    /// <summary>This API's: where playback resumes, the furthest position reported.</summary>
    public int PositionSeconds { get; set; }

    /// <summary>This API's: the item's length as the player reported it with that position.</summary>
    public int DurationSeconds { get; set; }

    /// <summary>This API's: when the user last restarted the item; reports that cannot have been
    /// made after it are ignored (<see cref="ReportProgress.RestartGrace"/>).</summary>
    public DateTime? RestartedAt { get; set; }
}

/// <summary>The spec's indexes. The unique user_id+content_id pair that keeps one document per user
/// and item is created by <see cref="WatchHistoryMergeMigration"/> once it has merged the duplicates
/// the index would be refused over.</summary>
public sealed class WatchHistoryIndexes : ICollectionIndexes
{
    public string CollectionName => WatchHistoryDocument.CollectionName;

    public IEnumerable<CreateIndexModel<BsonDocument>> Indexes =>
    [
        IndexModels.Compound(("user_id", 1), ("watched_at", -1)),
        IndexModels.Ascending("content_id"),
    ];
}

/// <summary>The slice's typed access to its collection, as <c>Accounts</c> gives the Users slice its own.</summary>
internal static class WatchHistoryCollection
{
    public static IMongoCollection<WatchHistoryDocument> WatchHistory(this MongoContext db) =>
        db.Collection<WatchHistoryDocument>(WatchHistoryDocument.CollectionName);
}
