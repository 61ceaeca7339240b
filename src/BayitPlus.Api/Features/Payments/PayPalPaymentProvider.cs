using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using BayitPlus.Api.Infrastructure.Errors;
using FluentValidation;
using FluentValidation.Results;

namespace BayitPlus.Api.Features.Payments;

/// <summary>PayPal behind the provider seam, through its REST API (there is no maintained official
/// .NET SDK for Subscriptions): a checkout is a PayPal subscription the user approves at PayPal,
/// its events are verified by PayPal's own verify-webhook-signature call. PayPal has no
/// cancellation at period end: cancelling cancels at PayPal (no further charge) and the paid
/// period runs out here; it cannot be undone (409), the user subscribes again once it ended. A plan
/// change is PayPal's revise, which the subscriber approves at PayPal
/// (<see cref="ProviderSubscription.ApprovalUrl"/>).</summary>
public sealed class PayPalPaymentProvider(PaymentsSettings settings, PayPalClient client, PlanCatalog catalog, TimeProvider time) : IPaymentProvider
{
    /// <summary>The transmission headers PayPal signs a delivery with, in the names its
    /// verify-webhook-signature call takes them.</summary>
    private static readonly (string Header, string Field)[] TransmissionHeaders =
    [
        ("PAYPAL-AUTH-ALGO", "auth_algo"),
        ("PAYPAL-CERT-URL", "cert_url"),
        ("PAYPAL-TRANSMISSION-ID", "transmission_id"),
        ("PAYPAL-TRANSMISSION-SIG", "transmission_sig"),
        ("PAYPAL-TRANSMISSION-TIME", "transmission_time"),
    ];

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>PayPal keeps <c>PayPal-Request-Id</c>s of at most this length on every API used.</summary>
    private const int MaxRequestIdLength = 38;

    public string Name => PaymentProviderNames.PayPal;

    public bool IsConfigured => settings.PayPal.IsConfigured;

    public async Task<CheckoutSession> CreateCheckoutAsync(CheckoutOrder order, CancellationToken cancellationToken)
    {
        this.EnsureConfigured();
        var selection = order.Selection;
        var planId = PayPalPlanId(selection, "provider");
        var body = JsonSerializer.Serialize(
            new
            {
                PlanId = planId,
                CustomId = new PayPalCustomId(order.UserId, selection.PlanId, selection.BillingPeriod, selection.Currency).ToString(),
                Subscriber = order.Email.Contains('@', StringComparison.Ordinal) ? new { EmailAddress = order.Email } : null,
                ApplicationContext = new
                {
                    UserAction = "SUBSCRIBE_NOW",
                    ShippingPreference = "NO_SHIPPING",
                    ReturnUrl = order.SuccessUrl,
                    CancelUrl = order.CancelUrl,
                },
            },
            Json);
        var created = await client.SendAsync(HttpMethod.Post, "/v1/billing/subscriptions", body, RequestId(order.IdempotencyKey), cancellationToken);
        if (PayPalJson.String(created, "id") is not { Length: > 0 } subscriptionId || ApprovalLink(created) is not { } approve)
        {
            throw PayPalClient.Unavailable();
        }

        return new CheckoutSession(subscriptionId, approve);
    }

    public async Task<ProviderSubscription> SetCancelAtPeriodEndAsync(string providerSubscriptionId, bool cancel, CancellationToken cancellationToken)
    {
        this.EnsureConfigured();
        var current = await GetSubscriptionAsync(providerSubscriptionId, cancellationToken);
        if (cancel)
        {
            if (current.PayPalStatus is PayPalSubscription.Cancelled or PayPalSubscription.Expired)
            {
                return current.ToProviderSubscription();
            }

            await client.SendAsync(HttpMethod.Post, $"/v1/billing/subscriptions/{Segment(providerSubscriptionId)}/cancel",
                JsonSerializer.Serialize(new { Reason = "Cancelled by the subscriber at the end of the paid period." }, Json), null, cancellationToken);

            // Cancelled, PayPal no longer says when the paid period ends: it is the next billing
            // time it had before.
            return current.ToProviderSubscription() with { CancelAtPeriodEnd = true };
        }

        switch (current.PayPalStatus)
        {
            case PayPalSubscription.Cancelled or PayPalSubscription.Expired:
                throw new SubscriptionNotResumableException();
            case PayPalSubscription.Suspended:
                await client.SendAsync(HttpMethod.Post, $"/v1/billing/subscriptions/{Segment(providerSubscriptionId)}/activate",
                    JsonSerializer.Serialize(new { Reason = "Resumed by the subscriber." }, Json), null, cancellationToken);
                return (await GetSubscriptionAsync(providerSubscriptionId, cancellationToken)).ToProviderSubscription();
            default:
                return current.ToProviderSubscription();
        }
    }

