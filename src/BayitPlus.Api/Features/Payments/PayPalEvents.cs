using System.Text.Json;

namespace BayitPlus.Api.Features.Payments;

/// <summary>What a PayPal subscription's <c>custom_id</c> carries: who subscribed to which plan,
/// billing period and currency, written at checkout (<c>&lt;user id&gt;:&lt;plan&gt;:&lt;period&gt;:&lt;currency&gt;</c>,
/// at most 77 of PayPal's 127 characters). Only this API sets it, through its own credentials, so
/// an event PayPal signed carries it as written.</summary>
public sealed record PayPalCustomId(string UserId, string PlanId, string BillingPeriod, string Currency)
{
    public override string ToString() => $"{UserId}:{PlanId}:{BillingPeriod}:{Currency}";

    public static PayPalCustomId? Parse(string? value)
    {
        var parts = value?.Split(':');
        return parts is [{ Length: > 0 } user, { Length: > 0 } plan, var period, { Length: 3 } currency] && BillingPeriods.All.Contains(period)
            ? new PayPalCustomId(user, plan, period, currency)
            : null;
    }
}

/// <summary>A PayPal subscription resource (from an event or a GET) in the slice's terms. PayPal's
/// statuses become the words the processor knows from Stripe: <c>ACTIVE</c> is <c>active</c>
/// (<c>trialing</c> during a trial cycle, <c>past_due</c> while a payment is outstanding),
/// <c>APPROVAL_PENDING</c>/<c>APPROVED</c> are <c>incomplete</c> (not yet a subscription: see
/// <see cref="IsPendingApproval"/>), <c>SUSPENDED</c> is <c>past_due</c> after failed payments, and
/// <c>CANCELLED</c> (or <c>SUSPENDED</c> by the merchant) is <c>active</c> with
/// <see cref="CancelAtPeriodEnd"/>: PayPal has no cancellation at period end, so a cancellation
/// (ours, or the subscriber's in their PayPal account) stops the renewals and the paid period runs
/// out here. <c>EXPIRED</c> (every cycle billed) is the end. Any other status is <c>incomplete</c>,
/// which the processor applies as nothing (no subscription, no tier).</summary>
public sealed record PayPalSubscription(
    string Id, string PayPalStatus, string Status, DateTime? PeriodStart, DateTime? PeriodEnd, DateTime? TrialEnd, bool CancelAtPeriodEnd,
    PlanSelection? Plan, PayPalCustomId? CustomId, string? PayerId, decimal? LastPaymentAmount, string? LastPaymentCurrency, string? PayPalPlanId)
{
    public const string Active = "ACTIVE";
    public const string Suspended = "SUSPENDED";
    public const string Cancelled = "CANCELLED";
    public const string Expired = "EXPIRED";

    public string? PlanId => Plan?.PlanId ?? CustomId?.PlanId;

    public string? BillingPeriod => Plan?.BillingPeriod ?? CustomId?.BillingPeriod;

    public string? Currency => Plan?.Currency ?? CustomId?.Currency;

    /// <summary>Created by a checkout, not yet approved by the user: nothing to apply until
    /// PayPal activates it.</summary>
    public bool IsPendingApproval => PayPalStatus is "APPROVAL_PENDING" or "APPROVED";

    public bool InTrial => TrialEnd is not null;

    /// <summary>Null when the resource has no id (not a subscription).</summary>
    public static PayPalSubscription? Read(JsonElement resource, PlanCatalog catalog)
    {
        if (PayPalJson.String(resource, "id") is not { Length: > 0 } id)
        {
            return null;
        }

        var status = PayPalJson.String(resource, "status") ?? "";
        var owing = PayPalJson.Money(resource, "billing_info", "outstanding_balance", "value") > 0;
        var failed = PayPalJson.Number(resource, "billing_info", "failed_payments_count") > 0;
        var nextBilling = PayPalJson.Time(resource, "billing_info", "next_billing_time");
        var inTrial = TrialCycleRunning(resource);
        var normalized = status switch
        {
            Active when owing => "past_due",
            Active when inTrial => "trialing",
            Active => "active",
            Suspended or Cancelled when owing || failed => "past_due",
            Suspended or Cancelled => "active",
            Expired => "canceled",
            _ => "incomplete",
        };
        var paypalPlanId = PayPalJson.String(resource, "plan_id");
        var plan = paypalPlanId is not null ? catalog.FindByProviderPriceId(PaymentProviderNames.PayPal, paypalPlanId) : null;
        return new PayPalSubscription(
            id, status, normalized,
            PayPalJson.Time(resource, "billing_info", "last_payment", "time") ?? PayPalJson.Time(resource, "start_time"),
            status is Cancelled or Expired ? null : nextBilling,
            inTrial ? nextBilling : null,
            status is Cancelled or Suspended,
            plan,
            PayPalCustomId.Parse(PayPalJson.String(resource, "custom_id")),
            PayPalJson.String(resource, "subscriber", "payer_id"),
            PayPalJson.Money(resource, "billing_info", "last_payment", "amount", "value"),
            PayPalJson.String(resource, "billing_info", "last_payment", "amount", "currency_code"),
            paypalPlanId);
    }

    /// <summary>What the subscription bills: its PayPal plan (the provider price id), at the price
    /// configured for it here when it is one of ours.</summary>
    public IReadOnlyList<PurchasedPrice> Items => PayPalPlanId is { } planId ? [new PurchasedPrice(planId, Plan?.Amount, Plan?.Currency)] : [];

    public ProviderSubscription ToProviderSubscription(Uri? approvalUrl = null) =>
        new(Id, Status, PeriodEnd ?? TrialEnd, CancelAtPeriodEnd, PlanId, BillingPeriod, Plan?.Amount, Currency) { ApprovalUrl = approvalUrl };

    /// <summary>A trial cycle that has cycles left is the one running (PayPal bills trial cycles first).</summary>
    private static bool TrialCycleRunning(JsonElement resource)
    {
        if (PayPalJson.Member(resource, "billing_info", "cycle_executions") is not { ValueKind: JsonValueKind.Array } cycles)
        {
            return false;
        }

        return cycles.EnumerateArray().Any(cycle => PayPalJson.String(cycle, "tenure_type") == "TRIAL" && PayPalJson.Number(cycle, "cycles_remaining") > 0);
    }
}

