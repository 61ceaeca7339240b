using BayitPlus.Api.Tests.Features.Audit;
using MongoDB.Bson;

namespace BayitPlus.Api.Tests.Features.Payments;

/// <summary>A subscription's whole life as Stripe reports it: checkout with a trial, the first paid
/// renewal, a failed renewal and its recovery, a cancellation at the period's end, and the end.</summary>
[Collection<PaymentsCollection>]
public sealed class WebhookLifecycleTests(PaymentsApiFactory api)
{
    private static DateTime Utc(DateTimeOffset time) => WebhookSupport.Utc(time);

    [Fact]
    public async Task Checkout_renewal_failure_recovery_cancellation_and_end()
    {
        var customer = await api.NewCustomerAsync("premium", "monthly", amount: 1499);
        var t0 = api.Clock.GetUtcNow();
        var trialEnd = t0.AddDays(7);

        // Checkout with the 7-day trial: nothing charged yet, and the session does not say why (a
        // promotion code as well): the plan is granted for the period until Stripe's subscription says.
        Assert.False(await api.DeliverAsync(customer.CheckoutCompleted(t0, amountTotal: 0)));
        var started = await api.SubscriptionAsync(customer);
        Assert.Equal(customer.UserId, started["user_id"].AsString);
        Assert.Equal("premium", started["plan_id"].AsString);
        Assert.Equal("active", started["status"].AsString);
        Assert.Equal(Utc(t0), started["start_date"].ToUniversalTime());
        Assert.Equal(Utc(t0.AddMonths(1)), started["end_date"].ToUniversalTime());
        Assert.False(started.Contains("trial_end") && !started["trial_end"].IsBsonNull);
        Assert.True(started["auto_renew"].AsBoolean);
        Assert.Equal("stripe", started["payment_method"].AsString);
        Assert.Equal(14.99, started["amount"].AsDouble);
        Assert.Equal("USD", started["currency"].AsString);
        Assert.Equal("monthly", started["billing_period"].AsString);
        Assert.Equal(customer.CustomerId, started["provider_customer_id"].AsString);
        Assert.StartsWith("cs_test_", started["checkout_session_id"].AsString, StringComparison.Ordinal);
        Assert.Equal("premium", await api.TierAsync(customer));

        // Stripe's own view of the subscription, then the trial's invoice of 0, which is no payment.
        Assert.False(await api.DeliverAsync(customer.Subscription("customer.subscription.created", "trialing", t0.AddSeconds(1), t0, trialEnd, trialEnd: trialEnd)));
        var trialing = await api.SubscriptionAsync(customer);
        Assert.Equal("active", trialing["status"].AsString);
        Assert.Equal(Utc(t0.AddSeconds(1)), trialing["provider_updated_at"].ToUniversalTime());
        Assert.Equal(started["_id"], trialing["_id"]);
        Assert.Equal((Utc(trialEnd), Utc(trialEnd)), (trialing["end_date"].ToUniversalTime(), trialing["trial_end"].ToUniversalTime()));
        Assert.False(await api.DeliverAsync(customer.InvoicePaid(t0.AddSeconds(2), t0, trialEnd, StripePayloads.NewId("pi"), amount: 0)));
        Assert.Empty(await api.TransactionsAsync(customer));

        // The first renewal is paid: the period moves on and the payment is recorded.
        var t1 = trialEnd;
        var firstPayment = StripePayloads.NewId("pi");
        Assert.False(await api.DeliverAsync(customer.InvoicePaid(t1, t1, t1.AddMonths(1), firstPayment)));
        var renewed = await api.SubscriptionAsync(customer);
        Assert.Equal(Utc(t1.AddMonths(1)), renewed["end_date"].ToUniversalTime());
        var payment = Assert.Single(await api.TransactionsAsync(customer));
        Assert.Equal("payment", payment["transaction_type"].AsString);
        Assert.Equal("success", payment["status"].AsString);
        Assert.Equal(14.99, payment["amount"].AsDouble);
        Assert.Equal("USD", payment["currency"].AsString);
        Assert.Equal("stripe", payment["payment_provider"].AsString);
        Assert.Equal(firstPayment, payment["provider_transaction_id"].AsString);
        Assert.Equal(renewed["_id"].AsObjectId.ToString(), payment["subscription_id"].AsString);
        Assert.Equal("premium", payment["plan_id"].AsString);

        // The next renewal fails: past due, for the grace period, keeping the plan meanwhile.
        var t2 = t1.AddMonths(1);
        Assert.False(await api.DeliverAsync(customer.InvoiceFailed(t2, t2, t2.AddMonths(1), StripePayloads.NewId("pi"))));
        var pastDue = await api.SubscriptionAsync(customer);
        Assert.Equal("past_due", pastDue["status"].AsString);
        Assert.Equal(Utc(t2.AddDays(3)), pastDue["grace_until"].ToUniversalTime());
        Assert.True(pastDue["auto_renew"].AsBoolean);
        Assert.Equal("premium", await api.TierAsync(customer));
        Assert.Single(await api.TransactionsAsync(customer));

        // Stripe's retry succeeds: active again, the grace is over, the second payment is recorded.
        var secondPayment = StripePayloads.NewId("pi");
        Assert.False(await api.DeliverAsync(customer.InvoicePaid(t2.AddDays(1), t2, t2.AddMonths(1), secondPayment)));
        var recovered = await api.SubscriptionAsync(customer);
        Assert.Equal("active", recovered["status"].AsString);
        Assert.False(recovered.Contains("grace_until"));
        Assert.Equal(Utc(t2.AddMonths(1)), recovered["end_date"].ToUniversalTime());
        Assert.Equal([firstPayment, secondPayment], (await api.TransactionsAsync(customer)).Select(t => t["provider_transaction_id"].AsString));

        // Canceled at the period's end: no renewal, the plan is kept until then.
        Assert.False(await api.DeliverAsync(customer.Subscription("customer.subscription.updated", "active", t2.AddDays(2), t2, t2.AddMonths(1), cancelAtPeriodEnd: true)));
        var canceled = await api.SubscriptionAsync(customer);
        Assert.Equal("canceled", canceled["status"].AsString);
        Assert.False(canceled["auto_renew"].AsBoolean);
        Assert.Equal(Utc(t2.AddMonths(1)), canceled["end_date"].ToUniversalTime());
        Assert.Equal(Utc(t2.AddDays(2)), canceled["canceled_at"].ToUniversalTime());
        Assert.Equal("premium", await api.TierAsync(customer));

        // The period ends and Stripe deletes the subscription: expired, the account back to free.
        var t3 = t2.AddMonths(1);
        Assert.False(await api.DeliverAsync(StripePayloads.Event("customer.subscription.deleted",
            StripePayloads.Subscription(customer.SubscriptionId, customer.CustomerId, customer.UserId, "premium", "monthly", 1499, "USD", "canceled", t2, t3), t3)));
        var ended = await api.SubscriptionAsync(customer);
        Assert.Equal("expired", ended["status"].AsString);
        Assert.False(ended["auto_renew"].AsBoolean);
        Assert.Equal(Utc(t3), ended["end_date"].ToUniversalTime());
        Assert.Null(await api.TierAsync(customer));
        Assert.Equal(2, (await api.TransactionsAsync(customer)).Count);

        var actions = (await api.AuditRecordsAsync(customer.SubscriptionId)).Select(a => a["action_type"].AsString);
        Assert.Equal(["payment.checkout_completed", "payment.subscription_changed", "payment.succeeded", "payment.succeeded", "payment.failed",
            "payment.succeeded", "payment.subscription_changed", "payment.subscription_ended"], actions);
    }