    public async Task CancelNowAsync(string providerSubscriptionId, CancellationToken cancellationToken)
    {
        this.EnsureConfigured();
        var current = await GetSubscriptionAsync(providerSubscriptionId, cancellationToken);
        if (current.PayPalStatus is not (PayPalSubscription.Cancelled or PayPalSubscription.Expired))
        {
            await client.SendAsync(HttpMethod.Post, $"/v1/billing/subscriptions/{Segment(providerSubscriptionId)}/cancel",
                JsonSerializer.Serialize(new { Reason = "The payment was refunded in full." }, Json), null, cancellationToken);
        }
    }

    public async Task<ProviderSubscription> ChangePlanAsync(string providerSubscriptionId, PlanSelection selection, CancellationToken cancellationToken)
    {
        this.EnsureConfigured();
        var planId = PayPalPlanId(selection, "planId");
        var body = JsonSerializer.Serialize(
            new
            {
                PlanId = planId,
                ApplicationContext = new { ShippingPreference = "NO_SHIPPING", ReturnUrl = settings.SuccessUrl, CancelUrl = settings.CancelUrl },
            },
            Json);
        var revised = await client.SendAsync(HttpMethod.Post, $"/v1/billing/subscriptions/{Segment(providerSubscriptionId)}/revise", body, null, cancellationToken);
        var current = await GetSubscriptionAsync(providerSubscriptionId, cancellationToken);
        return current.ToProviderSubscription(ApprovalLink(revised));
    }

    public async Task<ProviderRefund> RefundAsync(string providerTransactionId, decimal? amount, string reason, string idempotencyKey, CancellationToken cancellationToken)
    {
        this.EnsureConfigured();
        var path = $"/v1/payments/sale/{Segment(providerTransactionId)}";
        object request = new { Description = Truncate(reason, 255) };
        if (amount is { } partial)
        {
            // A partial refund names its currency, which only the sale knows.
            var sale = await client.SendAsync(HttpMethod.Get, path, null, null, cancellationToken);
            var currency = PayPalJson.String(sale, "amount", "currency") ?? throw PayPalClient.Unavailable();
            request = new { Amount = new { Total = Currencies.Format(partial, currency), Currency = currency }, Description = Truncate(reason, 255) };
        }

        // The caller's key as PayPal-Request-Id: the client's own retry of this call (a renewed token)
        // and the caller's retry stay one refund at PayPal.
        var key = RequestId(idempotencyKey);
        var refund = await client.SendAsync(HttpMethod.Post, $"{path}/refund", JsonSerializer.Serialize(request, Json), key, cancellationToken);
        if (PayPalJson.String(refund, "id") is not { Length: > 0 } refundId || PayPalJson.Money(refund, "amount", "total") is not { } refundedAmount
            || PayPalJson.String(refund, "amount", "currency") is not { } refundCurrency)
        {
            throw PayPalClient.Unavailable();
        }

        return new ProviderRefund(refundId, PayPalEvents.RefundStatus(PayPalJson.String(refund, "state")), refundedAmount, refundCurrency);
    }

    public async Task<PaymentEvent> ReadWebhookAsync(WebhookDelivery delivery, CancellationToken cancellationToken)
    {
        this.EnsureConfigured();
        var transmission = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (header, field) in TransmissionHeaders)
        {
            transmission[field] = delivery.Header(header) ?? throw new WebhookSignatureException($"The {header} header is missing: this is not a PayPal delivery.");
        }

