using BayitPlus.Api.Infrastructure.Errors;

namespace BayitPlus.Api.Features.Payments;

/// <summary>One payment provider (Stripe, PayPal) behind the slice's seam: the use cases and the
/// webhook processor speak only this, and each provider turns it into its own API calls and its
/// own events into <see cref="PaymentEvent"/>s. Calls to an unconfigured provider throw
/// <see cref="ProviderNotConfiguredException"/> (503); a provider that refuses or cannot be
/// reached throws <see cref="ProviderUnavailableException"/> (502/503), never a bare 500.</summary>
public interface IPaymentProvider
{
    /// <summary><see cref="PaymentProviderNames"/>: stripe or paypal.</summary>
    string Name { get; }

    bool IsConfigured { get; }

    /// <summary>Creates a hosted checkout for a new subscription. The user id travels as the
    /// session's client reference and the plan and billing period in its metadata, so the
    /// completion event can be checked against the configured prices.</summary>
    Task<CheckoutSession> CreateCheckoutAsync(CheckoutOrder order, CancellationToken cancellationToken);

    /// <summary>Cancels at the end of the paid period (<paramref name="cancel"/> true) or undoes that
    /// (false); answers the subscription as the provider now has it.</summary>
    Task<ProviderSubscription> SetCancelAtPeriodEndAsync(string providerSubscriptionId, bool cancel, CancellationToken cancellationToken);

    /// <summary>Moves the subscription to another plan or billing period with the provider's
    /// proration; answers the subscription as the provider now has it.</summary>
    Task<ProviderSubscription> ChangePlanAsync(string providerSubscriptionId, PlanSelection selection, CancellationToken cancellationToken);

    /// <summary>Ends the subscription at the provider now, with no further charge (after a payment
    /// was given back in full). One the provider has already ended counts as done.</summary>
    Task CancelNowAsync(string providerSubscriptionId, CancellationToken cancellationToken);

    /// <summary>Asks the provider to refund a payment (all of it when <paramref name="amount"/> is
    /// null). The provider's refund event records the result. The same
    /// <paramref name="idempotencyKey"/> asked again is the same refund at the provider, never a second.</summary>
    Task<ProviderRefund> RefundAsync(string providerTransactionId, decimal? amount, string reason, string idempotencyKey, CancellationToken cancellationToken);

    /// <summary>Checks a webhook delivery's signature (and age) and reads its event. Throws
    /// <see cref="WebhookSignatureException"/> for a forged, stale or unsigned delivery.</summary>
    Task<PaymentEvent> ReadWebhookAsync(WebhookDelivery delivery, CancellationToken cancellationToken);
}

/// <summary>A plan, a billing period and a currency, checked against <see cref="PaymentsSettings.Plans"/>.</summary>
public sealed record PlanSelection(string PlanId, string BillingPeriod, string Currency, decimal Amount, string? ProviderPriceId, PaymentPlan Plan)
{
    /// <summary>
    /// Whether a checkout or subscription that bought <paramref name="items"/> bought this: one item,
    /// at the plan's configured provider price id when it has one, else at the configured amount
    /// before tax and discounts (unit price × quantity), in this currency. What was charged
    /// (a total with tax, a promotion code, nothing during a trial) says nothing about what was
    /// bought and is never compared.
    /// </summary>
    public bool IsBoughtBy(IReadOnlyList<PurchasedPrice> items) => items is [var item]
        && (item.Currency is null ? ProviderPriceId is not null : string.Equals(item.Currency, Currency, StringComparison.OrdinalIgnoreCase))
        && (ProviderPriceId is { } priceId ? item.PriceId == priceId : item.Amount == Amount);
}

/// <summary>One price a checkout or subscription bought: the provider's price (or plan) id, and its
/// amount before tax and discounts (unit price × quantity) in major units, when the provider says.</summary>
public sealed record PurchasedPrice(string? PriceId, decimal? Amount, string? Currency);

/// <summary>What a checkout sells, and to whom.</summary>
public sealed record CheckoutOrder(string UserId, string Email, PlanSelection Selection, int TrialDays, string SuccessUrl, string CancelUrl, string IdempotencyKey);

public sealed record CheckoutSession(string SessionId, Uri CheckoutUrl);

