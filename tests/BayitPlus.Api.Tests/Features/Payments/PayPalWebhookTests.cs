using System.Text.Json.Nodes;
using BayitPlus.Api.Features.Payments;
using BayitPlus.Api.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static BayitPlus.Api.Tests.Features.Payments.PayPalPayloads;

namespace BayitPlus.Api.Tests.Features.Payments;

/// <summary>PayPal deliveries read by the provider: PayPal's verify-webhook-signature decides, with
/// the transmission headers and the event exactly as delivered; missing headers and stale
/// transmissions are refused without asking; PayPal down is a provider error, not a bad delivery.</summary>
[Collection<PaymentsCollection>]
public sealed class PayPalWebhookTests(PaymentsApiFactory api, ApiFactory unconfigured)
{
    private IPaymentProvider PayPal => api.Services.GetServices<IPaymentProvider>().Single(p => p.Name == PaymentProviderNames.PayPal);

    private string ActivatedEvent(out string subscriptionId)
    {
        var now = api.Clock.GetUtcNow();
        subscriptionId = NewId("I-");
        return Event("BILLING.SUBSCRIPTION.ACTIVATED", Subscription(subscriptionId, Guid.NewGuid().ToString("N")[..24], "premium", "monthly", "USD", "ACTIVE", now, now.AddDays(7), inTrial: true), now);
    }

    private int Verifications => api.PayPal.RequestsTo("POST", "/v1/notifications/verify-webhook-signature").Count;

    [Fact]
    public async Task A_genuine_delivery_is_verified_by_PayPal_with_the_event_as_delivered_and_read()
    {
        var payload = ActivatedEvent(out var subscriptionId).Replace("\"summary\":", "\"summary\" : ", StringComparison.Ordinal);
        var delivery = api.Delivery(payload);

        var read = Assert.IsType<PaymentEvent.CheckoutCompleted>(await PayPal.ReadWebhookAsync(delivery, Http.Ct));

        Assert.Equal((subscriptionId, "premium", "monthly"), (read.ProviderSubscriptionId, read.PlanId, read.BillingPeriod));
        var verify = api.PayPal.RequestsTo("POST", "/v1/notifications/verify-webhook-signature").Single(r => r.Body?["transmission_id"]?.GetValue<string>() == delivery.Headers["PAYPAL-TRANSMISSION-ID"]);
        Assert.Equal(PayPalWebhooks.WebhookId, verify.Body!["webhook_id"]!.GetValue<string>());
        Assert.Equal(delivery.Headers["PAYPAL-TRANSMISSION-SIG"], verify.Body["transmission_sig"]!.GetValue<string>());
        Assert.Equal(delivery.Headers["PAYPAL-CERT-URL"], verify.Body["cert_url"]!.GetValue<string>());
        Assert.Equal("SHA256withRSA", verify.Body["auth_algo"]!.GetValue<string>());
        Assert.Equal(delivery.Headers["PAYPAL-TRANSMISSION-TIME"], verify.Body["transmission_time"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(payload), verify.Body["webhook_event"]));
    }

    [Fact]
    public async Task A_delivery_PayPal_does_not_confirm_is_refused()
    {
        var delivery = api.Delivery(ActivatedEvent(out _), genuine: false);

        var error = await Assert.ThrowsAsync<WebhookSignatureException>(() => PayPal.ReadWebhookAsync(delivery, Http.Ct));

        Assert.Equal((400, PaymentProblems.WebhookSignatureInvalid), (error.Status, error.Type));
    }

    [Fact]
    public async Task A_genuine_transmission_carrying_another_event_is_refused()
    {
        var genuine = api.Delivery(ActivatedEvent(out _));
        var swapped = genuine with { Body = ActivatedEvent(out _) };

        await Assert.ThrowsAsync<WebhookSignatureException>(() => PayPal.ReadWebhookAsync(swapped, Http.Ct));
    }

    [Theory]
    [InlineData("PAYPAL-AUTH-ALGO")]
    [InlineData("PAYPAL-CERT-URL")]
    [InlineData("PAYPAL-TRANSMISSION-ID")]
    [InlineData("PAYPAL-TRANSMISSION-SIG")]
    [InlineData("PAYPAL-TRANSMISSION-TIME")]
    public async Task A_delivery_without_a_transmission_header_is_refused_without_asking_PayPal(string header)
    {
        var before = Verifications;
        var delivery = api.Delivery(ActivatedEvent(out _), without: header);

        var error = await Assert.ThrowsAsync<WebhookSignatureException>(() => PayPal.ReadWebhookAsync(delivery, Http.Ct));

        Assert.Contains(header, error.Message, StringComparison.Ordinal);
        Assert.Equal(before, Verifications);
    }

