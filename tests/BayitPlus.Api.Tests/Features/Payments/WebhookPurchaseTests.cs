using BayitPlus.Api.Tests.Features.Audit;
using BayitPlus.Api.Tests.Support;
using MongoDB.Bson;
using MongoDB.Driver;
using static BayitPlus.Api.Tests.Features.Payments.PayPalPayloads;

namespace BayitPlus.Api.Tests.Features.Payments;

/// <summary>What a completed checkout bought is checked against the plan in its metadata: the price
/// id when the plan has one configured, else the price before tax and discounts, and the currency;
/// never what was charged (tax, a promotion code, nothing during a trial).</summary>
[Collection<PaymentsCollection>]
public sealed class WebhookPurchaseTests(PaymentsApiFactory api)
{
    private async Task AssertGrantedAsync(StripeCustomer customer, string tier)
    {
        var stored = await api.SubscriptionAsync(customer);
        Assert.Equal(("active", tier), (stored["status"].AsString, stored["plan_id"].AsString));
        Assert.False(stored.Contains("refused_reason"));
        Assert.Equal(tier, await api.TierAsync(customer));
        Assert.Empty(await api.StoredEventsAsync(new BsonDocument { ["event_type"] = "payment_plan_mismatch", ["user_id"] = customer.UserId }));
    }

    private async Task AssertRefusedAsync(StripeCustomer customer)
    {
        var refused = await api.SubscriptionAsync(customer);
        Assert.Equal(("expired", "plan_mismatch"), (refused["status"].AsString, refused["refused_reason"].AsString));
        Assert.Null(await api.TierAsync(customer));
        Assert.Equal("high", Assert.Single(await api.StoredEventsAsync(new BsonDocument { ["event_type"] = "payment_plan_mismatch", ["user_id"] = customer.UserId }))["severity"].AsString);
    }

    [Theory]
    [InlineData(1085L)] // 9.99 with 8.625% sales tax (Stripe Tax)
    [InlineData(499L)] // a 50% promotion code
    public async Task A_checkout_whose_total_differs_from_the_price_by_tax_or_a_promotion_code_is_granted(long amountTotal)
    {
        var customer = await api.NewCustomerAsync("basic");

        Assert.False(await api.DeliverAsync(customer.CheckoutCompleted(api.Clock.GetUtcNow(), amountTotal)));

        await AssertGrantedAsync(customer, "basic");
    }

    [Fact]
    public async Task A_first_period_a_promotion_code_pays_in_full_is_granted_for_the_period_and_is_no_trial()
    {
        var customer = await api.NewCustomerAsync("basic");
        var now = api.Clock.GetUtcNow();

        Assert.False(await api.DeliverAsync(customer.CheckoutCompleted(now, amountTotal: 0)));
        Assert.False(await api.DeliverAsync(customer.Subscription("customer.subscription.created", "active", now.AddSeconds(1), now, now.AddMonths(1))));

        await AssertGrantedAsync(customer, "basic");
        var stored = await api.SubscriptionAsync(customer);
        Assert.Equal(WebhookSupport.Utc(now.AddMonths(1)), stored["end_date"].ToUniversalTime());
        Assert.False(stored.Contains("trial_end") && !stored["trial_end"].IsBsonNull);
    }

    [Fact]
    public async Task A_trial_checkout_of_another_price_than_its_plan_is_refused()
    {
        var customer = await api.NewCustomerAsync("premium", amount: 1499);

        // Nothing charged (the trial), but the price bought is basic's 9.99, not premium's 14.99.
        Assert.False(await api.DeliverAsync(customer.CheckoutCompleted(api.Clock.GetUtcNow(), amountTotal: 0, priceAmount: 999)));

        await AssertRefusedAsync(customer);
    }

    [Fact]
    public async Task A_checkout_whose_event_lists_no_line_items_is_checked_by_listing_them_at_Stripe()
    {
        var customer = await api.NewCustomerAsync("basic");
        var session = StripePayloads.CheckoutSession(customer.UserId, "basic", "monthly", customer.SubscriptionId, customer.CustomerId, 0, "USD", priceAmount: 999);
        session.Remove("line_items");
        var sessionId = session["id"]!.GetValue<string>();
        api.Stripe.SetLineItems(sessionId, StripePayloads.LineItem(999, "USD", "monthly"));

        Assert.False(await api.DeliverAsync(StripePayloads.Event("checkout.session.completed", session, api.Clock.GetUtcNow())));

        Assert.Single(api.Stripe.RequestsTo("GET", $"/v1/checkout/sessions/{sessionId}/line_items"));
        await AssertGrantedAsync(customer, "basic");
    }

    [Fact]
    public async Task A_plan_with_a_configured_Stripe_price_is_checked_by_its_price_id_trial_or_not()
    {
        var bought = await api.NewCustomerAsync("family", "yearly", "ILS", 69900);
        var other = await api.NewCustomerAsync("family", "yearly", "ILS", 69900);
        var now = api.Clock.GetUtcNow();

        Assert.False(await api.DeliverAsync(StripePayloads.Event("checkout.session.completed", StripePayloads.CheckoutSession(bought.UserId, "family", "yearly", bought.SubscriptionId,
            bought.CustomerId, 0, "ILS", priceAmount: 69900, priceId: PaymentsApiFactory.FamilyIlsYearlyPriceId), now)));
        // The same amount at another price (one not configured for the plan) is not the plan.
        Assert.False(await api.DeliverAsync(StripePayloads.Event("checkout.session.completed", StripePayloads.CheckoutSession(other.UserId, "family", "yearly", other.SubscriptionId,
            other.CustomerId, 0, "ILS", priceAmount: 69900, priceId: StripePayloads.NewId("price")), now)));

        await AssertGrantedAsync(bought, "family");
        await AssertRefusedAsync(other);
    }

    [Fact]
    public async Task A_PayPal_trial_activation_of_another_PayPal_plan_than_its_custom_id_names_is_refused()
    {
        var userId = (await api.SignUpAsync()).Id;
        var now = api.Clock.GetUtcNow();
        var subscriptionId = NewId("I-");
        var resource = api.PayPal.AddSubscription(Subscription(subscriptionId, userId, "premium", "monthly", "USD", "ACTIVE", now, now.AddDays(7), inTrial: true,
            paypalPlanId: PlanId("basic", "monthly", "USD")));

        var response = await api.PostPayPalEventAsync(Event("BILLING.SUBSCRIPTION.ACTIVATED", resource, now));

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        var customer = new StripeCustomer(userId);
        var refused = await api.Raw("subscription").Find(new BsonDocument { ["payment_method"] = "paypal", ["provider_subscription_id"] = subscriptionId }).SingleAsync(Http.Ct);
        Assert.Equal(("expired", "plan_mismatch"), (refused["status"].AsString, refused["refused_reason"].AsString));
        Assert.Null(await api.TierAsync(customer));
        Assert.Single(await api.StoredEventsAsync(new BsonDocument { ["event_type"] = "payment_plan_mismatch", ["user_id"] = userId }));
    }
}