/// <summary>The amount and state of a sale or capture a refund event gives back, looked up from
/// PayPal because the event carries only the one refund.</summary>
public sealed record PayPalRefundedPayment(decimal Total, bool FullyRefunded);

/// <summary>PayPal webhook events in the slice's terms (pure: what needs PayPal's API is looked up
/// by <see cref="PayPalPaymentProvider"/> and passed in).</summary>
public static class PayPalEvents
{
    public const string SubscriptionCreated = "BILLING.SUBSCRIPTION.CREATED";
    public const string SubscriptionActivated = "BILLING.SUBSCRIPTION.ACTIVATED";
    public const string SubscriptionUpdated = "BILLING.SUBSCRIPTION.UPDATED";
    public const string SubscriptionSuspended = "BILLING.SUBSCRIPTION.SUSPENDED";
    public const string SubscriptionReactivated = "BILLING.SUBSCRIPTION.RE-ACTIVATED";
    public const string SubscriptionCancelled = "BILLING.SUBSCRIPTION.CANCELLED";
    public const string SubscriptionExpired = "BILLING.SUBSCRIPTION.EXPIRED";
    public const string SubscriptionPaymentFailed = "BILLING.SUBSCRIPTION.PAYMENT.FAILED";
    public const string SaleCompleted = "PAYMENT.SALE.COMPLETED";
    public const string SaleRefunded = "PAYMENT.SALE.REFUNDED";
    public const string CaptureRefunded = "PAYMENT.CAPTURE.REFUNDED";

    /// <summary>The envelope every PayPal event has; null when the body is not one.</summary>
    public static (string Id, string Type, DateTime CreatedAt, JsonElement Resource)? Envelope(JsonElement root) =>
        PayPalJson.String(root, "id") is { Length: > 0 } id && PayPalJson.String(root, "event_type") is { Length: > 0 } type
            && PayPalJson.Time(root, "create_time") is { } created && PayPalJson.Member(root, "resource") is { ValueKind: JsonValueKind.Object } resource
            ? (id, type, created, resource)
            : null;

    /// <summary>The id of the payment a refund event gives back: a sale's <c>sale_id</c>, or the
    /// capture its <c>up</c> link names.</summary>
    public static string? RefundedPaymentId(string type, JsonElement resource) => type switch
    {
        SaleRefunded => PayPalJson.String(resource, "sale_id"),
        CaptureRefunded => PayPalJson.Link(resource, "up") is { } up && Uri.TryCreate(up, UriKind.Absolute, out var uri) ? uri.Segments[^1].TrimEnd('/') : null,
        _ => null,
    };