    [Fact]
    public async Task A_checkout_without_a_trial_runs_for_the_period_paid_and_a_yearly_one_for_a_year()
    {
        var monthly = await api.NewCustomerAsync("basic", "monthly", "ILS", 3490);
        var yearly = await api.NewCustomerAsync("family", "yearly", "USD", 19990);
        var now = api.Clock.GetUtcNow();

        Assert.False(await api.DeliverAsync(monthly.CheckoutCompleted(now)));
        Assert.False(await api.DeliverAsync(yearly.CheckoutCompleted(now)));

        var basic = await api.SubscriptionAsync(monthly);
        Assert.Equal((34.90, "ILS"), (basic["amount"].AsDouble, basic["currency"].AsString));
        Assert.Equal(Utc(now.AddMonths(1)), basic["end_date"].ToUniversalTime());
        Assert.False(basic.Contains("trial_end"));
        var family = await api.SubscriptionAsync(yearly);
        Assert.Equal(("family", "yearly", 199.90), (family["plan_id"].AsString, family["billing_period"].AsString, family["amount"].AsDouble));
        Assert.Equal(Utc(now.AddYears(1)), family["end_date"].ToUniversalTime());
        Assert.Equal("family", await api.TierAsync(yearly));
    }

    [Fact]
    public async Task A_plan_change_reported_by_Stripe_moves_the_plan_and_the_tier()
    {
        var customer = await api.NewCustomerAsync("basic");
        var now = api.Clock.GetUtcNow();
        Assert.False(await api.DeliverAsync(customer.CheckoutCompleted(now)));

        Assert.False(await api.DeliverAsync(customer.Subscription("customer.subscription.updated", "active", now.AddMinutes(1), now, now.AddMonths(1), planId: "family", amount: 1999)));

        var changed = await api.SubscriptionAsync(customer);
        Assert.Equal(("family", 19.99), (changed["plan_id"].AsString, changed["amount"].AsDouble));
        Assert.Equal("family", await api.TierAsync(customer));
    }

