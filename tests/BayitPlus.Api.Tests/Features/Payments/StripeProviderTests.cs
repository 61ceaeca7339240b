using BayitPlus.Api.Features.Payments;
using BayitPlus.Api.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace BayitPlus.Api.Tests.Features.Payments;

/// <summary>The Stripe provider's calls, made by the real Stripe.net client to the fake Stripe: what
/// they send (the user as client reference, the plan in the metadata, an idempotency key) and how a
/// refusal comes back.</summary>
[Collection<PaymentsCollection>]
public sealed class StripeProviderTests(PaymentsApiFactory api)
{
    private IPaymentProvider Stripe => api.Services.GetServices<IPaymentProvider>().Single(p => p.Name == PaymentProviderNames.Stripe);

    private PlanSelection Select(string planId, string period, string currency = "USD") =>
        api.Services.GetRequiredService<PlanCatalog>().Select(planId, period, currency, PaymentProviderNames.Stripe)!;

    [Fact]
    public async Task Checkout_sends_the_user_the_plan_the_trial_and_an_idempotency_key()
    {
        var userId = Guid.NewGuid().ToString("N")[..24];
        var key = $"checkout-{Guid.NewGuid():N}";
        var order = new CheckoutOrder(userId, "buyer@example.com", Select("premium", BillingPeriods.Yearly), 7, PaymentsApiFactory.SuccessUrl, PaymentsApiFactory.CancelUrl, key);

        var session = await Stripe.CreateCheckoutAsync(order, Http.Ct);

        var request = Assert.Single(api.Stripe.RequestsTo("POST", "/v1/checkout/sessions", "client_reference_id", userId));
        Assert.StartsWith("cs_test_", session.SessionId, StringComparison.Ordinal);
        Assert.Equal($"https://checkout.stripe.com/c/pay/{session.SessionId}", session.CheckoutUrl.ToString());
        Assert.Equal(key, request.IdempotencyKey);
        Assert.Equal($"Bearer {PaymentsApiFactory.StripeSecretKey}", request.Authorization);
        Assert.Equal("subscription", request["mode"]);
        Assert.Equal("buyer@example.com", request["customer_email"]);
        Assert.Equal(PaymentsApiFactory.SuccessUrl, request["success_url"]);
        Assert.Equal(PaymentsApiFactory.CancelUrl, request["cancel_url"]);
        Assert.Equal("premium", request["metadata[planId]"]);
        Assert.Equal("yearly", request["metadata[billingPeriod]"]);
        Assert.Equal("premium", request["subscription_data[metadata][planId]"]);
        Assert.Equal("yearly", request["subscription_data[metadata][billingPeriod]"]);
        Assert.Equal(userId, request["subscription_data[metadata][userId]"]);
        Assert.Equal("7", request["subscription_data[trial_period_days]"]);
        Assert.Equal("usd", request["line_items[0][price_data][currency]"]);
        Assert.Equal("14990", request["line_items[0][price_data][unit_amount]"]);
        Assert.Equal("year", request["line_items[0][price_data][recurring][interval]"]);
        Assert.Equal("Premium", request["line_items[0][price_data][product_data][name]"]);
        Assert.Equal("1", request["line_items[0][quantity]"]);
    }

    [Fact]
    public async Task Checkout_without_a_trial_sends_no_trial_period()
    {
        var userId = Guid.NewGuid().ToString("N")[..24];
        var order = new CheckoutOrder(userId, "buyer@example.com", Select("basic", BillingPeriods.Monthly, "ILS"), 0, PaymentsApiFactory.SuccessUrl, PaymentsApiFactory.CancelUrl, $"k-{userId}");

        await Stripe.CreateCheckoutAsync(order, Http.Ct);

        var request = Assert.Single(api.Stripe.RequestsTo("POST", "/v1/checkout/sessions", "client_reference_id", userId));
        Assert.Null(request["subscription_data[trial_period_days]"]);
        Assert.Equal("ils", request["line_items[0][price_data][currency]"]);
        Assert.Equal("3490", request["line_items[0][price_data][unit_amount]"]);
        Assert.Equal("month", request["line_items[0][price_data][recurring][interval]"]);
    }