/// <summary>A subscription as the provider has it after a change.</summary>
public sealed record ProviderSubscription(string ProviderSubscriptionId, string Status, DateTime? CurrentPeriodEnd, bool CancelAtPeriodEnd, string? PlanId, string? BillingPeriod, decimal? Amount, string? Currency)
{
    /// <summary>Set when the change waits for the subscriber's approval at this provider page
    /// (a PayPal plan change): nothing changed yet, the provider's event will say when it does.</summary>
    public Uri? ApprovalUrl { get; init; }
}

public sealed record ProviderRefund(string ProviderRefundId, string Status, decimal Amount, string Currency);

/// <summary>A webhook request as received: the raw body (signatures cover its exact bytes) and headers.</summary>
public sealed record WebhookDelivery(string Body, IReadOnlyDictionary<string, string> Headers)
{
    /// <summary>The header's value, its name in any case; null when it is missing or blank.</summary>
    public string? Header(string name)
    {
        var value = Headers.TryGetValue(name, out var exact) ? exact : Headers.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value;
        return string.IsNullOrWhiteSpace(value) ? null : value;
    }
}

/// <summary>A provider event, in the slice's own terms. <see cref="OccurredAt"/> is the provider's
/// time of the event, used to refuse going back to an older state.</summary>
public abstract record PaymentEvent(string Provider, string EventId, string EventType, DateTime OccurredAt)
{
    /// <summary>The hosted checkout was paid (or its trial started): the subscription begins.
    /// <see cref="Amount"/> is what was charged now (0 during a trial, or with a promotion code);
    /// <see cref="Items"/> what was bought, which <see cref="PlanSelection.IsBoughtBy"/> checks
    /// against the plan; <see cref="TrialEnd"/> the end of the trial when the provider's event says
    /// so (PayPal's trial cycle; a Stripe session does not: its subscription's own event does).</summary>
    public sealed record CheckoutCompleted(
        string Provider, string EventId, string EventType, DateTime OccurredAt,
        string CheckoutSessionId, string? UserId, string? PlanId, string? BillingPeriod, string? ProviderSubscriptionId, string? ProviderCustomerId,
        decimal? Amount, string? Currency, IReadOnlyList<PurchasedPrice> Items, DateTime? TrialEnd)
        : PaymentEvent(Provider, EventId, EventType, OccurredAt);

    /// <summary>The provider created or changed a subscription (status, period, plan, renewal).
    /// <see cref="Items"/> are the subscription's prices, checked as a checkout's.</summary>
    public sealed record SubscriptionChanged(
        string Provider, string EventId, string EventType, DateTime OccurredAt,
        string ProviderSubscriptionId, string ProviderStatus, DateTime? CurrentPeriodStart, DateTime? CurrentPeriodEnd, DateTime? TrialEnd,
        bool CancelAtPeriodEnd, string? PlanId, string? BillingPeriod, decimal? Amount, string? Currency, string? UserId, IReadOnlyList<PurchasedPrice> Items)
        : PaymentEvent(Provider, EventId, EventType, OccurredAt);

    /// <summary>The subscription ended at the provider (canceled now, or at the end of its period).</summary>
    public sealed record SubscriptionEnded(string Provider, string EventId, string EventType, DateTime OccurredAt, string ProviderSubscriptionId)
        : PaymentEvent(Provider, EventId, EventType, OccurredAt);

    /// <summary>A payment for the subscription succeeded: a renewal extends the paid period.</summary>
    public sealed record PaymentSucceeded(
        string Provider, string EventId, string EventType, DateTime OccurredAt,
        string ProviderSubscriptionId, string ProviderTransactionId, decimal Amount, string Currency, DateTime? PeriodEnd)
        : PaymentEvent(Provider, EventId, EventType, OccurredAt);

    /// <summary>A payment for the subscription failed: past due, for the grace period.</summary>
    public sealed record PaymentFailed(
        string Provider, string EventId, string EventType, DateTime OccurredAt,
        string ProviderSubscriptionId, string? ProviderTransactionId, decimal Amount, string Currency)
        : PaymentEvent(Provider, EventId, EventType, OccurredAt);

    /// <summary>A payment was refunded, fully or in part. <see cref="Refunds"/> are the provider's
    /// refunds of it so far (each recorded once); <see cref="FullyRefunded"/> ends the subscription.</summary>
    public sealed record PaymentRefunded(
        string Provider, string EventId, string EventType, DateTime OccurredAt,
        string ProviderTransactionId, IReadOnlyList<ProviderRefund> Refunds, decimal AmountRefunded, bool FullyRefunded, string Currency)
        : PaymentEvent(Provider, EventId, EventType, OccurredAt);

