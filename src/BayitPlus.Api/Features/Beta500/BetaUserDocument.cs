using BayitPlus.Api.Infrastructure.Mongo;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.Beta500;

/// <summary>The spec's <c>betauser</c> collection: one document per account that ever enrolled in
/// the Beta 500 program. The spec's fields come first; the rest are this API's additions, which the
/// Python system ignores.</summary>
public sealed class BetaUserDocument
{
    public const string CollectionName = "betauser";

    public string Id { get; set; } = "";

    public required string UserId { get; set; }

    public required string Email { get; set; }

    public int CreditsBalance { get; set; }

    public int TotalCreditsGranted { get; set; }

    /// <summary>The last credit deduction of a metered session.</summary>
    public DateTime? SessionCheckpoint { get; set; }

    public double FraudScore { get; set; }

    public required string FingerprintHash { get; set; }

    public bool IsActive { get; set; }

    public DateTime EnrolledAt { get; set; }

    public DateTime LastCreditUpdate { get; set; }

    /// <summary>The names of the fraud signals that fired at enrollment (shown to admins only).</summary>
    public List<string> FraudSignals { get; set; } = [];

    /// <summary>Accepted with a score at or above <c>Beta:ReviewScore</c>: waiting for an admin.</summary>
    public bool FlaggedForReview { get; set; }

    /// <summary>When access ends: <c>enrolled_at</c> plus <c>Beta:DurationDays</c>, or later after a
    /// reactivation. Absent on members the Python system enrolled: see <see cref="AccessEndsAt"/>.</summary>
    public DateTime ExpiresAt { get; set; }

    /// <summary><see cref="ExpiresAt"/>, or for a member stored without one, <c>enrolled_at</c> plus
    /// <c>Beta:DurationDays</c>, as the expiry job reads it.</summary>
    public DateTime AccessEndsAt(BetaSettings settings) => ExpiresAt == default ? EnrolledAt.AddDays(settings.DurationDays) : ExpiresAt;

    /// <summary>Why the member is inactive: withdrawn, expired or deactivated (by an admin).</summary>
    public string? EndedReason { get; set; }

    public DateTime? EndedAt { get; set; }

    /// <summary>Set when a deduction crosses <c>Beta:LowBalanceThreshold</c> or reaches 0, so the
    /// crossing is recorded once; a grant clears it.</summary>
    public bool LowBalance { get; set; }

    /// <summary>The network enrolled from (<see cref="Fingerprints.Network"/>): the network-burst
    /// signal counts recent enrollments by it. Absent when the client's address was unknown.</summary>
    public string? Network { get; set; }

    /// <summary>The number of ledger entries written through this API; each entry carries its own
    /// (<c>seq</c>), so the latest one is found without trusting clocks or id order.</summary>
    public long LedgerSeq { get; set; }

    /// <summary>The clock hour (UTC) <see cref="SpendHourCredits"/> counts.</summary>
    public DateTime? SpendHour { get; set; }

    /// <summary>Credits charged for features within <see cref="SpendHour"/>.</summary>
    public int SpendHourCredits { get; set; }

    /// <summary>The hour whose spending above <c>Beta:HourlySpendAlert</c> was recorded, so it is recorded once.</summary>
    public DateTime? SpendAlertHour { get; set; }
}

public sealed class BetaUserIndexes : ICollectionIndexes
{
    public string CollectionName => BetaUserDocument.CollectionName;

    public IEnumerable<CreateIndexModel<BsonDocument>> Indexes =>
    [
        IndexModels.Unique("user_id"),
        IndexModels.Ascending("email"),
        IndexModels.Ascending("is_active"),
        IndexModels.Ascending("fingerprint_hash"),
        IndexModels.Compound(("network", 1), ("enrolled_at", -1)),
        IndexModels.Compound(("is_active", 1), ("expires_at", 1)),
        IndexModels.Descending("enrolled_at"),
    ];
}
