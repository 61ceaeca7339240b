using BayitPlus.Api.Features.Payments;
using BayitPlus.Api.Tests.Features.Audit;
using BayitPlus.Api.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using MongoDB.Bson;
using MongoDB.Driver;
using static BayitPlus.Api.Tests.Features.Payments.PayPalPayloads;

namespace BayitPlus.Api.Tests.Features.Payments;

/// <summary><see cref="ProviderCancellationJob"/> against providers that fail: what can succeed later
/// is asked again, what is already done is done, and a refusal for good (or, for a refund, a payment the
/// provider does not know) is asked no more, stored with the record and told to an administrator.</summary>
[Collection<PaymentsCollection>]
public sealed class ProviderCancellationJobTests(PaymentsApiFactory api)
{
    private ProviderCancellationJob Job => api.Services.GetRequiredService<ProviderCancellationJob>();

    /// <summary>A checkout at a price not on sale: refused and marked for cancellation at Stripe,
    /// after a pass of the job that settled every other test's marks, so the next call is this one's.</summary>
    private async Task<StripeCustomer> RefusedAsync(bool atStripe)
    {
        await Job.RunOnceAsync(Http.Ct);
        var customer = await api.NewCustomerAsync();
        var now = api.Clock.GetUtcNow();
        if (atStripe)
        {
            api.Stripe.AddSubscription(StripePayloads.Subscription(customer.SubscriptionId, customer.CustomerId, customer.UserId, "basic", "monthly", 500, "usd", "active", now, now.AddMonths(1)));
        }

        Assert.False(await api.DeliverAsync(customer.CheckoutCompleted(now, priceAmount: 500)));
        Assert.True((await api.SubscriptionAsync(customer)).Contains("provider_cancel_requested_at"));
        return customer;
    }

    private async Task<List<BsonDocument>> RefusalEventsAsync(string userId) =>
        await api.StoredEventsAsync(new BsonDocument { ["event_type"] = "payment_provider_refused", ["user_id"] = userId });

    private async Task<List<BsonDocument>> MissingEventsAsync(string userId) =>
        await api.StoredEventsAsync(new BsonDocument { ["event_type"] = "payment_provider_missing", ["user_id"] = userId });

    [Fact]
    public async Task A_subscription_Stripe_does_not_know_is_asked_no_more_with_its_answer_stored_and_told_to_an_admin()
    {
        var customer = await RefusedAsync(atStripe: false);

        await Job.RunOnceAsync(Http.Ct);
        await Job.RunOnceAsync(Http.Ct);

        var stored = await api.SubscriptionAsync(customer);
        Assert.False(stored.Contains("provider_cancel_requested_at"));
        Assert.Equal("gone: Stripe HTTP 404 invalid_request_error/resource_missing", stored["provider_cancel_refusal"].AsString);
        Assert.Single(api.Stripe.RequestsTo("GET", $"/v1/subscriptions/{customer.SubscriptionId}"));
        var recorded = Assert.Single(await MissingEventsAsync(customer.UserId));
        Assert.Equal(("medium", "cancel", stored["_id"].ToString()), (recorded["severity"].AsString, recorded["details"]["action"].AsString, recorded["details"]["subscription_id"].AsString));
        Assert.Empty(await RefusalEventsAsync(customer.UserId));
    }