    [Theory]
    [InlineData(402)]
    [InlineData(500)]
    public async Task A_refused_call_is_a_provider_error_that_does_not_repeat_Stripes_message(int status)
    {
        var userId = Guid.NewGuid().ToString("N")[..24];
        var order = new CheckoutOrder(userId, "buyer@example.com", Select("basic", BillingPeriods.Monthly), 7, PaymentsApiFactory.SuccessUrl, PaymentsApiFactory.CancelUrl, $"k-{userId}");
        api.Stripe.FailNext(status);

        var error = await Assert.ThrowsAsync<ProviderUnavailableException>(() => Stripe.CreateCheckoutAsync(order, Http.Ct));

        Assert.Equal(PaymentProblems.ProviderError, error.Type);
        Assert.Equal(502, error.Status);
        Assert.DoesNotContain("sk_test", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Fake Stripe", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancel_at_period_end_and_resume_update_the_subscription()
    {
        var subscription = AddSubscription("basic", BillingPeriods.Monthly, 999);
        var id = subscription["id"]!.GetValue<string>();

        var canceled = await Stripe.SetCancelAtPeriodEndAsync(id, true, Http.Ct);
        var resumed = await Stripe.SetCancelAtPeriodEndAsync(id, false, Http.Ct);

        Assert.True(canceled.CancelAtPeriodEnd);
        Assert.False(resumed.CancelAtPeriodEnd);
        Assert.Equal(id, resumed.ProviderSubscriptionId);
        Assert.Equal("basic", resumed.PlanId);
        var requests = api.Stripe.RequestsTo("POST", $"/v1/subscriptions/{id}");
        Assert.Equal(["true", "false"], requests.Select(r => r["cancel_at_period_end"]));
        Assert.All(requests, r => Assert.False(string.IsNullOrEmpty(r.IdempotencyKey)));
        Assert.NotEqual(requests[0].IdempotencyKey, requests[1].IdempotencyKey);
    }

    [Fact]
    public async Task A_plan_change_keeps_the_product_sets_the_new_price_and_prorates()
    {
        var subscription = AddSubscription("basic", BillingPeriods.Monthly, 999);
        var id = subscription["id"]!.GetValue<string>();
        var product = subscription["items"]!["data"]![0]!["price"]!["product"]!.GetValue<string>();

        var changed = await Stripe.ChangePlanAsync(id, Select("family", BillingPeriods.Yearly), Http.Ct);

        var request = Assert.Single(api.Stripe.RequestsTo("POST", $"/v1/subscriptions/{id}"));
        Assert.Equal("create_prorations", request["proration_behavior"]);
        Assert.Equal(subscription["items"]!["data"]![0]!["id"]!.GetValue<string>(), request["items[0][id]"]);
        Assert.Equal(product, request["items[0][price_data][product]"]);
        Assert.Equal("19990", request["items[0][price_data][unit_amount]"]);
        Assert.Equal("year", request["items[0][price_data][recurring][interval]"]);
        Assert.Equal("family", request["metadata[planId]"]);
        Assert.Equal("yearly", request["metadata[billingPeriod]"]);
        Assert.False(string.IsNullOrEmpty(request.IdempotencyKey));
        Assert.Equal(("family", "yearly", 199.90m, "USD"), (changed.PlanId, changed.BillingPeriod, changed.Amount, changed.Currency));
    }

    [Fact]
    public async Task A_plan_change_of_a_subscription_Stripe_does_not_know_is_a_provider_error()
    {
        await Assert.ThrowsAsync<ProviderUnavailableException>(() => Stripe.ChangePlanAsync(StripePayloads.NewId("sub"), Select("family", BillingPeriods.Yearly), Http.Ct));
    }

    [Fact]
    public async Task Refunds_go_to_the_payment_intent_whole_or_in_part()
    {
        var paymentIntent = StripePayloads.NewId("pi");

        var full = await Stripe.RefundAsync(paymentIntent, null, "customer asked", "refund-full", Http.Ct);
        var partial = await Stripe.RefundAsync(paymentIntent, 2.50m, "partial goodwill", "refund-partial", Http.Ct);

        var requests = api.Stripe.RequestsTo("POST", "/v1/refunds", "payment_intent", paymentIntent);
        Assert.Equal(2, requests.Count);
        Assert.Null(requests[0]["amount"]);
        Assert.Equal("250", requests[1]["amount"]);
        Assert.Equal("customer asked", requests[0]["metadata[reason]"]);
        Assert.All(requests, r => Assert.False(string.IsNullOrEmpty(r.IdempotencyKey)));
        Assert.StartsWith("re_", full.ProviderRefundId, StringComparison.Ordinal);
        Assert.Equal((2.50m, "USD", "succeeded"), (partial.Amount, partial.Currency, partial.Status));
    }

    private System.Text.Json.Nodes.JsonObject AddSubscription(string planId, string period, long amount)
    {
        var now = api.Clock.GetUtcNow();
        return api.Stripe.AddSubscription(StripePayloads.Subscription(StripePayloads.NewId("sub"), StripePayloads.NewId("cus"), Guid.NewGuid().ToString("N")[..24],
            planId, period, amount, "usd", "active", now, now.AddMonths(1)));
    }
}
