using BayitPlus.Api.Infrastructure.Mongo;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.Payments;

/// <summary>The spec's <c>subscription</c> collection: one document per subscription a user bought
/// (a user has at most one that is not ended). The spec's fields come first; the rest are this API's
/// additions, which the Python system ignores.</summary>
public sealed class SubscriptionDocument
{
    public const string CollectionName = "subscription";

    public string Id { get; set; } = "";

    public required string UserId { get; set; }

    public required string PlanId { get; set; }

    /// <summary><see cref="SubscriptionStatuses"/>: active, canceled, expired or past_due.</summary>
    public required string Status { get; set; }

    public DateTime StartDate { get; set; }

    /// <summary>The end of the period paid for (or of the trial); the expiry job ends the
    /// subscription <c>Payments:GraceDays</c> after it unless a renewal moved it.</summary>
    public DateTime EndDate { get; set; }

    public bool AutoRenew { get; set; }

    /// <summary>The provider that takes the payments: stripe or paypal.</summary>
    public required string PaymentMethod { get; set; }

    public double Amount { get; set; }

    public required string Currency { get; set; }

    /// <summary>monthly or yearly.</summary>
    public required string BillingPeriod { get; set; }

    /// <summary>The provider's id of the subscription (Stripe <c>sub_…</c>, PayPal <c>I-…</c>).</summary>
    public string? ProviderSubscriptionId { get; set; }

    /// <summary>The provider's id of the paying customer, when it has one.</summary>
    public string? ProviderCustomerId { get; set; }

    /// <summary>The checkout session the subscription came from.</summary>
    public string? CheckoutSessionId { get; set; }

    /// <summary>When the free trial ends, if the subscription started with one.</summary>
    public DateTime? TrialEnd { get; set; }

    /// <summary>When a failed renewal's grace period ends (status past_due).</summary>
    public DateTime? GraceUntil { get; set; }

    public DateTime? CanceledAt { get; set; }

    /// <summary>Set when a payment given back in full ended the subscription here while the provider
    /// would still renew it, or when this API refused it (<see cref="RefusedReason"/>):
    /// <see cref="ProviderCancellationJob"/> cancels it there and clears this.</summary>
    public DateTime? ProviderCancelRequestedAt { get; set; }

    /// <summary>Set when the provider refused for good to cancel it (<see cref="ProviderCancellationJob"/>
    /// stopped asking, with a high security event): the provider's HTTP status and error code; or,
    /// after <see cref="ProviderCancellationJob.Gone"/>, that the provider does not know it (a medium
    /// security event).</summary>
    public string? ProviderCancelRefusal { get; set; }

    /// <summary>The provider's time of the latest event about the subscription object itself
    /// (created, updated, deleted) applied here, or of the provider's answer to a cancel, resume or
    /// plan change made here: an older one arriving late never takes the state back. Payment events
    /// do not move it (they carry no subscription state): see <see cref="PaymentEventAt"/>.</summary>
    public DateTime? ProviderUpdatedAt { get; set; }

    /// <summary>The provider's time of the latest payment event (paid, failed) applied here: an older
    /// failure never undoes a later payment.</summary>
    public DateTime? PaymentEventAt { get; set; }

    /// <summary>Why this API refused the subscription the provider started (<see cref="SubscriptionRefusals"/>):
    /// it is stored expired, never granted whatever the provider reports later, and cancelled at the
    /// provider (<see cref="ProviderCancelRequestedAt"/>).</summary>
    public string? RefusedReason { get; set; }

    /// <summary>Set when a payment given back in full ended the subscription: what it was before, so
    /// that a refund the provider later reports failed can give it back.</summary>
    public RefundEnding? EndedByRefund { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime UpdatedAt { get; set; }
}

/// <summary>A subscription as it was when a full refund of <see cref="PaymentId"/> ended it.</summary>
public sealed class RefundEnding
{
    /// <summary>The <c>provider_transaction_id</c> of the payment refunded.</summary>
    public required string PaymentId { get; set; }

    /// <summary>The subscription's <see cref="SubscriptionDocument.ProviderCancelRequestedAt"/> the
    /// refund set (null when it was not renewing): while it is still there, the provider has not
    /// cancelled the subscription yet.</summary>
    public DateTime? CancelRequestedAt { get; set; }

    public required string Status { get; set; }

    public DateTime EndDate { get; set; }

    public bool AutoRenew { get; set; }

    public DateTime? GraceUntil { get; set; }

    public DateTime? CanceledAt { get; set; }
}

public static class SubscriptionStatuses
{
    public const string Active = "active";
    public const string Canceled = "canceled";
    public const string Expired = "expired";
    public const string PastDue = "past_due";
}

/// <summary>Why a subscription the provider started was refused (<see cref="SubscriptionDocument.RefusedReason"/>).</summary>
public static class SubscriptionRefusals
{
    /// <summary>The user already had another current subscription (two checkouts both paid).</summary>
    public const string AnotherCurrent = "another_current_subscription";

    /// <summary>The checkout's plan, period, price or currency is not what this API sells.</summary>
    public const string PlanMismatch = "plan_mismatch";
}

public static class BillingPeriods
{
    public const string Monthly = "monthly";
    public const string Yearly = "yearly";

