using System.Net;
using System.Text.Json.Nodes;
using BayitPlus.Api.Tests.Support;

namespace BayitPlus.Api.Tests.Features.Payments;

/// <summary>The signed-in user's subscription: read, cancel at period end, resume and plan change
/// through the real Stripe provider against the fake Stripe, and the entitlements it gives.</summary>
[Collection<PaymentsCollection>]
public sealed class MySubscriptionTests(PaymentsApiFactory api)
{
    /// <summary>A user with an active premium monthly subscription that Stripe knows.</summary>
    private async Task<(SignedInUser User, HttpClient Client, string SubscriptionId, string StripeId)> SubscribedAsync(string planId = "premium", double amount = 14.99)
    {
        var user = await api.SignUpAsync();
        var stripeId = api.AddStripeSubscription(user.Id, planId, unitAmount: (long)Math.Round(amount * 100));
        var id = await api.SeedSubscriptionAsync(user.Id, planId, providerSubscriptionId: stripeId, amount: amount);
        await api.SetTierAsync(user.Id, planId);
        return (user, api.ClientFor(user), id, stripeId);
    }

    private IReadOnlyList<StripeRequest> UpdatesOf(string stripeId) => api.Stripe.RequestsTo("POST", $"/v1/subscriptions/{stripeId}");

