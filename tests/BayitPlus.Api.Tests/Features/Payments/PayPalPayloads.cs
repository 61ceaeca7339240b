using System.Globalization;
using System.Text.Json.Nodes;

namespace BayitPlus.Api.Tests.Features.Payments;

/// <summary>PayPal-shaped resources and webhook events, as PayPal's Subscriptions and Payments v1
/// APIs send them (money as strings, times as ISO 8601 UTC).</summary>
public static class PayPalPayloads
{
    /// <summary>The PayPal plan ids the tests configure: one per plan, period and currency.</summary>
    public static string PlanId(string planId, string billingPeriod, string currency) => $"P-{planId.ToUpperInvariant()}-{billingPeriod[0]}-{currency}".ToUpperInvariant();

    public static string NewId(string prefix) => $"{prefix}{Guid.NewGuid():N}"[..(prefix.Length + 17)].ToUpperInvariant();

    public static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    public static string Money(decimal amount) => FakePayPal.Money(amount);

    /// <summary>A subscription as PayPal has it once approved: <paramref name="status"/>, the next
    /// billing time, the last payment, and a trial cycle still running when <paramref name="inTrial"/>.</summary>
    public static JsonObject Subscription(string id, string userId, string planId, string billingPeriod, string currency, string status, DateTimeOffset start,
        DateTimeOffset? nextBilling, decimal? lastPayment = null, bool inTrial = false, decimal outstanding = 0, int failedPayments = 0, string? paypalPlanId = null) => new()
    {
        ["id"] = id,
        ["plan_id"] = paypalPlanId ?? PlanId(planId, billingPeriod, currency),
        ["status"] = status,
        ["status_update_time"] = Time(start),
        ["start_time"] = Time(start),
        ["custom_id"] = $"{userId}:{planId}:{billingPeriod}:{currency}",
        ["quantity"] = "1",
        ["subscriber"] = new JsonObject { ["email_address"] = "buyer@example.com", ["payer_id"] = "PAYER" + id[2..] },
        ["billing_info"] = new JsonObject
        {
            ["outstanding_balance"] = new JsonObject { ["currency_code"] = currency, ["value"] = Money(outstanding) },
            ["cycle_executions"] = new JsonArray(
                new JsonObject { ["tenure_type"] = "TRIAL", ["sequence"] = 1, ["cycles_completed"] = inTrial ? 0 : 1, ["cycles_remaining"] = inTrial ? 1 : 0, ["total_cycles"] = 1 },
                new JsonObject { ["tenure_type"] = "REGULAR", ["sequence"] = 2, ["cycles_completed"] = lastPayment is null ? 0 : 1, ["cycles_remaining"] = 0, ["total_cycles"] = 0 }),
            ["last_payment"] = lastPayment is { } paid ? new JsonObject { ["amount"] = new JsonObject { ["currency_code"] = currency, ["value"] = Money(paid) }, ["time"] = Time(start) } : null,
            ["next_billing_time"] = nextBilling is { } next ? Time(next) : null,
            ["failed_payments_count"] = failedPayments,
        },
        ["create_time"] = Time(start),
        ["update_time"] = Time(start),
    };

    /// <summary>A completed sale of a subscription (the resource of <c>PAYMENT.SALE.COMPLETED</c>).</summary>
    public static JsonObject Sale(string id, string subscriptionId, decimal total, string currency, DateTimeOffset at) => new()
    {
        ["id"] = id,
        ["state"] = "completed",
        ["amount"] = new JsonObject { ["total"] = Money(total), ["currency"] = currency, ["details"] = new JsonObject { ["subtotal"] = Money(total) } },
        ["payment_mode"] = "INSTANT_TRANSFER",
        ["protection_eligibility"] = "ELIGIBLE",
        ["transaction_fee"] = new JsonObject { ["value"] = "0.59", ["currency"] = currency },
        ["billing_agreement_id"] = subscriptionId,
        ["create_time"] = Time(at),
        ["update_time"] = Time(at),
    };

    /// <summary>A refund of a sale (the resource of <c>PAYMENT.SALE.REFUNDED</c>).</summary>
    public static JsonObject SaleRefund(string id, string saleId, decimal total, string currency, DateTimeOffset at) => new()
    {
        ["id"] = id,
        ["state"] = "completed",
        ["amount"] = new JsonObject { ["total"] = Money(total), ["currency"] = currency },
        ["sale_id"] = saleId,
        ["parent_payment"] = "PAYID-" + saleId,
        ["create_time"] = Time(at),
        ["update_time"] = Time(at),
    };

    /// <summary>An event around <paramref name="resource"/>, serialized: the exact text to post.</summary>
    public static string Event(string type, JsonObject resource, DateTimeOffset created, string? id = null) => new JsonObject
    {
        ["id"] = id ?? NewId("WH-"),
        ["event_version"] = "1.0",
        ["create_time"] = Time(created),
        ["resource_type"] = type.StartsWith("BILLING.", StringComparison.Ordinal) ? "subscription" : type.EndsWith("REFUNDED", StringComparison.Ordinal) ? "refund" : "sale",
        ["resource_version"] = "2.0",
        ["event_type"] = type,
        ["summary"] = "An event for the tests",
        ["resource"] = resource.DeepClone(),
        ["links"] = new JsonArray(),
    }.ToJsonString();
}
