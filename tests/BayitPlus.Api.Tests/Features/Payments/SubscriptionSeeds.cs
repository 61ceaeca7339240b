using System.Text.Json.Nodes;
using BayitPlus.Api.Tests.Support;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Tests.Features.Payments;

/// <summary>Subscriptions and transactions written straight into the database, as the webhook
/// processor would leave them, for tests of what reads or changes them afterwards.</summary>
public static class SubscriptionSeeds
{
    /// <summary>The host's time: its fake clock's where it has one (tests move it forward).</summary>
    public static DateTime ClockNow(this ApiFactory api) => api is FakeClockApiFactory fake ? fake.Clock.GetUtcNow().UtcDateTime : DateTime.UtcNow;

    /// <summary>Stores a subscription of <paramref name="userId"/>; returns its id.</summary>
    public static async Task<string> SeedSubscriptionAsync(
        this ApiFactory api, string userId, string planId = "premium", string status = "active", DateTime? endDate = null, bool autoRenew = true,
        string? providerSubscriptionId = null, string billingPeriod = "monthly", double amount = 14.99, string currency = "USD", DateTime? graceUntil = null,
        DateTime? createdAt = null, string provider = "stripe")
    {
        var now = createdAt ?? api.ClockNow();
        var id = ObjectId.GenerateNewId();
        var document = new BsonDocument
        {
            ["_id"] = id,
            ["user_id"] = userId,
            ["plan_id"] = planId,
            ["status"] = status,
            ["start_date"] = now.AddDays(-10),
            ["end_date"] = endDate ?? now.AddDays(20),
            ["auto_renew"] = autoRenew,
            ["payment_method"] = provider,
            ["amount"] = amount,
            ["currency"] = currency,
            ["billing_period"] = billingPeriod,
            ["created_at"] = now,
            ["updated_at"] = now,
        };
        if (providerSubscriptionId is not null)
        {
            document["provider_subscription_id"] = providerSubscriptionId;
        }

        if (graceUntil is { } grace)
        {
            document["grace_until"] = grace;
        }

        await api.Raw("subscription").InsertOneAsync(document, cancellationToken: Http.Ct);
        return id.ToString();
    }

    /// <summary>Stores a transaction; returns its id.</summary>
    public static async Task<string> SeedTransactionAsync(
        this ApiFactory api, string userId, string type = "payment", double amount = 14.99, string currency = "USD", string status = "success",
        string? providerTransactionId = null, string? planId = "premium", DateTime? createdAt = null, string provider = "stripe", string? refundOf = null, double amountRefunded = 0)
    {
        var id = ObjectId.GenerateNewId();
        var document = new BsonDocument
        {
            ["_id"] = id,
            ["user_id"] = userId,
            ["amount"] = amount,
            ["currency"] = currency,
            ["transaction_type"] = type,
            ["status"] = status,
            ["payment_provider"] = provider,
            ["provider_transaction_id"] = providerTransactionId ?? StripePayloads.NewId(type == "refund" ? "re" : "pi"),
            ["created_at"] = createdAt ?? api.ClockNow(),
            ["amount_refunded"] = amountRefunded,
        };
        if (planId is not null)
        {
            document["plan_id"] = planId;
        }

        if (refundOf is not null)
        {
            document["refund_of"] = refundOf;
        }

        await api.Raw("transaction").InsertOneAsync(document, cancellationToken: Http.Ct);
        return id.ToString();
    }

    /// <summary>A subscription the fake Stripe knows, as a completed checkout leaves it; returns its id.</summary>
    public static string AddStripeSubscription(this PaymentsApiFactory api, string userId, string planId = "premium", string billingPeriod = "monthly", long unitAmount = 1499)
    {
        var now = api.Clock.GetUtcNow();
        var id = StripePayloads.NewId("sub");
        api.Stripe.AddSubscription(StripePayloads.Subscription(id, StripePayloads.NewId("cus"), userId, planId, billingPeriod, unitAmount, "USD", "active", now.AddDays(-10), now.AddDays(20)));
        return id;
    }

    public static async Task<BsonDocument> SubscriptionAsync(this ApiFactory api, string id) =>
        await api.Raw("subscription").Find(new BsonDocument("_id", ObjectId.Parse(id))).SingleAsync(Http.Ct);

    public static async Task<string?> TierAsync(this ApiFactory api, string userId)
    {
        var user = await api.Raw("user").Find(new BsonDocument("_id", ObjectId.Parse(userId))).SingleAsync(Http.Ct);
        return user.GetValue("subscription_tier", BsonNull.Value) is BsonString tier ? tier.Value : null;
    }

    public static async Task SetTierAsync(this ApiFactory api, string userId, string tier) =>
        await api.Raw("user").UpdateOneAsync(new BsonDocument("_id", ObjectId.Parse(userId)), new BsonDocument("$set", new BsonDocument("subscription_tier", tier)), cancellationToken: Http.Ct);

    public static async Task<List<BsonDocument>> AuditAsync(this ApiFactory api, string action, string resourceId) =>
        await api.Raw("auditlog").Find(new BsonDocument { ["action_type"] = action, ["resource_id"] = resourceId }).ToListAsync(Http.Ct);

    public static JsonArray ItemsOf(this JsonObject page) => page["items"]!.AsArray();
}
