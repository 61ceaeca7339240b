
namespace BayitPlus.Api.Tests.Features.Payments;

/// <summary>Stripe does not promise the order of its events: an older one arriving late never takes
/// the subscription back to an older state.</summary>
[Collection<PaymentsCollection>]
public sealed class WebhookOrderingTests(PaymentsApiFactory api)
{
    private static DateTime Utc(DateTimeOffset time) => WebhookSupport.Utc(time);

    [Fact]
    public async Task A_creation_arriving_after_an_update_does_not_overwrite_it()
    {
        var customer = await api.NewCustomerAsync("premium", amount: 1499);
        var t0 = api.Clock.GetUtcNow();

        Assert.False(await api.DeliverAsync(customer.Subscription("customer.subscription.updated", "active", t0.AddSeconds(10), t0, t0.AddMonths(1), cancelAtPeriodEnd: true)));
        Assert.False(await api.DeliverAsync(customer.Subscription("customer.subscription.created", "trialing", t0, t0, t0.AddDays(7), trialEnd: t0.AddDays(7))));

        var stored = await api.SubscriptionAsync(customer);
        Assert.Equal("canceled", stored["status"].AsString);
        Assert.False(stored["auto_renew"].AsBoolean);
        Assert.Equal(Utc(t0.AddMonths(1)), stored["end_date"].ToUniversalTime());
        Assert.Equal(Utc(t0.AddSeconds(10)), stored["provider_updated_at"].ToUniversalTime());
        Assert.False(stored.Contains("trial_end"));
        Assert.Equal("premium", await api.TierAsync(customer));
    }

    [Fact]
    public async Task A_cancellation_delivered_after_a_later_payment_is_still_applied()
    {
        var customer = await api.NewCustomerAsync();
        var t0 = api.Clock.GetUtcNow();
        Assert.False(await api.DeliverAsync(customer.CheckoutCompleted(t0)));

        // Canceled in Stripe's portal at t0+10m, just before the renewal paid at t0+20m; Stripe delivers the payment first.
        Assert.False(await api.DeliverAsync(customer.InvoicePaid(t0.AddMinutes(20), t0.AddMonths(1), t0.AddMonths(2), StripePayloads.NewId("pi"))));
        Assert.False(await api.DeliverAsync(customer.Subscription("customer.subscription.updated", "active", t0.AddMinutes(10), t0.AddMonths(1), t0.AddMonths(2), cancelAtPeriodEnd: true)));

        var stored = await api.SubscriptionAsync(customer);
        Assert.Equal(("canceled", false), (stored["status"].AsString, stored["auto_renew"].AsBoolean));
        Assert.Equal(Utc(t0.AddMonths(2)), stored["end_date"].ToUniversalTime());
        Assert.Equal(Utc(t0.AddMinutes(10)), stored["provider_updated_at"].ToUniversalTime());
        Assert.Equal(Utc(t0.AddMinutes(20)), stored["payment_event_at"].ToUniversalTime());
        Assert.Equal("basic", await api.TierAsync(customer));
    }

    [Fact]
    public async Task A_creation_at_the_same_second_as_an_update_does_not_overwrite_it()
    {
        var customer = await api.NewCustomerAsync();
        var t0 = api.Clock.GetUtcNow();

        Assert.False(await api.DeliverAsync(customer.Subscription("customer.subscription.updated", "active", t0, t0, t0.AddMonths(1), cancelAtPeriodEnd: true)));
        Assert.False(await api.DeliverAsync(customer.Subscription("customer.subscription.created", "active", t0, t0, t0.AddMonths(1))));

        Assert.Equal("canceled", (await api.SubscriptionAsync(customer))["status"].AsString);
    }

