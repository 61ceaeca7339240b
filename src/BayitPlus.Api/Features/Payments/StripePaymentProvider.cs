using Stripe;
using Stripe.Checkout;

namespace BayitPlus.Api.Features.Payments;

/// <summary>Stripe through the official Stripe.net client, against <c>Payments:Stripe:ApiBase</c>
/// (Stripe itself, stripe-mock, or the tests' fake). Stripe's own error messages never reach a
/// client: any failure to complete a call is a <see cref="ProviderUnavailableException"/>.</summary>
/// <remarks>
/// <para>A payment's <c>provider_transaction_id</c> is its PaymentIntent (<c>pi_…</c>): the invoice
/// paid names it, the charge refunded names it, and a refund is created against it. An invoice
/// without one (paid from the customer's balance) is recorded under its invoice id.</para>
/// <para>A plan without a configured Stripe price id is sold with an inline price; Stripe's
/// subscription items cannot describe a product inline, so a plan change keeps the product the
/// checkout created and sets the new amount and interval on it, and the plan itself travels in the
/// subscription's metadata (<c>planId</c>, <c>billingPeriod</c>), changed with it.</para>
/// </remarks>
public sealed partial class StripePaymentProvider(PaymentsSettings settings, PlanCatalog catalog, IHttpClientFactory httpClients, TimeProvider time, ILogger<StripePaymentProvider> logger)
    : IPaymentProvider
{
    public const string HttpClientName = "stripe";
    public const string SignatureHeader = "Stripe-Signature";

    /// <summary>Metadata keys on the checkout session and the subscription.</summary>
    public const string PlanIdKey = "planId";
    public const string BillingPeriodKey = "billingPeriod";
    public const string UserIdKey = "userId";

    private StripeSettings Stripe => settings.Stripe;

    public string Name => PaymentProviderNames.Stripe;

    public bool IsConfigured => Stripe.IsConfigured;

    public Task<CheckoutSession> CreateCheckoutAsync(CheckoutOrder order, CancellationToken cancellationToken) => CallAsync(async client =>
    {
        var selection = order.Selection;
        var metadata = new Dictionary<string, string>
        {
            [PlanIdKey] = selection.PlanId,
            [BillingPeriodKey] = selection.BillingPeriod,
            [UserIdKey] = order.UserId,
        };
        var options = new SessionCreateOptions
        {
            Mode = "subscription",
            ClientReferenceId = order.UserId,
            CustomerEmail = order.Email,
            SuccessUrl = order.SuccessUrl,
            CancelUrl = order.CancelUrl,
            Metadata = metadata,
            SubscriptionData = new SessionSubscriptionDataOptions
            {
                Metadata = new Dictionary<string, string>(metadata),
                TrialPeriodDays = order.TrialDays > 0 ? order.TrialDays : null,
            },
            LineItems = [LineItem(selection)],
        };
        var session = await new SessionService(client).CreateAsync(options, new RequestOptions { IdempotencyKey = order.IdempotencyKey }, cancellationToken);
        return new CheckoutSession(session.Id, new Uri(session.Url));
    }, cancellationToken);

    public Task<ProviderSubscription> SetCancelAtPeriodEndAsync(string providerSubscriptionId, bool cancel, CancellationToken cancellationToken) => CallAsync(async client =>
    {
        var subscription = await new SubscriptionService(client).UpdateAsync(providerSubscriptionId, new SubscriptionUpdateOptions { CancelAtPeriodEnd = cancel },
            new RequestOptions { IdempotencyKey = $"cancel-at-period-end:{providerSubscriptionId}:{cancel}:{Guid.NewGuid():N}" }, cancellationToken);
        return ToProviderSubscription(subscription);
    }, cancellationToken);

    public Task CancelNowAsync(string providerSubscriptionId, CancellationToken cancellationToken) => CallAsync(async client =>
    {
        var service = new SubscriptionService(client);
        var current = await service.GetAsync(providerSubscriptionId, cancellationToken: cancellationToken);
        if (current.Status is not ("canceled" or "incomplete_expired"))
        {
            await service.CancelAsync(providerSubscriptionId, new SubscriptionCancelOptions { Prorate = false },
                new RequestOptions { IdempotencyKey = $"cancel-now:{providerSubscriptionId}" }, cancellationToken);
        }

        return true;
    }, cancellationToken);

    public Task<ProviderSubscription> ChangePlanAsync(string providerSubscriptionId, PlanSelection selection, CancellationToken cancellationToken) => CallAsync(async client =>
    {
        var service = new SubscriptionService(client);
        var current = await service.GetAsync(providerSubscriptionId, cancellationToken: cancellationToken);
        var item = current.Items?.Data?.FirstOrDefault() ?? throw new ProviderUnavailableException("Stripe");
        var itemOptions = new SubscriptionItemOptions { Id = item.Id };
        if (selection.ProviderPriceId is { } priceId)
        {
            itemOptions.Price = priceId;
        }
        else
        {
            itemOptions.PriceData = new SubscriptionItemPriceDataOptions
            {
                Product = item.Price?.ProductId ?? throw new ProviderUnavailableException("Stripe"),
                Currency = selection.Currency.ToLowerInvariant(),
                UnitAmount = Currencies.ToMinorUnits(selection.Amount, selection.Currency),
                Recurring = new SubscriptionItemPriceDataRecurringOptions { Interval = Interval(selection.BillingPeriod) },
            };
        }

        var metadata = new Dictionary<string, string>(current.Metadata ?? [])
        {
            [PlanIdKey] = selection.PlanId,
            [BillingPeriodKey] = selection.BillingPeriod,
        };
        var updated = await service.UpdateAsync(providerSubscriptionId, new SubscriptionUpdateOptions
        {
            Items = [itemOptions],
            ProrationBehavior = "create_prorations",
            Metadata = metadata,
        }, new RequestOptions { IdempotencyKey = $"change-plan:{providerSubscriptionId}:{Guid.NewGuid():N}" }, cancellationToken);
        return ToProviderSubscription(updated);
    }, cancellationToken);

    public Task<ProviderRefund> RefundAsync(string providerTransactionId, decimal? amount, string reason, string idempotencyKey, CancellationToken cancellationToken) => CallAsync(async client =>
    {
        var options = new RefundCreateOptions
        {
            Reason = "requested_by_customer",
            Metadata = new Dictionary<string, string> { ["reason"] = reason },
        };
        // Stripe takes the amount in the payment's minor units, so a partial refund first reads the payment's currency.
        if (providerTransactionId.StartsWith("pi_", StringComparison.Ordinal))
        {
            options.PaymentIntent = providerTransactionId;
            if (amount is { } value)
            {
                var intent = await new PaymentIntentService(client).GetAsync(providerTransactionId, cancellationToken: cancellationToken);
                options.Amount = Currencies.ToMinorUnits(value, intent.Currency);
            }
        }
        else
        {
            options.Charge = providerTransactionId;
            if (amount is { } value)
            {
                var charge = await new ChargeService(client).GetAsync(providerTransactionId, cancellationToken: cancellationToken);
                options.Amount = Currencies.ToMinorUnits(value, charge.Currency);
            }
        }

        var refund = await new RefundService(client).CreateAsync(options, new RequestOptions { IdempotencyKey = idempotencyKey }, cancellationToken);
        return new ProviderRefund(refund.Id, refund.Status, Currencies.ToMajorUnits(refund.Amount, refund.Currency), refund.Currency.ToUpperInvariant());
    }, cancellationToken);

    public async Task<PaymentEvent> ReadWebhookAsync(WebhookDelivery delivery, CancellationToken cancellationToken)
    {
        var header = delivery.Header(SignatureHeader) ?? throw new WebhookSignatureException($"The {SignatureHeader} header is missing.");

        Event stripeEvent;
        try
        {
            EventUtility.ValidateSignature(delivery.Body, header, Stripe.WebhookSecret, (long)Stripe.WebhookTolerance.TotalSeconds, time.GetUtcNow().ToUnixTimeSeconds());
            stripeEvent = EventUtility.ParseEvent(delivery.Body, throwOnApiVersionMismatch: false);
        }
        catch (Exception e) when (e is StripeException or System.Text.Json.JsonException or Newtonsoft.Json.JsonException or ArgumentException or FormatException)
        {
            LogRefusedWebhook(logger, e.GetType().Name);
            throw new WebhookSignatureException($"The {SignatureHeader} header does not sign this payload with the endpoint's secret, or it is older than the tolerance.");
        }

        // Signed by Stripe, but in an API version whose objects this build may misread (the account or
        // the endpoint was upgraded): refused, and the deliveries pile up at Stripe until the endpoint's
        // version or the deployment is fixed, then Stripe's retries apply them.
        try
        {
            EventUtility.ParseEvent(delivery.Body, throwOnApiVersionMismatch: true);
        }
        catch (StripeException)
        {
            LogApiVersionMismatch(logger, stripeEvent.ApiVersion, StripeConfiguration.ApiVersion);
            throw new WebhookApiVersionMismatchException(stripeEvent.ApiVersion, StripeConfiguration.ApiVersion);
        }

        return await CallAsync(client => ToPaymentEventAsync(client, stripeEvent, cancellationToken), cancellationToken);
    }

    private async Task<PaymentEvent> ToPaymentEventAsync(StripeClient client, Event stripeEvent, CancellationToken cancellationToken)
    {
        var occurredAt = DateTime.SpecifyKind(stripeEvent.Created, DateTimeKind.Utc);
        var (id, type) = (stripeEvent.Id, stripeEvent.Type);
        switch (stripeEvent.Data.Object)
        {
            // A session paid by a delayed method completes unpaid: it counts once its payment succeeds.
            case Session session when (type == EventTypes.CheckoutSessionCompleted && session.PaymentStatus != "unpaid") || type == EventTypes.CheckoutSessionAsyncPaymentSucceeded:
                // Event payloads never carry a session's line items unless expanded: otherwise they are listed.
                var lineItems = session.LineItems?.Data
                    ?? (await new SessionLineItemService(client).ListAsync(session.Id, new SessionLineItemListOptions { Limit = 10 }, cancellationToken: cancellationToken)).Data;
                return new PaymentEvent.CheckoutCompleted(Name, id, type, occurredAt, session.Id, session.ClientReferenceId,
                    Metadata(session.Metadata, PlanIdKey), Metadata(session.Metadata, BillingPeriodKey), session.SubscriptionId, session.CustomerId,
                    session.AmountTotal is { } total && session.Currency is { } currency ? Currencies.ToMajorUnits(total, currency) : null, session.Currency?.ToUpperInvariant(),
                    [.. lineItems.Select(l => Purchased(l.Price, l.Quantity))], Utc(session.Subscription?.TrialEnd));
            case Subscription subscription when type is EventTypes.CustomerSubscriptionCreated or EventTypes.CustomerSubscriptionUpdated:
                return ToSubscriptionChanged(subscription, id, type, occurredAt);
            case Subscription subscription when type == EventTypes.CustomerSubscriptionDeleted:
                return new PaymentEvent.SubscriptionEnded(Name, id, type, occurredAt, subscription.Id);
            case Invoice invoice when type is EventTypes.InvoicePaid or EventTypes.InvoicePaymentFailed && SubscriptionOf(invoice) is { } subscriptionId:
                var paymentId = await PaymentOfAsync(client, invoice, cancellationToken);
                var invoiceCurrency = invoice.Currency.ToUpperInvariant();
                return type == EventTypes.InvoicePaid
                    ? new PaymentEvent.PaymentSucceeded(Name, id, type, occurredAt, subscriptionId, paymentId ?? invoice.Id, Currencies.ToMajorUnits(invoice.AmountPaid, invoice.Currency),
                        invoiceCurrency, invoice.Lines?.Data?.Select(l => (DateTime?)l.Period?.End).Max())
                    : new PaymentEvent.PaymentFailed(Name, id, type, occurredAt, subscriptionId, paymentId, Currencies.ToMajorUnits(invoice.AmountDue, invoice.Currency), invoiceCurrency);
            case Charge charge when type == EventTypes.ChargeRefunded:
                // Event payloads carry a charge's refunds only when expanded: otherwise they are listed.
                var refunds = charge.Refunds?.Data ?? (await new RefundService(client).ListAsync(
                    charge.PaymentIntentId is { } intent ? new RefundListOptions { PaymentIntent = intent, Limit = 100 } : new RefundListOptions { Charge = charge.Id, Limit = 100 },
                    cancellationToken: cancellationToken)).Data;
                return new PaymentEvent.PaymentRefunded(Name, id, type, occurredAt, charge.PaymentIntentId ?? charge.Id,
                    [.. refunds.Where(r => r.Status is "succeeded" or "pending").Select(r => new ProviderRefund(r.Id, r.Status, Currencies.ToMajorUnits(r.Amount, r.Currency), r.Currency.ToUpperInvariant()))],
                    Currencies.ToMajorUnits(charge.AmountRefunded, charge.Currency), charge.Refunded, charge.Currency.ToUpperInvariant());
            // A refund's own status change (a pending one that succeeded or failed): its record follows
            // it. It carries no charge total (0, which never raises the payment's amount_refunded); a
            // failed refund's amount is taken back out of it by the processor.
            case Refund refund when type == EventTypes.ChargeRefundUpdated && (refund.PaymentIntentId ?? refund.ChargeId) is { } refunded:
                return new PaymentEvent.PaymentRefunded(Name, id, type, occurredAt, refunded,
                    [new ProviderRefund(refund.Id, refund.Status, Currencies.ToMajorUnits(refund.Amount, refund.Currency), refund.Currency.ToUpperInvariant())],
                    0m, false, refund.Currency.ToUpperInvariant());
            default:
                return new PaymentEvent.Ignored(Name, id, type, occurredAt);
        }
    }

    private PaymentEvent.SubscriptionChanged ToSubscriptionChanged(Subscription subscription, string id, string type, DateTime occurredAt)
    {
        var item = subscription.Items?.Data?.FirstOrDefault();
        var price = item?.Price;
        var planId = Metadata(subscription.Metadata, PlanIdKey);
        var period = Metadata(subscription.Metadata, BillingPeriodKey);
        if (planId is null && price?.Id is { } priceId && catalog.FindByProviderPriceId(Name, priceId) is { } configured)
        {
            (planId, period) = (configured.PlanId, configured.BillingPeriod);
        }

        period ??= price?.Recurring?.Interval switch
        {
            "month" => BillingPeriods.Monthly,
            "year" => BillingPeriods.Yearly,
            _ => null,
        };
        return new PaymentEvent.SubscriptionChanged(Name, id, type, occurredAt, subscription.Id, subscription.Status,
            Utc(item?.CurrentPeriodStart), Utc(item?.CurrentPeriodEnd), Utc(subscription.TrialEnd), subscription.CancelAtPeriodEnd, planId, period,
            price?.UnitAmount is { } unit ? Currencies.ToMajorUnits(unit, price.Currency) : null, price?.Currency?.ToUpperInvariant(), Metadata(subscription.Metadata, UserIdKey),
            [.. (subscription.Items?.Data ?? []).Select(i => Purchased(i.Price, i.Quantity))]);
    }

    /// <summary>A line's price before tax and discounts: unit amount × quantity (a trial or a promotion changes neither).</summary>
    private static PurchasedPrice Purchased(Price? price, long? quantity) => new(
        price?.Id,
        price?.UnitAmount is { } unit && price.Currency is { } currency ? Currencies.ToMajorUnits(unit * (quantity ?? 1), currency) : null,
        price?.Currency?.ToUpperInvariant());

    private static string? SubscriptionOf(Invoice invoice) => invoice.Parent?.SubscriptionDetails?.SubscriptionId;

    /// <summary>The invoice's PaymentIntent. Event payloads carry <c>payments</c> only when the
    /// endpoint expands it, so without it Stripe is asked for the invoice's payments.</summary>
    private static async Task<string?> PaymentOfAsync(StripeClient client, Invoice invoice, CancellationToken cancellationToken)
    {
        var payments = invoice.Payments?.Data
            ?? (await new InvoicePaymentService(client).ListAsync(new InvoicePaymentListOptions { Invoice = invoice.Id, Limit = 10 }, cancellationToken: cancellationToken)).Data;
        return payments.Where(p => p.Payment?.PaymentIntentId is not null).OrderByDescending(p => p.IsDefault).Select(p => p.Payment.PaymentIntentId).FirstOrDefault();
    }

    private ProviderSubscription ToProviderSubscription(Subscription subscription)
    {
        var changed = ToSubscriptionChanged(subscription, "", "", time.GetUtcNow().UtcDateTime);
        return new ProviderSubscription(subscription.Id, subscription.Status, changed.CurrentPeriodEnd, subscription.CancelAtPeriodEnd, changed.PlanId, changed.BillingPeriod,
            changed.Amount, changed.Currency);
    }

    private static SessionLineItemOptions LineItem(PlanSelection selection) => selection.ProviderPriceId is { } priceId
        ? new SessionLineItemOptions { Price = priceId, Quantity = 1 }
        : new SessionLineItemOptions
        {
            Quantity = 1,
            PriceData = new SessionLineItemPriceDataOptions
            {
                Currency = selection.Currency.ToLowerInvariant(),
                UnitAmount = Currencies.ToMinorUnits(selection.Amount, selection.Currency),
                Recurring = new SessionLineItemPriceDataRecurringOptions { Interval = Interval(selection.BillingPeriod) },
                ProductData = new SessionLineItemPriceDataProductDataOptions
                {
                    Name = selection.Plan.Names.GetValueOrDefault("en") ?? selection.PlanId,
                    Metadata = new Dictionary<string, string> { [PlanIdKey] = selection.PlanId },
                },
            },
        };

    private static string Interval(string billingPeriod) => billingPeriod == BillingPeriods.Yearly ? "year" : "month";

    private static string? Metadata(Dictionary<string, string>? metadata, string key) =>
        metadata is not null && metadata.TryGetValue(key, out var value) && !string.IsNullOrWhiteSpace(value) ? value : null;

    private static DateTime? Utc(DateTime? value) => value is { } v ? DateTime.SpecifyKind(v, DateTimeKind.Utc) : null;

    /// <summary>Runs one or more Stripe calls with a client for this request; whatever keeps them
    /// from completing (Stripe's refusal, the network, the timeout) is a 502 that names no detail.</summary>
    private async Task<T> CallAsync<T>(Func<StripeClient, Task<T>> call, CancellationToken cancellationToken)
    {
        this.EnsureConfigured();

        // Every base, not only the API's: no call of this client may reach Stripe when ApiBase points elsewhere.
        var apiBase = Stripe.ApiBase.ToString().TrimEnd('/');
        var client = new StripeClient(Stripe.SecretKey, httpClient: new SystemNetHttpClient(httpClients.CreateClient(HttpClientName), maxNetworkRetries: 2),
            apiBase: apiBase, connectBase: apiBase, filesBase: apiBase, meterEventsBase: apiBase);
        try
        {
            return await call(client);
        }
        catch (StripeException e)
        {
            var status = (int)e.HttpStatusCode;
            LogStripeError(logger, status, e.StripeError?.Type, e.StripeError?.Code);
            throw new ProviderUnavailableException("Stripe")
            {
                Failure = e.StripeError?.Code switch
                {
                    "charge_already_refunded" => ProviderFailure.AlreadyDone,
                    "resource_missing" => ProviderFailure.Missing,
                    _ => ProviderFailures.FromStatus(status),
                },
                Reason = $"Stripe HTTP {status} {e.StripeError?.Type}/{e.StripeError?.Code}",
            };
        }
        catch (HttpRequestException e)
        {
            LogUnreachable(logger, e.GetType().Name);
            throw new ProviderUnavailableException("Stripe");
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            LogUnreachable(logger, e.GetType().Name);
            throw new ProviderUnavailableException("Stripe");
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stripe refused a call: HTTP {Status}, error type {ErrorType}, code {ErrorCode}")]
    private static partial void LogStripeError(ILogger logger, int status, string? errorType, string? errorCode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stripe could not be reached: {Failure}")]
    private static partial void LogUnreachable(ILogger logger, string failure);

    [LoggerMessage(Level = LogLevel.Error, Message = "A signed Stripe event has API version {EventVersion}, not {ExpectedVersion}: every delivery is refused until the webhook endpoint's version or this deployment is updated")]
    private static partial void LogApiVersionMismatch(ILogger logger, string? eventVersion, string expectedVersion);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A Stripe webhook delivery was refused: {Failure}")]
    private static partial void LogRefusedWebhook(ILogger logger, string failure);
}
