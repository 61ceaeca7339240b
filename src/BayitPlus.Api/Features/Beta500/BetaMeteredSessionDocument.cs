using BayitPlus.Api.Infrastructure.Mongo;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.Beta500;

/// <summary>The <c>betameteredsession</c> collection (this API's, not the spec's): one metered use
/// of a per-second feature. Whole seconds are charged up to <see cref="LastCheckpointAt"/>; the
/// fraction after it is carried to the next checkpoint.</summary>
public sealed class BetaMeteredSessionDocument
{
    public const string CollectionName = "betameteredsession";

    public string Id { get; set; } = "";

    public required string UserId { get; set; }

    public required string Feature { get; set; }

    /// <summary><see cref="MeteredSessionStatus"/>: active or ended.</summary>
    public required string Status { get; set; }

    public DateTime StartedAt { get; set; }

    /// <summary>Charged up to here.</summary>
    public DateTime LastCheckpointAt { get; set; }

    public int SecondsCharged { get; set; }

    public int CreditsCharged { get; set; }

    public DateTime? EndedAt { get; set; }

    /// <summary><see cref="MeteredSessionEndReasons"/>: why the session ended.</summary>
    public string? EndedReason { get; set; }
}

public static class MeteredSessionStatus
{
    public const string Active = "active";
    public const string Ended = "ended";
}

public static class MeteredSessionEndReasons
{
    /// <summary>The member ended it.</summary>
    public const string Ended = "ended";

    /// <summary>The balance ran out at a checkpoint.</summary>
    public const string CreditsExhausted = "credits_exhausted";

    /// <summary>The membership ended (withdrawn, expired, deactivated) while it ran.</summary>
    public const string MembershipEnded = "membership_ended";

    /// <summary>No checkpoint for longer than <c>Beta:SessionTimeout</c>.</summary>
    public const string Timeout = "timeout";
}

public sealed class BetaMeteredSessionIndexes : ICollectionIndexes
{
    public string CollectionName => BetaMeteredSessionDocument.CollectionName;

    public IEnumerable<CreateIndexModel<BsonDocument>> Indexes =>
    [
        IndexModels.Compound(("status", 1), ("last_checkpoint_at", 1)),
        IndexModels.Ascending("user_id"),
    ];
}