    public static readonly string[] All = [Monthly, Yearly];
}

public static class PaymentProviderNames
{
    public const string Stripe = "stripe";
    public const string PayPal = "paypal";

    public static readonly string[] All = [Stripe, PayPal];
}

/// <summary>The spec's <c>transaction</c> collection: one document per payment or refund a provider
/// reported. <c>provider_transaction_id</c> is unique: a report seen again is never a second record.</summary>
public sealed class PaymentTransactionDocument
{
    public const string CollectionName = "transaction";

    public string Id { get; set; } = "";

    public required string UserId { get; set; }

    public double Amount { get; set; }

    public required string Currency { get; set; }

    /// <summary><see cref="PaymentTransactionTypes"/>: payment or refund.</summary>
    public required string TransactionType { get; set; }

    /// <summary><see cref="PaymentTransactionStatuses"/>: success, failed or pending.</summary>
    public required string Status { get; set; }

    public required string PaymentProvider { get; set; }

    public string? ProviderTransactionId { get; set; }

    public DateTime CreatedAt { get; set; }

    public string? SubscriptionId { get; set; }

    public string? PlanId { get; set; }

    /// <summary>A refund's: the <c>provider_transaction_id</c> of the payment it gives back.</summary>
    public string? RefundOf { get; set; }

    /// <summary>A payment's: how much of it has been refunded so far.</summary>
    public double AmountRefunded { get; set; }

    public string? Reason { get; set; }

    /// <summary>A refund's: the provider's time of the event that reported it failed. The provider's
    /// totals in older events still count it; those in this one or later do not.</summary>
    public DateTime? FailedAt { get; set; }

    /// <summary>A payment for a subscription this API refused (a second current one, a price not on
    /// sale): <see cref="ProviderCancellationJob"/> refunds it in full at the provider and clears this.</summary>
    public DateTime? AutoRefundRequestedAt { get; set; }

    /// <summary>Set when the provider refused for good to make that refund (the job stopped asking,
    /// with a high security event): the provider's HTTP status and error code.</summary>
    public string? AutoRefundRefusal { get; set; }
}

public static class PaymentTransactionTypes
{
    public const string Payment = "payment";
    public const string Refund = "refund";
}

public static class PaymentTransactionStatuses
{
    public const string Success = "success";
    public const string Failed = "failed";
    public const string Pending = "pending";
}

/// <summary>A new collection, <c>paymentwebhookevent</c>: one document per provider event applied,
/// written in the same transaction as its effects, so an event is done exactly when its effects
/// are, and a redelivery finds it and does nothing. Kept for <see cref="Retention"/>. Its <c>_id</c>
/// is text, not an ObjectId, so it is written and read as a <c>BsonDocument</c> with these fields
/// (the storage conventions would store a string id as an ObjectId).</summary>
public sealed class PaymentWebhookEventDocument
{
    public const string CollectionName = "paymentwebhookevent";

    public static readonly TimeSpan Retention = TimeSpan.FromDays(30);

    /// <summary><c>&lt;provider&gt;:&lt;event id&gt;</c>.</summary>
    public string Id { get; set; } = "";

    public required string Provider { get; set; }

    public required string EventId { get; set; }

    public required string EventType { get; set; }

    /// <summary>When the provider says the event happened.</summary>
    public DateTime OccurredAt { get; set; }

    public DateTime ProcessedAt { get; set; }
}

public sealed class SubscriptionIndexes : ICollectionIndexes
{
    public string CollectionName => SubscriptionDocument.CollectionName;

    public IEnumerable<CreateIndexModel<BsonDocument>> Indexes =>
    [
        IndexModels.Ascending("user_id"),
        IndexModels.Ascending("status"),
        IndexModels.Ascending("end_date"),
        // Unique: a provider's events about one new subscription (checkout completed, subscription
        // created) arrive at the same moment, and only one of them may insert it.
        new CreateIndexModel<BsonDocument>(
            new BsonDocument { ["payment_method"] = 1, ["provider_subscription_id"] = 1 },
            new CreateIndexOptions<BsonDocument> { Unique = true, PartialFilterExpression = new BsonDocument("provider_subscription_id", new BsonDocument("$type", "string")) }),
        // The few subscriptions a full refund left to cancel at their provider (ProviderCancellationJob).
        IndexModels.Ascending("provider_cancel_requested_at", new CreateIndexOptions { Sparse = true }),
    ];
}

public sealed class PaymentTransactionIndexes : ICollectionIndexes
{
    public string CollectionName => PaymentTransactionDocument.CollectionName;

    public IEnumerable<CreateIndexModel<BsonDocument>> Indexes =>
    [
        IndexModels.Compound(("user_id", 1), ("created_at", -1)),
        IndexModels.Unique("provider_transaction_id", sparse: true),
        IndexModels.Ascending("status"),
        // The few payments of refused subscriptions waiting for their refund (ProviderCancellationJob).
        IndexModels.Ascending("auto_refund_requested_at", new CreateIndexOptions { Sparse = true }),
    ];
}

public sealed class PaymentWebhookEventIndexes : ICollectionIndexes
{
    public string CollectionName => PaymentWebhookEventDocument.CollectionName;

    public IEnumerable<CreateIndexModel<BsonDocument>> Indexes =>
    [
        IndexModels.Ttl("processed_at", PaymentWebhookEventDocument.Retention),
    ];
}
