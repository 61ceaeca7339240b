using BayitPlus.Api.Infrastructure.Mongo;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.Beta500;

/// <summary>The spec's <c>betacredittransaction</c> collection: one document per change of a
/// member's <c>credits_balance</c>, written in the same transaction as the change.</summary>
public sealed class BetaCreditTransactionDocument
{
    public const string CollectionName = "betacredittransaction";

    public string Id { get; set; } = "";

    public required string UserId { get; set; }

    /// <summary><see cref="BetaTransactionTypes"/>: grant, deduct or refund.</summary>
    public required string TransactionType { get; set; }

    /// <summary>The credits moved, always positive; the type says which way.</summary>
    public int Amount { get; set; }

    public int BalanceAfter { get; set; }

    public required string Reason { get; set; }

    public string? FeatureUsed { get; set; }

    public BsonDocument Metadata { get; set; } = [];

    public DateTime CreatedAt { get; set; }

    /// <summary>The member's entry number (<see cref="BetaUserDocument.LedgerSeq"/> after it); absent
    /// on entries written by other services, which count as 0.</summary>
    public long Seq { get; set; }

    /// <summary>What makes a retried charge or refund the same one (a unique, sparse index): the
    /// caller's key scoped by user for a charge, the charge's id for a refund, the checkpoint for a
    /// metered session. Absent on grants and admin adjustments, which are never retried blindly.</summary>
    public string? IdempotencyKey { get; set; }
}

public static class BetaTransactionTypes
{
    public const string Grant = "grant";
    public const string Deduct = "deduct";
    public const string Refund = "refund";
}

public sealed class BetaCreditTransactionIndexes : ICollectionIndexes
{
    public string CollectionName => BetaCreditTransactionDocument.CollectionName;

    public IEnumerable<CreateIndexModel<BsonDocument>> Indexes =>
    [
        IndexModels.Compound(("user_id", 1), ("created_at", -1)),
        IndexModels.Ascending("feature_used"),
        IndexModels.Ascending("transaction_type"),
        IndexModels.Unique("idempotency_key", sparse: true),
        IndexModels.Compound(("user_id", 1), ("seq", -1)),
        IndexModels.Compound(("created_at", 1), ("feature_used", 1)),
    ];
}