    /// <summary>An event the slice does not act on; acknowledged so the provider stops sending it.</summary>
    public sealed record Ignored(string Provider, string EventId, string EventType, DateTime OccurredAt)
        : PaymentEvent(Provider, EventId, EventType, OccurredAt);
}

/// <summary>A webhook delivery whose signature is missing, wrong or too old. Answered 400.</summary>
public sealed class WebhookSignatureException : ApiException
{
    public WebhookSignatureException(string detail)
        : base(StatusCodes.Status400BadRequest, "Invalid webhook signature", detail) => Type = PaymentProblems.WebhookSignatureInvalid;
}

/// <summary>A delivery signed by the provider, in an API version this build does not read. Answered
/// 400 (not 200): the provider keeps delivering it until the deployment reads that version.</summary>
public sealed class WebhookApiVersionMismatchException : ApiException
{
    /// <summary>The security event recorded (medium): a configuration fault, not a forgery.</summary>
    public const string SecurityEventType = "webhook_api_version_mismatch";

    public WebhookApiVersionMismatchException(string? eventVersion, string expectedVersion)
        : base(StatusCodes.Status400BadRequest, "Webhook API version mismatch",
            $"The event has API version {eventVersion ?? "(none)"}; this deployment reads {expectedVersion}.") =>
        (Type, EventVersion) = (PaymentProblems.WebhookApiVersionMismatch, eventVersion);

    public string? EventVersion { get; }
}

public sealed class ProviderNotConfiguredException : ApiException
{
    public ProviderNotConfiguredException(string provider)
        : base(StatusCodes.Status503ServiceUnavailable, "Payment provider not configured", $"Payments through {provider} are not configured in this deployment.") =>
        Type = PaymentProblems.ProviderNotConfigured;
}

/// <summary>The provider refused the call or could not be reached. The detail never carries the
/// provider's own message, which may name keys or internal ids; <see cref="Reason"/> (for the
/// records of a job that gives up) has only the HTTP status and the provider's error type and code.</summary>
public sealed class ProviderUnavailableException : ApiException
{
    public ProviderUnavailableException(string provider)
        : base(StatusCodes.Status502BadGateway, "Payment provider error", $"{provider} did not complete the request; nothing was changed. Try again later.") =>
        Type = PaymentProblems.ProviderError;

    /// <summary>Whether asking again can help: <see cref="ProviderFailure.Transient"/> unless the provider answered otherwise.</summary>
    public ProviderFailure Failure { get; init; }

    public string? Reason { get; init; }
}

/// <summary>What a provider's failure means for a caller that would ask again (<see cref="ProviderCancellationJob"/>).</summary>
public enum ProviderFailure
{
    /// <summary>The network, a timeout, the provider's 5xx, 429 (rate limit), 408 or 409 (a
    /// concurrent request), or 401/403 (this deployment's credentials, fixed in its settings): asking
    /// again later can succeed.</summary>
    Transient,

    /// <summary>What the call acts on is already as asked (Stripe's <c>charge_already_refunded</c>):
    /// there is nothing left to do.</summary>
    AlreadyDone,

    /// <summary>The provider does not know what the call acts on (404, Stripe's <c>resource_missing</c>).
    /// Stripe keeps cancelled subscriptions and every payment intent, so for a record this API stored
    /// it usually means another account, mode or key: never proof that the call's effect happened.</summary>
    Missing,

    /// <summary>Any other 4xx: the provider refuses this request and will refuse it again.</summary>
    Refused,
}

public static class ProviderFailures
{
    /// <summary>The one reading of a provider's HTTP status (see <see cref="ProviderFailure"/>).</summary>
    public static ProviderFailure FromStatus(int status) => status switch
    {
        404 => ProviderFailure.Missing,
        401 or 403 or 408 or 409 or 429 => ProviderFailure.Transient,
        >= 400 and < 500 => ProviderFailure.Refused,
        _ => ProviderFailure.Transient,
    };
}

public static class PaymentProblems
{
    public const string WebhookSignatureInvalid = "urn:bayitplus:problem:webhook-signature-invalid";
    public const string WebhookApiVersionMismatch = "urn:bayitplus:problem:webhook-api-version-mismatch";
    public const string ProviderNotConfigured = "urn:bayitplus:problem:payment-provider-not-configured";
    public const string ProviderError = "urn:bayitplus:problem:payment-provider-error";
    public const string ActiveSubscription = "urn:bayitplus:problem:subscription-active";
}
