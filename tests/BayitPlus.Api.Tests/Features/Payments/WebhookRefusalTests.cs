using BayitPlus.Api.Features.Payments;
using BayitPlus.Api.Tests.Features.Audit;
using BayitPlus.Api.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using MongoDB.Bson;

namespace BayitPlus.Api.Tests.Features.Payments;

/// <summary>Subscriptions the provider started that this API refuses (a second current one of the
/// user, a checkout whose price is not on sale): stored expired with the reason, never granted,
/// recorded as a high security event, and cancelled at the provider by the job. And the tier: it
/// always follows the user's current subscription, whichever subscription an event changed.</summary>
[Collection<PaymentsCollection>]
public sealed class WebhookRefusalTests(PaymentsApiFactory api)
{
    private async Task<StripeCustomer> SubscribedAsync(string planId = "basic", long amount = 999)
    {
        var customer = await api.NewCustomerAsync(planId, amount: amount);
        Assert.False(await api.DeliverAsync(customer.CheckoutCompleted(api.Clock.GetUtcNow())));
        return customer;
    }

    /// <summary>The fake Stripe knows the customer's subscription, so the job can cancel it there.</summary>
    private void AtStripe(StripeCustomer customer)
    {
        var now = api.Clock.GetUtcNow();
        api.Stripe.AddSubscription(StripePayloads.Subscription(customer.SubscriptionId, customer.CustomerId, customer.UserId, customer.PlanId, customer.BillingPeriod,
            customer.Amount, customer.Currency, "active", now, now.AddMonths(1)));
    }

    private async Task AssertCancelledAtStripeOnceAsync(StripeCustomer customer)
    {
        var job = api.Services.GetRequiredService<ProviderCancellationJob>();
        await job.RunOnceAsync(Http.Ct);
        await job.RunOnceAsync(Http.Ct);
        Assert.Single(api.Stripe.RequestsTo("DELETE", $"/v1/subscriptions/{customer.SubscriptionId}"));
        Assert.False((await api.SubscriptionAsync(customer)).Contains("provider_cancel_requested_at"));
    }

    [Fact]
    public async Task A_second_paid_checkout_of_a_user_with_a_current_subscription_is_refused_and_cancelled_at_Stripe()
    {
        var first = await SubscribedAsync();
        var second = new StripeCustomer(first.UserId, "premium", amount: 1499);
        AtStripe(second);
        var now = api.Clock.GetUtcNow();

        Assert.False(await api.DeliverAsync(second.CheckoutCompleted(now.AddMinutes(5))));
        Assert.False(await api.DeliverAsync(second.Subscription("customer.subscription.created", "active", now.AddMinutes(5), now, now.AddMonths(1))));
        Assert.False(await api.DeliverAsync(second.InvoicePaid(now.AddMinutes(6), now, now.AddMonths(1), StripePayloads.NewId("pi"))));

        var refused = await api.SubscriptionAsync(second);
        Assert.Equal(("expired", false, "another_current_subscription"), (refused["status"].AsString, refused["auto_renew"].AsBoolean, refused["refused_reason"].AsString));
        Assert.Equal(first.UserId, refused["user_id"].AsString);
        Assert.True(refused.Contains("provider_cancel_requested_at"));
        Assert.Equal("active", (await api.SubscriptionAsync(first))["status"].AsString);
        Assert.Equal("basic", await api.TierAsync(first));
        // Its payment is still recorded, under the refused subscription, for an administrator to refund.
        Assert.Contains(await api.TransactionsAsync(first), t => t["subscription_id"].ToString() == refused["_id"].ToString());
        var recorded = Assert.Single(await api.StoredEventsAsync(new BsonDocument { ["event_type"] = "payment_duplicate_subscription", ["user_id"] = first.UserId }));
        Assert.Equal("high", recorded["severity"].AsString);
        await AssertCancelledAtStripeOnceAsync(second);
    }