    [Theory]
    [InlineData(503)]
    [InlineData(429)]
    public async Task A_Stripe_that_cannot_answer_now_is_asked_again_at_the_next_pass(int status)
    {
        var customer = await RefusedAsync(atStripe: true);
        api.Stripe.FailNext(status, code: status == 429 ? "rate_limit" : null);

        await Job.RunOnceAsync(Http.Ct);

        Assert.True((await api.SubscriptionAsync(customer)).Contains("provider_cancel_requested_at"));
        Assert.Empty(await RefusalEventsAsync(customer.UserId));
        await Job.RunOnceAsync(Http.Ct);
        Assert.False((await api.SubscriptionAsync(customer)).Contains("provider_cancel_requested_at"));
        Assert.Equal("canceled", api.Stripe.Subscription(customer.SubscriptionId)!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_cancellation_Stripe_refuses_for_good_is_asked_no_more_stored_and_told_to_an_admin()
    {
        var customer = await RefusedAsync(atStripe: true);
        api.Stripe.FailNext(400, code: "parameter_invalid");

        await Job.RunOnceAsync(Http.Ct);
        await Job.RunOnceAsync(Http.Ct);

        var stored = await api.SubscriptionAsync(customer);
        Assert.False(stored.Contains("provider_cancel_requested_at"));
        Assert.Equal("Stripe HTTP 400 invalid_request_error/parameter_invalid", stored["provider_cancel_refusal"].AsString);
        Assert.Empty(api.Stripe.RequestsTo("DELETE", $"/v1/subscriptions/{customer.SubscriptionId}"));
        var recorded = Assert.Single(await RefusalEventsAsync(customer.UserId));
        Assert.Equal(("high", "cancel", stored["_id"].ToString()), (recorded["severity"].AsString, recorded["details"]["action"].AsString, recorded["details"]["subscription_id"].AsString));
        Assert.DoesNotContain("sk_test", recorded.ToJson(), StringComparison.Ordinal);
    }

    /// <summary>A payment of a refused subscription, marked for the job's refund; the job's next call is that refund.</summary>
    private async Task<(StripeCustomer Customer, string PaymentIntent)> AutoRefundAsync()
    {
        var customer = await RefusedAsync(atStripe: true);
        var now = api.Clock.GetUtcNow();
        var paymentIntent = StripePayloads.NewId("pi");
        Assert.False(await api.DeliverAsync(customer.InvoicePaid(now.AddSeconds(1), now, now.AddMonths(1), paymentIntent, amount: 500)));
        // The cancellation first, then the refund: refused.
        await Job.RunOnceAsync(Http.Ct);
        Assert.False(await api.DeliverAsync(customer.InvoicePaid(now.AddSeconds(2), now, now.AddMonths(1), paymentIntent + "b", amount: 500)));
        return (customer, paymentIntent + "b");
    }

    // Stripe keeps every payment intent: one it does not know (another account, test keys on live
    // data, whose refund Stripe answers 400) was never refunded, so it is refused, not done.
    [Theory]
    [InlineData(400, "charge_disputed", "Stripe HTTP 400 invalid_request_error/charge_disputed")]
    [InlineData(400, "resource_missing", "Stripe HTTP 400 invalid_request_error/resource_missing")]
    [InlineData(404, null, "Stripe HTTP 404 invalid_request_error/")]
    public async Task An_automatic_refund_Stripe_refuses_or_does_not_know_is_asked_no_more_stored_and_told_to_an_admin(int status, string? code, string reason)
    {
        var (customer, paymentIntent) = await AutoRefundAsync();
        api.Stripe.FailNext(status, code: code);

        await Job.RunOnceAsync(Http.Ct);
        await Job.RunOnceAsync(Http.Ct);

        var payment = Assert.Single(await api.TransactionsAsync(customer), t => t["provider_transaction_id"] == paymentIntent);
        Assert.False(payment.Contains("auto_refund_requested_at"));
        Assert.Equal(reason, payment["auto_refund_refusal"].AsString);
        Assert.Single(api.Stripe.RequestsTo("POST", "/v1/refunds", "payment_intent", paymentIntent));
        var recorded = Assert.Single(await RefusalEventsAsync(customer.UserId));
        Assert.Equal(("high", "refund", payment["_id"].ToString()), (recorded["severity"].AsString, recorded["details"]["action"].AsString, recorded["details"]["payment_id"].AsString));
    }

    [Fact]
    public async Task An_automatic_refund_Stripe_answers_already_refunded_is_done()
    {
        var (customer, paymentIntent) = await AutoRefundAsync();
        api.Stripe.FailNext(400, code: "charge_already_refunded");

        await Job.RunOnceAsync(Http.Ct);

        var payment = Assert.Single(await api.TransactionsAsync(customer), t => t["provider_transaction_id"] == paymentIntent);
        Assert.False(payment.Contains("auto_refund_requested_at"));
        Assert.False(payment.Contains("auto_refund_refusal") && !payment["auto_refund_refusal"].IsBsonNull);
        Assert.Empty(await RefusalEventsAsync(customer.UserId));
    }

    [Fact]
    public async Task A_PayPal_subscription_PayPal_does_not_know_is_asked_no_more_and_one_it_refuses_to_cancel_is_asked_no_more()
    {
        await Job.RunOnceAsync(Http.Ct);
        var userId = (await api.SignUpAsync()).Id;
        var now = api.Clock.GetUtcNow();
        var missing = NewId("I-");
        var refusing = NewId("I-");
        // Activations of another PayPal plan than the checkout's: refused, to cancel at PayPal.
        foreach (var (id, known) in new[] { (missing, false), (refusing, true) })
        {
            var resource = Subscription(id, userId, "premium", "monthly", "USD", "ACTIVE", now, now.AddMonths(1), lastPayment: 9.99m, paypalPlanId: PlanId("basic", "monthly", "USD"));
            if (known)
            {
                api.PayPal.AddSubscription(resource)["status"] = "APPROVAL_PENDING";
            }

            Assert.Equal(System.Net.HttpStatusCode.OK, (await api.PostPayPalEventAsync(Event("BILLING.SUBSCRIPTION.ACTIVATED", resource, now))).StatusCode);
        }

        await Job.RunOnceAsync(Http.Ct);
        await Job.RunOnceAsync(Http.Ct);

        var stored = await api.Raw("subscription").Find(new BsonDocument("user_id", userId)).ToListAsync(Http.Ct);
        Assert.All(stored, s => Assert.False(s.Contains("provider_cancel_requested_at")));
        Assert.Equal("gone: PayPal HTTP 404 RESOURCE_NOT_FOUND", stored.Single(s => s["provider_subscription_id"] == missing)["provider_cancel_refusal"].AsString);
        Assert.Equal("medium", Assert.Single(await MissingEventsAsync(userId))["severity"].AsString);
        Assert.Equal("PayPal HTTP 422 UNPROCESSABLE_ENTITY", stored.Single(s => s["provider_subscription_id"] == refusing)["provider_cancel_refusal"].AsString);
        Assert.Single(api.PayPal.RequestsTo("POST", $"/v1/billing/subscriptions/{refusing}/cancel"));
        Assert.Equal("cancel", Assert.Single(await RefusalEventsAsync(userId))["details"]["action"].AsString);
    }
}
