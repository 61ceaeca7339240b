using System.Text.Json.Nodes;

namespace BayitPlus.Api.Tests.Features.Payments;

/// <summary>Stripe-shaped objects and events as Stripe sends them at Stripe.net's API version
/// (<c>EventUtility.ConstructEvent</c> refuses an event of another version). Amounts are in minor units.</summary>
public static class StripePayloads
{
    public static string NewId(string prefix) => $"{prefix}_test_{Guid.NewGuid():N}";

    public static long Unix(DateTimeOffset time) => time.ToUnixTimeSeconds();

    /// <summary>An event around <paramref name="data"/>, serialized: the exact text to sign and post.</summary>
    public static string Event(string type, JsonObject data, DateTimeOffset created, string? id = null) => new JsonObject
    {
        ["id"] = id ?? NewId("evt"),
        ["object"] = "event",
        ["api_version"] = global::Stripe.StripeConfiguration.ApiVersion,
        ["created"] = Unix(created),
        ["type"] = type,
        ["livemode"] = false,
        ["pending_webhooks"] = 1,
        ["request"] = new JsonObject { ["id"] = null, ["idempotency_key"] = null },
        ["data"] = new JsonObject { ["object"] = data.DeepClone() },
    }.ToJsonString();

    public static JsonObject List(string url, params JsonObject[] items) => new()
    {
        ["object"] = "list",
        ["data"] = new JsonArray([.. items.Select(i => (JsonNode)i.DeepClone())]),
        ["has_more"] = false,
        ["url"] = url,
    };

    public static JsonObject Price(long unitAmount, string currency, string interval, string? product = null, string? id = null) => new()
    {
        ["id"] = id ?? NewId("price"),
        ["object"] = "price",
        ["active"] = true,
        ["currency"] = currency.ToLowerInvariant(),
        ["unit_amount"] = unitAmount,
        ["recurring"] = new JsonObject { ["interval"] = interval, ["interval_count"] = 1, ["usage_type"] = "licensed" },
        ["product"] = product ?? NewId("prod"),
        ["type"] = "recurring",
    };

    /// <summary>A completed checkout session that bought one <paramref name="priceAmount"/> price
    /// (default: <paramref name="amountTotal"/>) and charged <paramref name="amountTotal"/> (with tax,
    /// a discount, or 0 during a trial), its line items expanded.</summary>
    public static JsonObject CheckoutSession(string userId, string planId, string billingPeriod, string subscriptionId, string customerId, long amountTotal, string currency,
        string? id = null, long? priceAmount = null, string? priceId = null) => new()
    {
        ["id"] = id ?? NewId("cs"),
        ["amount_subtotal"] = amountTotal == 0 ? 0 : priceAmount ?? amountTotal,
        ["line_items"] = List("/v1/checkout/sessions/line_items", LineItem(priceAmount ?? amountTotal, currency, billingPeriod, priceId)),
        ["object"] = "checkout.session",
        ["mode"] = "subscription",
        ["status"] = "complete",
        ["payment_status"] = amountTotal == 0 ? "no_payment_required" : "paid",
        ["client_reference_id"] = userId,
        ["customer"] = customerId,
        ["subscription"] = subscriptionId,
        ["amount_total"] = amountTotal,
        ["currency"] = currency.ToLowerInvariant(),
        ["metadata"] = new JsonObject { ["planId"] = planId, ["billingPeriod"] = billingPeriod, ["userId"] = userId },
        ["livemode"] = false,
    };

    /// <summary>A checkout session's line item: one price, bought once.</summary>
    public static JsonObject LineItem(long priceAmount, string currency, string billingPeriod, string? priceId = null) => new()
    {
        ["id"] = NewId("li"),
        ["object"] = "item",
        ["quantity"] = 1,
        ["amount_subtotal"] = priceAmount,
        ["amount_total"] = priceAmount,
        ["currency"] = currency.ToLowerInvariant(),
        ["price"] = Price(priceAmount, currency, billingPeriod == "yearly" ? "year" : "month", id: priceId),
    };