    /// <summary>Maps a verified event. <paramref name="subscription"/> is the subscription a sale
    /// paid, as PayPal has it now (its next billing time is the end of the period paid);
    /// <paramref name="refunded"/> the payment a refund gives back.</summary>
    public static PaymentEvent Map(JsonElement root, PlanCatalog catalog, PayPalSubscription? subscription = null, PayPalRefundedPayment? refunded = null)
    {
        var (id, type, at, resource) = Envelope(root) ?? throw new ArgumentException("Not a PayPal event.", nameof(root));
        const string provider = PaymentProviderNames.PayPal;
        PaymentEvent ignored = new PaymentEvent.Ignored(provider, id, type, at);
        switch (type)
        {
            case SubscriptionActivated:
                {
                    if (PayPalSubscription.Read(resource, catalog) is not { } activated)
                    {
                        return ignored;
                    }

                    // As a Stripe checkout: what was charged now (nothing during a trial), and, checked
                    // against the plan the checkout wrote in custom_id, the PayPal plan it bills.
                    var amount = activated.InTrial ? 0m : activated.LastPaymentAmount ?? activated.Plan?.Amount;
                    var ordered = activated.CustomId;
                    return new PaymentEvent.CheckoutCompleted(
                        provider, id, type, at, activated.Id, ordered?.UserId, ordered?.PlanId ?? activated.PlanId, ordered?.BillingPeriod ?? activated.BillingPeriod, activated.Id,
                        activated.PayerId, amount, ordered?.Currency ?? activated.LastPaymentCurrency ?? activated.Currency, activated.Items, activated.TrialEnd);
                }

            case SubscriptionCreated or SubscriptionUpdated or SubscriptionSuspended or SubscriptionReactivated or SubscriptionCancelled:
                {
                    if (PayPalSubscription.Read(resource, catalog) is not { } changed || changed.IsPendingApproval)
                    {
                        return ignored;
                    }

                    return new PaymentEvent.SubscriptionChanged(
                        provider, id, type, at, changed.Id, changed.Status, changed.PeriodStart, changed.PeriodEnd, changed.TrialEnd, changed.CancelAtPeriodEnd,
                        changed.PlanId, changed.BillingPeriod, changed.Plan?.Amount, changed.Currency, changed.CustomId?.UserId, changed.Items);
                }

            case SubscriptionExpired:
                return PayPalJson.String(resource, "id") is { Length: > 0 } expired ? new PaymentEvent.SubscriptionEnded(provider, id, type, at, expired) : ignored;

            case SubscriptionPaymentFailed:
                {
                    if (PayPalSubscription.Read(resource, catalog) is not { } owing)
                    {
                        return ignored;
                    }

                    var amount = PayPalJson.Money(resource, "billing_info", "last_failed_payment", "amount", "value")
                        ?? PayPalJson.Money(resource, "billing_info", "outstanding_balance", "value") ?? owing.Plan?.Amount ?? 0m;
                    var currency = PayPalJson.String(resource, "billing_info", "last_failed_payment", "amount", "currency_code")
                        ?? PayPalJson.String(resource, "billing_info", "outstanding_balance", "currency_code") ?? owing.Currency;
                    return currency is null ? ignored : new PaymentEvent.PaymentFailed(provider, id, type, at, owing.Id, null, amount, currency);
                }

            case SaleCompleted:
                {
                    // A sale without a billing agreement is a one-time payment, not one of ours.
                    if (PayPalJson.String(resource, "billing_agreement_id") is not { Length: > 0 } subscriptionId || PayPalJson.String(resource, "id") is not { Length: > 0 } saleId
                        || PayPalJson.Money(resource, "amount", "total") is not { } amount || PayPalJson.String(resource, "amount", "currency") is not { } currency)
                    {
                        return ignored;
                    }

                    return new PaymentEvent.PaymentSucceeded(provider, id, type, at, subscriptionId, saleId, amount, currency, subscription?.PeriodEnd);
                }

            case SaleRefunded or CaptureRefunded:
                {
                    var isSale = type == SaleRefunded;
                    if (RefundedPaymentId(type, resource) is not { Length: > 0 } paymentId || PayPalJson.String(resource, "id") is not { Length: > 0 } refundId
                        || PayPalJson.Money(resource, "amount", isSale ? "total" : "value") is not { } amount
                        || PayPalJson.String(resource, "amount", isSale ? "currency" : "currency_code") is not { } currency)
                    {
                        return ignored;
                    }

                    var refund = new ProviderRefund(refundId, RefundStatus(PayPalJson.String(resource, isSale ? "state" : "status")), amount, currency);
                    var totalRefunded = (isSale ? PayPalJson.Money(resource, "total_refunded_amount", "value") : PayPalJson.Money(resource, "seller_payable_breakdown", "total_refunded_amount", "value"))
                        ?? (refunded is { FullyRefunded: true } ? refunded.Total : amount);
                    var fully = refunded?.FullyRefunded ?? false;
                    return new PaymentEvent.PaymentRefunded(provider, id, type, at, paymentId, [refund], totalRefunded, fully, currency);
                }

            default:
                return ignored;
        }
    }

    /// <summary>A refund's state in Stripe's words, which the processor knows (a failed or
    /// cancelled refund is not recorded; it updates a refund recorded as pending).</summary>
    public static string RefundStatus(string? state) => state?.ToUpperInvariant() switch
    {
        "COMPLETED" => "succeeded",
        "PENDING" => "pending",
        "CANCELLED" => "canceled",
        "FAILED" => "failed",
        _ => "pending",
    };
}