        if (!DateTimeOffset.TryParse(transmission["transmission_time"], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var sentAt)
            || (time.GetUtcNow() - sentAt).Duration() > settings.PayPal.WebhookTolerance)
        {
            throw new WebhookSignatureException("The PayPal transmission is too old (or dated in the future): a replay is refused.");
        }

        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(delivery.Body);
            root = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            throw new WebhookSignatureException("The body is not a PayPal event.");
        }

        if (PayPalEvents.Envelope(root) is not { } envelope)
        {
            throw new WebhookSignatureException("The body is not a PayPal event.");
        }

        await VerifyAsync(transmission, delivery.Body, cancellationToken);
        return PayPalEvents.Map(root, catalog, await PaidSubscriptionAsync(envelope.Type, envelope.Resource, cancellationToken),
            await RefundedPaymentAsync(envelope.Type, envelope.Resource, cancellationToken));
    }

    /// <summary>PayPal checks the signature against the event exactly as delivered: the raw body
    /// goes into the request as it came, never re-serialized.</summary>
    private async Task VerifyAsync(Dictionary<string, string> transmission, string body, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (field, value) in transmission)
            {
                writer.WriteString(field, value);
            }

            writer.WriteString("webhook_id", settings.PayPal.WebhookId);
            writer.WritePropertyName("webhook_event");
            writer.WriteRawValue(body);
            writer.WriteEndObject();
        }

        var answer = await client.SendAsync(HttpMethod.Post, "/v1/notifications/verify-webhook-signature", Encoding.UTF8.GetString(buffer.ToArray()), null, cancellationToken);
        if (PayPalJson.String(answer, "verification_status") != "SUCCESS")
        {
            throw new WebhookSignatureException("PayPal did not confirm the delivery's signature.");
        }
    }

    /// <summary>A sale's event does not say until when it paid: its subscription's next billing time does.</summary>
    private async Task<PayPalSubscription?> PaidSubscriptionAsync(string type, JsonElement resource, CancellationToken cancellationToken) =>
        type == PayPalEvents.SaleCompleted && PayPalJson.String(resource, "billing_agreement_id") is { Length: > 0 } subscriptionId
            ? await GetSubscriptionAsync(subscriptionId, cancellationToken)
            : null;

    private async Task<PayPalRefundedPayment?> RefundedPaymentAsync(string type, JsonElement resource, CancellationToken cancellationToken)
    {
        if (PayPalEvents.RefundedPaymentId(type, resource) is not { Length: > 0 } paymentId)
        {
            return null;
        }

        if (type == PayPalEvents.SaleRefunded)
        {
            var sale = await client.SendAsync(HttpMethod.Get, $"/v1/payments/sale/{Segment(paymentId)}", null, null, cancellationToken);
            return new PayPalRefundedPayment(PayPalJson.Money(sale, "amount", "total") ?? throw PayPalClient.Unavailable(), PayPalJson.String(sale, "state") == "refunded");
        }

        var capture = await client.SendAsync(HttpMethod.Get, $"/v2/payments/captures/{Segment(paymentId)}", null, null, cancellationToken);
        return new PayPalRefundedPayment(PayPalJson.Money(capture, "amount", "value") ?? throw PayPalClient.Unavailable(), PayPalJson.String(capture, "status") == "REFUNDED");
    }

    private async Task<PayPalSubscription> GetSubscriptionAsync(string subscriptionId, CancellationToken cancellationToken)
    {
        var resource = await client.SendAsync(HttpMethod.Get, $"/v1/billing/subscriptions/{Segment(subscriptionId)}", null, null, cancellationToken);
        return PayPalSubscription.Read(resource, catalog) ?? throw PayPalClient.Unavailable();
    }

    /// <summary>PayPal bills a subscription against a plan created in PayPal. A plan, period and
    /// currency without one (<c>Payments:Plans:&lt;id&gt;:ProviderPriceIds:paypal:&lt;currency&gt;</c>) is
    /// not sold through PayPal: a 400 naming <paramref name="field"/>, as a plan without a price in a
    /// currency is, so the client offers another provider or plan.</summary>
    private static string PayPalPlanId(PlanSelection selection, string field) =>
        selection.ProviderPriceId is { Length: > 0 } planId
            ? planId
            : throw new ValidationException([new ValidationFailure(field,
                $"The {selection.PlanId} plan, billed {selection.BillingPeriod} in {selection.Currency}, is not offered through PayPal; choose another provider or plan.")]);

    private static Uri? ApprovalLink(JsonElement answer) =>
        PayPalJson.Link(answer, "approve") is { } href && Uri.TryCreate(href, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.IsLoopback) ? uri : null;

    /// <summary>Ids go into a path segment escaped: an id is never a way to reach another endpoint.</summary>
    private static string Segment(string id) => Uri.EscapeDataString(id);

    private static string RequestId(string key) =>
        key.Length <= MaxRequestIdLength ? key : Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..MaxRequestIdLength];

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..length];
}

/// <summary>A cancelled PayPal subscription cannot be reactivated (PayPal offers no undo): 409, the
/// paid period runs out and the user subscribes again afterwards.</summary>
public sealed class SubscriptionNotResumableException : ApiException
{
    public const string ProblemType = "urn:bayitplus:problem:subscription-not-resumable";

    public SubscriptionNotResumableException()
        : base(StatusCodes.Status409Conflict, "Subscription cannot be resumed",
            "PayPal cannot undo a cancellation: the subscription stays until the end of the period paid for; subscribe again after it ends.") =>
        Type = ProblemType;
}