    public static JsonObject Subscription(string id, string customerId, string userId, string planId, string billingPeriod, long unitAmount, string currency, string status,
        DateTimeOffset periodStart, DateTimeOffset periodEnd, DateTimeOffset? trialEnd = null, bool cancelAtPeriodEnd = false) => new()
    {
        ["id"] = id,
        ["object"] = "subscription",
        ["customer"] = customerId,
        ["status"] = status,
        ["cancel_at_period_end"] = cancelAtPeriodEnd,
        ["created"] = Unix(periodStart),
        ["start_date"] = Unix(periodStart),
        ["trial_end"] = trialEnd is { } t ? Unix(t) : null,
        ["currency"] = currency.ToLowerInvariant(),
        ["metadata"] = new JsonObject { ["planId"] = planId, ["billingPeriod"] = billingPeriod, ["userId"] = userId },
        ["items"] = List($"/v1/subscription_items?subscription={id}", new JsonObject
        {
            ["id"] = NewId("si"),
            ["object"] = "subscription_item",
            ["quantity"] = 1,
            ["current_period_start"] = Unix(periodStart),
            ["current_period_end"] = Unix(periodEnd),
            ["price"] = Price(unitAmount, currency, billingPeriod == "yearly" ? "year" : "month"),
        }),
        ["livemode"] = false,
    };

    /// <summary>An invoice of the subscription, paid (<c>invoice.paid</c>) or not
    /// (<c>invoice.payment_failed</c>), with the PaymentIntent that paid or tried to.</summary>
    public static JsonObject Invoice(string subscriptionId, string customerId, long amount, string currency, DateTimeOffset periodStart, DateTimeOffset periodEnd,
        string paymentIntentId, bool paid = true) => new()
    {
        ["id"] = NewId("in"),
        ["object"] = "invoice",
        ["customer"] = customerId,
        ["currency"] = currency.ToLowerInvariant(),
        ["status"] = paid ? "paid" : "open",
        ["billing_reason"] = "subscription_cycle",
        ["amount_due"] = amount,
        ["amount_paid"] = paid ? amount : 0,
        ["amount_remaining"] = paid ? 0 : amount,
        ["parent"] = new JsonObject
        {
            ["type"] = "subscription_details",
            ["subscription_details"] = new JsonObject { ["subscription"] = subscriptionId, ["metadata"] = new JsonObject() },
        },
        ["lines"] = List("/v1/invoices/lines", new JsonObject
        {
            ["id"] = NewId("il"),
            ["object"] = "line_item",
            ["amount"] = amount,
            ["currency"] = currency.ToLowerInvariant(),
            ["period"] = new JsonObject { ["start"] = Unix(periodStart), ["end"] = Unix(periodEnd) },
        }),
        ["payments"] = List("/v1/invoice_payments", new JsonObject
        {
            ["id"] = NewId("inpay"),
            ["object"] = "invoice_payment",
            ["is_default"] = true,
            ["status"] = paid ? "paid" : "open",
            ["amount_paid"] = paid ? amount : null,
            ["amount_requested"] = amount,
            ["currency"] = currency.ToLowerInvariant(),
            ["payment"] = new JsonObject { ["type"] = "payment_intent", ["payment_intent"] = paymentIntentId },
        }),
        ["livemode"] = false,
    };

    /// <summary>A charge of <paramref name="paymentIntentId"/> with its refunds so far.</summary>
    public static JsonObject Charge(string paymentIntentId, long amount, string currency, params (string Id, long Amount)[] refunds) => new()
    {
        ["id"] = NewId("ch"),
        ["object"] = "charge",
        ["amount"] = amount,
        ["amount_captured"] = amount,
        ["amount_refunded"] = refunds.Sum(r => r.Amount),
        ["currency"] = currency.ToLowerInvariant(),
        ["payment_intent"] = paymentIntentId,
        ["paid"] = true,
        ["captured"] = true,
        ["refunded"] = refunds.Sum(r => r.Amount) >= amount,
        ["status"] = "succeeded",
        ["refunds"] = List("/v1/refunds", [.. refunds.Select(r => new JsonObject
        {
            ["id"] = r.Id,
            ["object"] = "refund",
            ["amount"] = r.Amount,
            ["currency"] = currency.ToLowerInvariant(),
            ["payment_intent"] = paymentIntentId,
            ["status"] = "succeeded",
        })]),
        ["livemode"] = false,
    };
}