    [Theory]
    [InlineData("basic", "monthly", 500L)]
    [InlineData("platinum", "monthly", 999L)]
    [InlineData("basic", "weekly", 999L)]
    public async Task A_checkout_that_does_not_match_the_configured_price_grants_nothing_and_is_recorded(string planId, string billingPeriod, long priceAmount)
    {
        var customer = await api.NewCustomerAsync();
        var payload = customer.CheckoutCompleted(api.Clock.GetUtcNow(), planId: planId, billingPeriod: billingPeriod, priceAmount: priceAmount);

        Assert.False(await api.DeliverAsync(payload));

        var refused = await api.SubscriptionAsync(customer);
        Assert.Equal(("expired", "plan_mismatch"), (refused["status"].AsString, refused["refused_reason"].AsString));
        Assert.True(refused.Contains("provider_cancel_requested_at"));
        Assert.Null(await api.TierAsync(customer));
        var recorded = Assert.Single(await api.StoredEventsAsync(new BsonDocument { ["event_type"] = "payment_plan_mismatch", ["user_id"] = customer.UserId }));
        Assert.Equal("high", recorded["severity"].AsString);
        Assert.Equal(WebhookSupport.EventId(payload), recorded["details"]["event_id"].AsString);
        Assert.Equal(planId, recorded["details"]["plan_id"].AsString);
        Assert.True(await api.DeliverAsync(payload));
    }

    [Fact]
    public async Task A_subscription_event_with_a_price_not_on_sale_keeps_the_plan_and_is_recorded()
    {
        var customer = await api.NewCustomerAsync("basic");
        var now = api.Clock.GetUtcNow();
        Assert.False(await api.DeliverAsync(customer.CheckoutCompleted(now)));

        Assert.False(await api.DeliverAsync(customer.Subscription("customer.subscription.updated", "active", now.AddMinutes(1), now, now.AddMonths(1), planId: "family", amount: 100)));

        var kept = await api.SubscriptionAsync(customer);
        Assert.Equal(("basic", 9.99), (kept["plan_id"].AsString, kept["amount"].AsDouble));
        Assert.Equal("basic", await api.TierAsync(customer));
        Assert.Single(await api.StoredEventsAsync(new BsonDocument { ["event_type"] = "payment_plan_mismatch", ["user_id"] = customer.UserId }));
    }

    [Fact]
    public async Task An_incomplete_subscription_not_yet_paid_creates_and_grants_nothing()
    {
        var customer = await api.NewCustomerAsync("premium", amount: 1499);
        var now = api.Clock.GetUtcNow();

        Assert.False(await api.DeliverAsync(customer.Subscription("customer.subscription.created", "incomplete", now, now, now.AddMonths(1))));

        Assert.Empty(await api.SubscriptionsAsync(customer));
        Assert.Null(await api.TierAsync(customer));

        Assert.False(await api.DeliverAsync(customer.Subscription("customer.subscription.updated", "active", now.AddMinutes(1), now, now.AddMonths(1))));
        Assert.Equal("active", (await api.SubscriptionAsync(customer))["status"].AsString);
        Assert.Equal("premium", await api.TierAsync(customer));
    }

    [Fact]
    public async Task Events_Stripe_sends_that_need_nothing_are_acknowledged()
    {
        var payload = StripePayloads.Event("customer.created", new System.Text.Json.Nodes.JsonObject { ["id"] = StripePayloads.NewId("cus"), ["object"] = "customer" },
            api.Clock.GetUtcNow());

        Assert.False(await api.DeliverAsync(payload));
        Assert.False(await api.MarkerExistsAsync(WebhookSupport.EventId(payload)));
    }
}