    [Fact]
    public async Task The_current_subscription_is_shown_localized_and_only_to_its_owner()
    {
        var (_, client, id, _) = await SubscribedAsync("family", 19.99);
        var endDate = (await api.SubscriptionAsync(id))["end_date"].ToUniversalTime();

        var mine = await (await client.GetAsync("/api/subscriptions/me?lang=en", Http.Ct)).ReadAsync<JsonObject>();

        Assert.Equal(id, mine["id"]!.GetValue<string>());
        Assert.Equal("family", mine["planId"]!.GetValue<string>());
        Assert.Equal("Family", mine["planName"]!.GetValue<string>());
        Assert.Equal("active", mine["status"]!.GetValue<string>());
        Assert.Equal(endDate, mine["endDate"]!.GetValue<DateTime>().ToUniversalTime());
        Assert.True(mine["autoRenew"]!.GetValue<bool>());
        Assert.Equal("stripe", mine["provider"]!.GetValue<string>());
        Assert.Equal(19.99m, mine["amount"]!.GetValue<decimal>());
        Assert.Equal("USD", mine["currency"]!.GetValue<string>());
        Assert.Equal("monthly", mine["billingPeriod"]!.GetValue<string>());
        var hebrew = await (await client.GetAsync("/api/subscriptions/me", Http.Ct)).ReadAsync<JsonObject>();
        Assert.Equal("משפחתי", hebrew["planName"]!.GetValue<string>());

        // Another user has no way to reach it: "me" is always the caller.
        var (_, other) = await api.SignedInClientAsync();
        await (await other.GetAsync("/api/subscriptions/me", Http.Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await other.PostAsync("/api/subscriptions/me/cancel", null, Http.Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.True((await api.SubscriptionAsync(id))["auto_renew"].AsBoolean);
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.CreateClient().GetAsync("/api/subscriptions/me", Http.Ct)).StatusCode);
    }

    [Fact]
    public async Task An_expired_subscription_is_not_current()
    {
        var user = await api.SignUpAsync();
        await api.SeedSubscriptionAsync(user.Id, status: "expired", endDate: api.ClockNow().AddDays(-10));
        await api.SeedSubscriptionAsync(user.Id, status: "canceled", endDate: api.ClockNow().AddDays(-1));

        await (await api.ClientFor(user).GetAsync("/api/subscriptions/me", Http.Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Cancel_sets_cancel_at_period_end_at_stripe_then_auto_renew_false_audited_and_is_idempotent()
    {
        var (_, client, id, stripeId) = await SubscribedAsync();

        var canceled = await (await client.PostAsync("/api/subscriptions/me/cancel", null, Http.Ct)).ReadAsync<JsonObject>();

        Assert.False(canceled["autoRenew"]!.GetValue<bool>());
        Assert.Equal("canceled", canceled["status"]!.GetValue<string>());
        var call = Assert.Single(UpdatesOf(stripeId));
        Assert.Equal("true", call["cancel_at_period_end"]);
        var stored = await api.SubscriptionAsync(id);
        Assert.False(stored["auto_renew"].AsBoolean);
        Assert.Equal("canceled", stored["status"].AsString);
        Assert.True(stored.Contains("canceled_at"));
        var audit = Assert.Single(await api.AuditAsync("subscription.cancel_at_period_end", id));
        Assert.False(audit["changes"]["after"]["auto_renew"].AsBoolean);

        // Again: answered as it is, Stripe not called again, no second record.
        var again = await (await client.PostAsync("/api/subscriptions/me/cancel", null, Http.Ct)).ReadAsync<JsonObject>();
        Assert.False(again["autoRenew"]!.GetValue<bool>());
        Assert.Single(UpdatesOf(stripeId));
        Assert.Single(await api.AuditAsync("subscription.cancel_at_period_end", id));

        // The paid period still counts.
        var entitlements = await (await client.GetAsync("/api/subscriptions/me/entitlements", Http.Ct)).ReadAsync<JsonObject>();
        Assert.Equal("premium", entitlements["tier"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_webhook_older_than_the_cancel_delivered_late_does_not_undo_it()
    {
        var (user, client, id, stripeId) = await SubscribedAsync();
        var before = api.Clock.GetUtcNow().AddMinutes(-1);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/api/subscriptions/me/cancel", null, Http.Ct)).StatusCode);

        var older = StripePayloads.Subscription(stripeId, StripePayloads.NewId("cus"), user.Id, "premium", "monthly", 1499, "USD", "active", before.AddDays(-10), before.AddDays(20));
        Assert.False(await api.DeliverAsync(StripePayloads.Event("customer.subscription.updated", older, before)));

        var stored = await api.SubscriptionAsync(id);
        Assert.Equal(("canceled", false), (stored["status"].AsString, stored["auto_renew"].AsBoolean));
        var mine = await (await client.GetAsync("/api/subscriptions/me", Http.Ct)).ReadAsync<JsonObject>();
        Assert.Equal(("canceled", false), (mine["status"]!.GetValue<string>(), mine["autoRenew"]!.GetValue<bool>()));
    }

    [Fact]
    public async Task Stripe_s_event_for_a_plan_change_made_here_in_the_same_second_is_applied()
    {
        var (user, client, id, stripeId) = await SubscribedAsync();
        // Half a second into a second: Stripe dates its event to the whole second, before our answer.
        var now = api.Clock.GetUtcNow();
        api.Clock.Advance(TimeSpan.FromMilliseconds(1500 - now.Millisecond));
        await (await client.PostJsonAsync("/api/subscriptions/me/change-plan", new { planId = "family", billingPeriod = "yearly" })).ReadAsync<JsonObject>();

        // Stripe's customer.subscription.updated for that change: the period its proration settled on.
        var at = api.Clock.GetUtcNow();
        var periodEnd = at.AddDays(400);
        var echo = StripePayloads.Subscription(stripeId, StripePayloads.NewId("cus"), user.Id, "family", "yearly", 19990, "USD", "active", at, periodEnd);
        Assert.False(await api.DeliverAsync(StripePayloads.Event("customer.subscription.updated", echo, at)));

        var stored = await api.SubscriptionAsync(id);
        Assert.Equal(("family", "yearly", "active"), (stored["plan_id"].AsString, stored["billing_period"].AsString, stored["status"].AsString));
        Assert.Equal(WebhookSupport.Utc(periodEnd), stored["end_date"].ToUniversalTime());
        Assert.Equal(WebhookSupport.Utc(at), stored["provider_updated_at"].ToUniversalTime());
    }

    [Fact]
    public async Task Resume_undoes_the_cancel_while_the_period_lasts()
    {
        var (_, client, id, stripeId) = await SubscribedAsync();
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/api/subscriptions/me/cancel", null, Http.Ct)).StatusCode);

        var resumed = await (await client.PostAsync("/api/subscriptions/me/resume", null, Http.Ct)).ReadAsync<JsonObject>();

        Assert.True(resumed["autoRenew"]!.GetValue<bool>());
        Assert.Equal("active", resumed["status"]!.GetValue<string>());
        Assert.Equal(["true", "false"], UpdatesOf(stripeId).Select(r => r["cancel_at_period_end"]));
        var stored = await api.SubscriptionAsync(id);
        Assert.True(stored["auto_renew"].AsBoolean);
        Assert.Equal("active", stored["status"].AsString);
        Assert.False(stored.Contains("canceled_at"));
        Assert.Single(await api.AuditAsync("subscription.resumed", id));

        // Resuming a subscription that renews anyway changes nothing.
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/api/subscriptions/me/resume", null, Http.Ct)).StatusCode);
        Assert.Equal(2, UpdatesOf(stripeId).Count);
    }

    [Fact]
    public async Task A_subscription_the_webhook_marked_canceled_at_period_end_can_be_resumed()
    {
        var user = await api.SignUpAsync();
        var stripeId = api.AddStripeSubscription(user.Id);
        api.Stripe.Subscription(stripeId)!["cancel_at_period_end"] = true;
        var id = await api.SeedSubscriptionAsync(user.Id, status: "canceled", endDate: api.ClockNow().AddDays(3), autoRenew: false, providerSubscriptionId: stripeId);

        var resumed = await (await api.ClientFor(user).PostAsync("/api/subscriptions/me/resume", null, Http.Ct)).ReadAsync<JsonObject>();

        Assert.Equal("active", resumed["status"]!.GetValue<string>());
        Assert.True(resumed["autoRenew"]!.GetValue<bool>());
        Assert.Equal("false", Assert.Single(UpdatesOf(stripeId))["cancel_at_period_end"]);
        var stored = await api.SubscriptionAsync(id);
        Assert.Equal("active", stored["status"].AsString);
        Assert.True(stored["auto_renew"].AsBoolean);
    }

    [Fact]
    public async Task A_period_that_is_over_cannot_be_resumed_and_a_past_due_plan_cannot_be_changed()
    {
        var user = await api.SignUpAsync();
        var stripeId = api.AddStripeSubscription(user.Id);
        await api.SeedSubscriptionAsync(user.Id, status: "active", endDate: api.ClockNow().AddDays(-1), autoRenew: false, providerSubscriptionId: stripeId);
        await (await api.ClientFor(user).PostAsync("/api/subscriptions/me/resume", null, Http.Ct)).AssertProblemAsync(HttpStatusCode.Conflict);

        var late = await api.SignUpAsync();
        var lateStripeId = api.AddStripeSubscription(late.Id);
        await api.SeedSubscriptionAsync(late.Id, status: "past_due", endDate: api.ClockNow().AddDays(-1), providerSubscriptionId: lateStripeId, graceUntil: api.ClockNow().AddDays(2));
        await (await api.ClientFor(late).PostJsonAsync("/api/subscriptions/me/change-plan", new { planId = "family", billingPeriod = "monthly" }))
            .AssertProblemAsync(HttpStatusCode.Conflict);

        Assert.Empty(UpdatesOf(stripeId));
        Assert.Empty(UpdatesOf(lateStripeId));
    }

    [Fact]
    public async Task A_stripe_failure_changes_nothing_locally()
    {
        var (_, client, id, _) = await SubscribedAsync();
        api.Stripe.FailNext(500);

        var response = await client.PostAsync("/api/subscriptions/me/cancel", null, Http.Ct);

        await response.AssertProblemAsync(HttpStatusCode.BadGateway);
        var stored = await api.SubscriptionAsync(id);
        Assert.True(stored["auto_renew"].AsBoolean);
        Assert.Empty(await api.AuditAsync("subscription.cancel_at_period_end", id));
    }

    [Fact]
    public async Task A_subscription_stripe_has_not_confirmed_yet_cannot_be_changed()
    {
        var user = await api.SignUpAsync();
        var id = await api.SeedSubscriptionAsync(user.Id);

        await (await api.ClientFor(user).PostAsync("/api/subscriptions/me/cancel", null, Http.Ct)).AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.True((await api.SubscriptionAsync(id))["auto_renew"].AsBoolean);
    }

    [Fact]
    public async Task Change_plan_asks_stripe_for_the_new_price_and_stores_its_answer_and_the_tier()
    {
        var (user, client, id, stripeId) = await SubscribedAsync();

        var changed = await (await client.PostJsonAsync("/api/subscriptions/me/change-plan?lang=es", new { planId = "family", billingPeriod = "yearly" })).ReadAsync<JsonObject>();

        Assert.Equal("family", changed["planId"]!.GetValue<string>());
        Assert.Equal("Familiar", changed["planName"]!.GetValue<string>());
        Assert.Equal("yearly", changed["billingPeriod"]!.GetValue<string>());
        Assert.Equal(199.90m, changed["amount"]!.GetValue<decimal>());
        var call = Assert.Single(UpdatesOf(stripeId));
        Assert.Equal("family", call["metadata[planId]"]);
        Assert.Equal("yearly", call["metadata[billingPeriod]"]);
        Assert.Equal("19990", call["items[0][price_data][unit_amount]"]);
        Assert.Equal("year", call["items[0][price_data][recurring][interval]"]);
        Assert.Equal("create_prorations", call["proration_behavior"]);
        var stored = await api.SubscriptionAsync(id);
        Assert.Equal("family", stored["plan_id"].AsString);
        Assert.Equal("yearly", stored["billing_period"].AsString);
        Assert.Equal(199.90, stored["amount"].AsDouble, 2);
        Assert.Equal("family", await api.TierAsync(user.Id));
        var audit = Assert.Single(await api.AuditAsync("subscription.plan_changed", id));
        Assert.Equal("premium", audit["changes"]["before"]["plan_id"].AsString);
        Assert.Equal("family", audit["changes"]["after"]["plan_id"].AsString);
        var entitlements = await (await client.GetAsync("/api/subscriptions/me/entitlements", Http.Ct)).ReadAsync<JsonObject>();
        Assert.Equal("family", entitlements["tier"]!.GetValue<string>());
        Assert.Equal(4, entitlements["streams"]!.GetValue<int>());
        Assert.True(entitlements["downloads"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Change_plan_to_the_same_plan_and_period_is_409_and_bad_bodies_are_400()
    {
        var (_, client, id, stripeId) = await SubscribedAsync();

        await (await client.PostJsonAsync("/api/subscriptions/me/change-plan", new { planId = "premium", billingPeriod = "monthly" })).AssertProblemAsync(HttpStatusCode.Conflict);
        await (await client.PostJsonAsync("/api/subscriptions/me/change-plan", new { planId = "gold", billingPeriod = "monthly" })).AssertValidationProblemAsync("planId");
        await (await client.PostJsonAsync("/api/subscriptions/me/change-plan", new { planId = "basic", billingPeriod = "daily" })).AssertValidationProblemAsync("billingPeriod");
        await (await client.PostJsonAsync("/api/subscriptions/me/change-plan", new { planId = "basic", billingPeriod = "monthly", amount = 1 })).AssertValidationProblemAsync("amount");

        Assert.Empty(UpdatesOf(stripeId));
        Assert.Equal("premium", (await api.SubscriptionAsync(id))["plan_id"].AsString);
    }

    [Fact]
    public async Task Entitlements_follow_the_subscription_status_and_dates()
    {
        var now = api.ClockNow();
        async Task<JsonObject> EntitlementsOf(string status, DateTime endDate, DateTime? graceUntil = null)
        {
            var user = await api.SignUpAsync();
            await api.SeedSubscriptionAsync(user.Id, "premium", status, endDate, graceUntil: graceUntil);
            return await (await api.ClientFor(user).GetAsync("/api/subscriptions/me/entitlements", Http.Ct)).ReadAsync<JsonObject>();
        }

        var active = await EntitlementsOf("active", now.AddDays(10));
        Assert.Equal("premium", active["tier"]!.GetValue<string>());
        Assert.Equal(2, active["streams"]!.GetValue<int>());
        Assert.Equal("HD", active["quality"]!.GetValue<string>());
        Assert.True(active["liveTv"]!.GetValue<bool>());
        Assert.True(active["aiFeatures"]!.GetValue<bool>());
        Assert.False(active["downloads"]!.GetValue<bool>());
        // Active until end_date plus the grace days (Payments:GraceDays, 3), for a late renewal.
        Assert.Equal(now.AddDays(13), active["validUntil"]!.GetValue<DateTime>().ToUniversalTime(), TimeSpan.FromSeconds(1));
        Assert.Equal("premium", (await EntitlementsOf("active", now.AddDays(-2)))["tier"]!.GetValue<string>());
        Assert.Equal("free", (await EntitlementsOf("active", now.AddDays(-4)))["tier"]!.GetValue<string>());
        Assert.Equal("premium", (await EntitlementsOf("past_due", now.AddDays(-1), now.AddDays(1)))["tier"]!.GetValue<string>());
        Assert.Equal("free", (await EntitlementsOf("past_due", now.AddDays(-1), now.AddHours(-1)))["tier"]!.GetValue<string>());
        Assert.Equal("premium", (await EntitlementsOf("canceled", now.AddDays(1)))["tier"]!.GetValue<string>());
        Assert.Equal("free", (await EntitlementsOf("canceled", now.AddHours(-1)))["tier"]!.GetValue<string>());
        Assert.Equal("free", (await EntitlementsOf("expired", now.AddDays(10)))["tier"]!.GetValue<string>());
    }
}