    [Fact]
    public async Task The_payment_of_a_refused_subscription_is_refunded_in_full_once_under_its_own_key()
    {
        var first = await SubscribedAsync();
        var second = new StripeCustomer(first.UserId, "premium", amount: 1499);
        AtStripe(second);
        var now = api.Clock.GetUtcNow();
        var paymentIntent = StripePayloads.NewId("pi");
        Assert.False(await api.DeliverAsync(second.CheckoutCompleted(now.AddMinutes(5))));
        Assert.False(await api.DeliverAsync(second.InvoicePaid(now.AddMinutes(6), now, now.AddMonths(1), paymentIntent)));
        var payment = Assert.Single(await api.TransactionsAsync(first), t => t["provider_transaction_id"] == paymentIntent);
        Assert.True(payment.Contains("auto_refund_requested_at"));

        var job = api.Services.GetRequiredService<ProviderCancellationJob>();
        await job.RunOnceAsync(Http.Ct);
        await job.RunOnceAsync(Http.Ct);

        var refund = Assert.Single(api.Stripe.RequestsTo("POST", "/v1/refunds", "payment_intent", paymentIntent));
        Assert.False(refund.Form.ContainsKey("amount"));
        Assert.Equal($"auto-refund:{payment["_id"]}", refund.IdempotencyKey);
        Assert.False((await api.TransactionsAsync(first)).Single(t => t["provider_transaction_id"] == paymentIntent).Contains("auto_refund_requested_at"));
        Assert.DoesNotContain(await api.TransactionsAsync(first), t => t["transaction_type"] == "payment" && t["provider_transaction_id"] != paymentIntent && t.Contains("auto_refund_requested_at"));
    }

    [Fact]
    public async Task A_second_subscription_whose_creation_arrives_first_is_refused_too()
    {
        var first = await SubscribedAsync();
        var second = new StripeCustomer(first.UserId, "premium", amount: 1499);
        var now = api.Clock.GetUtcNow();

        Assert.False(await api.DeliverAsync(second.Subscription("customer.subscription.created", "active", now.AddMinutes(5), now, now.AddMonths(1))));
        Assert.False(await api.DeliverAsync(second.Subscription("customer.subscription.updated", "active", now.AddMinutes(6), now, now.AddMonths(1))));
        Assert.False(await api.DeliverAsync(second.CheckoutCompleted(now.AddMinutes(5))));

        var refused = await api.SubscriptionAsync(second);
        Assert.Equal(("expired", "another_current_subscription"), (refused["status"].AsString, refused["refused_reason"].AsString));
        Assert.Equal("basic", await api.TierAsync(first));
    }

    [Fact]
    public async Task A_checkout_whose_price_is_not_on_sale_is_cancelled_at_Stripe()
    {
        var customer = await api.NewCustomerAsync();
        AtStripe(customer);

        Assert.False(await api.DeliverAsync(customer.CheckoutCompleted(api.Clock.GetUtcNow(), priceAmount: 500)));

        var refused = await api.SubscriptionAsync(customer);
        Assert.Equal(("expired", false, "plan_mismatch"), (refused["status"].AsString, refused["auto_renew"].AsBoolean, refused["refused_reason"].AsString));
        Assert.Null(await api.TierAsync(customer));
        Assert.Equal("high", Assert.Single(await api.StoredEventsAsync(new BsonDocument { ["event_type"] = "payment_plan_mismatch", ["user_id"] = customer.UserId }))["severity"].AsString);
        await AssertCancelledAtStripeOnceAsync(customer);
    }

    [Fact]
    public async Task The_end_of_an_old_subscription_keeps_the_tier_of_the_users_other_current_one()
    {
        var user = await api.SignUpAsync();
        var old = new StripeCustomer(user.Id, "premium", amount: 1499);
        var now = api.ClockNow();
        await api.SeedSubscriptionAsync(user.Id, "premium", "canceled", now.AddDays(2), autoRenew: false, providerSubscriptionId: old.SubscriptionId, createdAt: now.AddDays(-40));
        var current = await api.SeedSubscriptionAsync(user.Id, "family", providerSubscriptionId: StripePayloads.NewId("sub"), amount: 19.99);
        await api.SetTierAsync(user.Id, "family");

        var at = api.Clock.GetUtcNow();
        Assert.False(await api.DeliverAsync(old.Subscription("customer.subscription.deleted", "canceled", at, at.AddDays(-30), at)));

        Assert.Equal("expired", Assert.Single(await api.SubscriptionsAsync(old))["status"].AsString);
        Assert.Equal("active", (await api.SubscriptionAsync(current))["status"].AsString);
        Assert.Equal("family", await api.TierAsync(user.Id));
    }
}