    [Fact]
    public async Task An_older_update_arriving_after_a_newer_one_changes_nothing()
    {
        var customer = await api.NewCustomerAsync("basic");
        var t0 = api.Clock.GetUtcNow();
        Assert.False(await api.DeliverAsync(customer.CheckoutCompleted(t0)));
        Assert.False(await api.DeliverAsync(customer.Subscription("customer.subscription.updated", "active", t0.AddMinutes(2), t0, t0.AddYears(1), planId: "family", amount: 1999)));
        var newer = await api.SubscriptionAsync(customer);

        Assert.False(await api.DeliverAsync(customer.Subscription("customer.subscription.updated", "active", t0.AddMinutes(1), t0, t0.AddMonths(1), cancelAtPeriodEnd: true)));

        var stored = await api.SubscriptionAsync(customer);
        Assert.Equal(newer, stored);
        Assert.Equal(("family", "active", true), (stored["plan_id"].AsString, stored["status"].AsString, stored["auto_renew"].AsBoolean));
        Assert.Equal("family", await api.TierAsync(customer));
    }

    [Fact]
    public async Task A_late_payment_failure_does_not_undo_the_payment_that_followed_it()
    {
        var customer = await api.NewCustomerAsync();
        var t0 = api.Clock.GetUtcNow();
        Assert.False(await api.DeliverAsync(customer.CheckoutCompleted(t0)));
        var renewal = t0.AddMonths(1);
        Assert.False(await api.DeliverAsync(customer.InvoicePaid(renewal.AddHours(1), renewal, renewal.AddMonths(1), StripePayloads.NewId("pi"))));

        Assert.False(await api.DeliverAsync(customer.InvoiceFailed(renewal, renewal, renewal.AddMonths(1), StripePayloads.NewId("pi"))));

        var stored = await api.SubscriptionAsync(customer);
        Assert.Equal("active", stored["status"].AsString);
        Assert.False(stored.Contains("grace_until"));
        Assert.Equal(Utc(renewal.AddMonths(1)), stored["end_date"].ToUniversalTime());
    }

    [Fact]
    public async Task A_late_payment_is_recorded_but_neither_shortens_the_period_nor_undoes_a_later_state()
    {
        var customer = await api.NewCustomerAsync();
        var t0 = api.Clock.GetUtcNow();
        Assert.False(await api.DeliverAsync(customer.CheckoutCompleted(t0)));
        var second = t0.AddMonths(2);
        Assert.False(await api.DeliverAsync(customer.InvoicePaid(second, t0.AddMonths(1), second, StripePayloads.NewId("pi"))));
        Assert.False(await api.DeliverAsync(customer.InvoiceFailed(second.AddMinutes(1), second, second.AddMonths(1), StripePayloads.NewId("pi"))));

        var late = StripePayloads.NewId("pi");
        Assert.False(await api.DeliverAsync(customer.InvoicePaid(t0.AddMonths(1), t0.AddMonths(1), second.AddDays(-1), late)));

        var stored = await api.SubscriptionAsync(customer);
        Assert.Equal("past_due", stored["status"].AsString);
        Assert.Equal(Utc(second), stored["end_date"].ToUniversalTime());
        Assert.Contains(late, (await api.TransactionsAsync(customer)).Select(t => t["provider_transaction_id"].AsString));
    }

    [Fact]
    public async Task A_deletion_is_final_against_older_updates()
    {
        var customer = await api.NewCustomerAsync();
        var t0 = api.Clock.GetUtcNow();
        Assert.False(await api.DeliverAsync(customer.CheckoutCompleted(t0)));
        Assert.False(await api.DeliverAsync(customer.Subscription("customer.subscription.deleted", "canceled", t0.AddMinutes(5), t0, t0.AddMonths(1))));

        Assert.False(await api.DeliverAsync(customer.Subscription("customer.subscription.updated", "active", t0.AddMinutes(4), t0, t0.AddMonths(1))));

        Assert.Equal("expired", (await api.SubscriptionAsync(customer))["status"].AsString);
        Assert.Null(await api.TierAsync(customer));
    }
}