    [Theory]
    [InlineData(-6)]
    [InlineData(6)]
    public async Task A_transmission_outside_the_tolerance_is_refused_as_a_replay(int minutes)
    {
        var before = Verifications;
        var delivery = api.Delivery(ActivatedEvent(out _), sentAt: api.Clock.GetUtcNow().AddMinutes(minutes));

        await Assert.ThrowsAsync<WebhookSignatureException>(() => PayPal.ReadWebhookAsync(delivery, Http.Ct));

        Assert.Equal(before, Verifications);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{\"id\":\"WH-1\",\"event_type\":\"X\"}")]
    [InlineData("[]")]
    public async Task A_body_that_is_no_PayPal_event_is_refused(string body)
    {
        var delivery = api.Delivery(ActivatedEvent(out _)) with { Body = body };

        await Assert.ThrowsAsync<WebhookSignatureException>(() => PayPal.ReadWebhookAsync(delivery, Http.Ct));
    }

    [Theory]
    [InlineData(503)]
    [InlineData(500)]
    [InlineData(401)]
    public async Task PayPal_failing_to_verify_is_a_provider_error_not_a_bad_delivery(int status)
    {
        // The token is cached by then, so the failure is the verification's (a 401 twice: the new token asked for is refused too).
        await PayPal.ReadWebhookAsync(api.Delivery(ActivatedEvent(out _)), Http.Ct);
        api.PayPal.FailNext(status, status == 401 ? 2 : 1);

        var error = await Assert.ThrowsAsync<ProviderUnavailableException>(() => PayPal.ReadWebhookAsync(api.Delivery(ActivatedEvent(out _)), Http.Ct));

        Assert.Equal(502, error.Status);
    }

    [Fact]
    public async Task A_completed_sale_is_paid_until_its_subscriptions_next_billing_time()
    {
        var now = api.Clock.GetUtcNow();
        var next = now.AddMonths(1);
        var subscriptionId = NewId("I-");
        api.PayPal.AddSubscription(Subscription(subscriptionId, Guid.NewGuid().ToString("N")[..24], "basic", "monthly", "USD", "ACTIVE", now, next, lastPayment: 9.99m));
        var saleId = NewId("SALE");

        var read = Assert.IsType<PaymentEvent.PaymentSucceeded>(await PayPal.ReadWebhookAsync(api.Delivery(Event("PAYMENT.SALE.COMPLETED", Sale(saleId, subscriptionId, 9.99m, "USD", now), now)), Http.Ct));

        Assert.Equal((subscriptionId, saleId, 9.99m, "USD"), (read.ProviderSubscriptionId, read.ProviderTransactionId, read.Amount, read.Currency));
        Assert.Equal(DateTimeOffset.Parse(Time(next), System.Globalization.CultureInfo.InvariantCulture).UtcDateTime, read.PeriodEnd);
    }

    [Fact]
    public async Task A_refund_reads_whether_it_completed_the_sales_refund_from_PayPal()
    {
        var now = api.Clock.GetUtcNow();
        var saleId = NewId("SALE");
        var sale = api.PayPal.AddSale(saleId, 9.99m, "USD");
        sale["state"] = "refunded";

        var read = Assert.IsType<PaymentEvent.PaymentRefunded>(await PayPal.ReadWebhookAsync(api.Delivery(Event("PAYMENT.SALE.REFUNDED", SaleRefund(NewId("RF"), saleId, 9.99m, "USD", now), now)), Http.Ct));

        Assert.Equal((saleId, 9.99m, true), (read.ProviderTransactionId, read.AmountRefunded, read.FullyRefunded));
        Assert.Single(api.PayPal.RequestsTo("GET", $"/v1/payments/sale/{saleId}"));
    }

    [Fact]
    public async Task Without_PayPal_settings_the_provider_is_not_configured()
    {
        var provider = unconfigured.Services.GetServices<IPaymentProvider>().Single(p => p.Name == PaymentProviderNames.PayPal);

        Assert.False(provider.IsConfigured);
        var error = await Assert.ThrowsAsync<ProviderNotConfiguredException>(() => provider.ReadWebhookAsync(new WebhookDelivery("{}", new Dictionary<string, string>()), Http.Ct));
        Assert.Equal(503, error.Status);
        Assert.Throws<ProviderNotConfiguredException>(() => unconfigured.Services.GetRequiredService<PaymentProviders>().Configured(PaymentProviderNames.PayPal));
    }
}
