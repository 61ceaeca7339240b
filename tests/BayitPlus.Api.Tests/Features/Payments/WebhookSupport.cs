using System.Net;
using System.Text.Json.Nodes;
using BayitPlus.Api.Tests.Support;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Tests.Features.Payments;

/// <summary>One Stripe customer of a test: an account of its own, its subscription and customer ids,
/// and the events Stripe would send about them, at the times a test chooses.</summary>
public sealed class StripeCustomer(string userId, string planId = "basic", string billingPeriod = "monthly", string currency = "USD", long amount = 999)
{
    public string UserId { get; } = userId;

    public string PlanId { get; } = planId;

    public long Amount { get; } = amount;

    public string Currency { get; } = currency;

    public string SubscriptionId { get; } = StripePayloads.NewId("sub");

    public string CustomerId { get; } = StripePayloads.NewId("cus");

    /// <summary>The checkout of this customer's price (<paramref name="priceAmount"/> to buy another),
    /// charging <paramref name="amountTotal"/> (default: the price; 0 for a trial).</summary>
    public string CheckoutCompleted(DateTimeOffset at, long? amountTotal = null, string? planId = null, string? billingPeriod = null, string? id = null, long? priceAmount = null)
    {
        var session = StripePayloads.CheckoutSession(UserId, planId ?? PlanId, billingPeriod ?? BillingPeriod, SubscriptionId, CustomerId, amountTotal ?? priceAmount ?? Amount, Currency,
            priceAmount: priceAmount ?? Amount);
        return StripePayloads.Event("checkout.session.completed", session, at, id);
    }

    public string BillingPeriod { get; } = billingPeriod;

    public string Subscription(string type, string status, DateTimeOffset at, DateTimeOffset periodStart, DateTimeOffset periodEnd, bool cancelAtPeriodEnd = false,
        DateTimeOffset? trialEnd = null, string? planId = null, long? amount = null, string? id = null) =>
        StripePayloads.Event(type, StripePayloads.Subscription(SubscriptionId, CustomerId, UserId, planId ?? PlanId, BillingPeriod, amount ?? Amount, Currency, status,
            periodStart, periodEnd, trialEnd, cancelAtPeriodEnd), at, id);

    public string InvoicePaid(DateTimeOffset at, DateTimeOffset periodStart, DateTimeOffset periodEnd, string paymentIntentId, long? amount = null) =>
        StripePayloads.Event("invoice.paid", StripePayloads.Invoice(SubscriptionId, CustomerId, amount ?? Amount, Currency, periodStart, periodEnd, paymentIntentId), at);

    public string InvoiceFailed(DateTimeOffset at, DateTimeOffset periodStart, DateTimeOffset periodEnd, string paymentIntentId) =>
        StripePayloads.Event("invoice.payment_failed", StripePayloads.Invoice(SubscriptionId, CustomerId, Amount, Currency, periodStart, periodEnd, paymentIntentId, paid: false), at);

    public string ChargeRefunded(DateTimeOffset at, string paymentIntentId, params (string Id, long Amount)[] refunds) =>
        StripePayloads.Event("charge.refunded", StripePayloads.Charge(paymentIntentId, Amount, Currency, refunds), at);
}

/// <summary>Reads of what the webhooks stored, in raw BSON so the assertions name the stored fields.</summary>
public static class WebhookSupport
{
    /// <summary>A new account and a Stripe customer of it.</summary>
    public static async Task<StripeCustomer> NewCustomerAsync(this PaymentsApiFactory api, string planId = "basic", string billingPeriod = "monthly", string currency = "USD",
        long amount = 999) => new((await api.SignUpAsync()).Id, planId, billingPeriod, currency, amount);

    /// <summary>Posts the signed event and asserts a 200 receipt; returns its <c>duplicate</c>.</summary>
    public static async Task<bool> DeliverAsync(this PaymentsApiFactory api, string payload, DateTimeOffset? signedAt = null)
    {
        var response = await api.PostStripeEventAsync(payload, signedAt);
        var body = await response.Content.ReadAsStringAsync(Http.Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"expected 200, got {(int)response.StatusCode}: {body}");
        var receipt = JsonNode.Parse(body)!.AsObject();
        Assert.Equal(["duplicate", "received"], receipt.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.True(receipt["received"]!.GetValue<bool>());
        return receipt["duplicate"]!.GetValue<bool>();
    }

    public static async Task<List<BsonDocument>> SubscriptionsAsync(this ApiFactory api, StripeCustomer customer) =>
        await api.Raw("subscription").Find(new BsonDocument("provider_subscription_id", customer.SubscriptionId)).ToListAsync(Http.Ct);

    public static async Task<BsonDocument> SubscriptionAsync(this ApiFactory api, StripeCustomer customer) =>
        Assert.Single(await api.SubscriptionsAsync(customer));

    public static async Task<List<BsonDocument>> TransactionsAsync(this ApiFactory api, StripeCustomer customer) =>
        await api.Raw("transaction").Find(new BsonDocument("user_id", customer.UserId)).Sort(new BsonDocument("created_at", 1)).ToListAsync(Http.Ct);

    /// <summary>The account's <c>subscription_tier</c>, null when unset (free).</summary>
    public static async Task<string?> TierAsync(this ApiFactory api, StripeCustomer customer)
    {
        var user = await api.Raw("user").Find(new BsonDocument("_id", ObjectId.Parse(customer.UserId))).SingleAsync(Http.Ct);
        return user.TryGetValue("subscription_tier", out var tier) && !tier.IsBsonNull ? tier.AsString : null;
    }

    public static async Task<List<BsonDocument>> AuditRecordsAsync(this ApiFactory api, string resourceId) =>
        await api.Raw("auditlog").Find(new BsonDocument("resource_id", resourceId)).ToListAsync(Http.Ct);

    public static async Task<bool> MarkerExistsAsync(this ApiFactory api, string eventId) =>
        await api.Raw("paymentwebhookevent").Find(new BsonDocument("_id", $"stripe:{eventId}")).AnyAsync(Http.Ct);

    public static string EventId(string payload) => JsonNode.Parse(payload)!["id"]!.GetValue<string>();

    public static DateTime Utc(DateTimeOffset time) => DateTimeOffset.FromUnixTimeSeconds(time.ToUnixTimeSeconds()).UtcDateTime;
}
