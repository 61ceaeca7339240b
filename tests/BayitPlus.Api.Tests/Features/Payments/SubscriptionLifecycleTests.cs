using System.Net;
using System.Text.Json.Nodes;
using BayitPlus.Api.Infrastructure.Auth;
using BayitPlus.Api.Tests.Support;

namespace BayitPlus.Api.Tests.Features.Payments;

/// <summary>The user's and the admins' endpoints together with the signed Stripe webhooks that
/// follow each of their calls, as in production: what the user sees after each step.</summary>
[Collection<PaymentsCollection>]
public sealed class SubscriptionLifecycleTests(PaymentsApiFactory api)
{
    private const string Reason = "Goodwill refund after an outage";

    [Fact]
    public async Task Checkout_then_webhooks_then_cancel_resume_change_plan_and_refund_agree()
    {
        var user = await api.SignUpAsync();
        var client = api.ClientFor(user);
        var admin = (await api.SignedInClientAsync(Roles.Admin)).Client;
        var customer = new StripeCustomer(user.Id, "premium", "monthly", "USD", 1499);
        var now = api.Clock.GetUtcNow();
        var periodEnd = now.AddMonths(1);
        var step = 0;
        DateTimeOffset Next() => now.AddSeconds(++step);

        Assert.Equal(HttpStatusCode.OK, (await client.PostJsonAsync("/api/subscriptions/checkout", new { planId = "premium", billingPeriod = "monthly", provider = "stripe" })).StatusCode);
        api.Stripe.AddSubscription(StripePayloads.Subscription(customer.SubscriptionId, customer.CustomerId, user.Id, "premium", "monthly", 1499, "USD", "active", now, periodEnd));
        await api.DeliverAsync(customer.CheckoutCompleted(Next()));
        await api.DeliverAsync(customer.Subscription("customer.subscription.created", "active", Next(), now, periodEnd));
        var intent = StripePayloads.NewId("pi");
        await api.DeliverAsync(customer.InvoicePaid(Next(), now, periodEnd, intent));

        var mine = await (await client.GetAsync("/api/subscriptions/me?lang=en", Http.Ct)).ReadAsync<JsonObject>();
        Assert.Equal(("premium", "Premium", "active", true), (mine["planId"]!.GetValue<string>(), mine["planName"]!.GetValue<string>(), mine["status"]!.GetValue<string>(),
            mine["autoRenew"]!.GetValue<bool>()));
        await (await client.PostJsonAsync("/api/subscriptions/checkout", new { planId = "family", billingPeriod = "monthly", provider = "stripe" }))
            .AssertProblemAsync(HttpStatusCode.Conflict);

        // Cancel, and Stripe's update event that follows: canceled at period end, access kept.
        Assert.False((await (await client.PostAsync("/api/subscriptions/me/cancel", null, Http.Ct)).ReadAsync<JsonObject>())["autoRenew"]!.GetValue<bool>());
        await api.DeliverAsync(customer.Subscription("customer.subscription.updated", "active", Next(), now, periodEnd, cancelAtPeriodEnd: true));
        mine = await (await client.GetAsync("/api/subscriptions/me", Http.Ct)).ReadAsync<JsonObject>();
        Assert.Equal(("canceled", false), (mine["status"]!.GetValue<string>(), mine["autoRenew"]!.GetValue<bool>()));
        Assert.Equal("premium", (await (await client.GetAsync("/api/subscriptions/me/entitlements", Http.Ct)).ReadAsync<JsonObject>())["tier"]!.GetValue<string>());

        // Resume, and its event.
        mine = await (await client.PostAsync("/api/subscriptions/me/resume", null, Http.Ct)).ReadAsync<JsonObject>();
        Assert.Equal(("active", true), (mine["status"]!.GetValue<string>(), mine["autoRenew"]!.GetValue<bool>()));
        await api.DeliverAsync(customer.Subscription("customer.subscription.updated", "active", Next(), now, periodEnd));
        mine = await (await client.GetAsync("/api/subscriptions/me", Http.Ct)).ReadAsync<JsonObject>();
        Assert.Equal(("active", true), (mine["status"]!.GetValue<string>(), mine["autoRenew"]!.GetValue<bool>()));

        // Plan change, and its event.
        Assert.Equal("family", (await (await client.PostJsonAsync("/api/subscriptions/me/change-plan", new { planId = "family", billingPeriod = "monthly" }))
            .ReadAsync<JsonObject>())["planId"]!.GetValue<string>());
        await api.DeliverAsync(customer.Subscription("customer.subscription.updated", "active", Next(), now, periodEnd, planId: "family", amount: 1999));
        mine = await (await client.GetAsync("/api/subscriptions/me", Http.Ct)).ReadAsync<JsonObject>();
        Assert.Equal(("family", 19.99m), (mine["planId"]!.GetValue<string>(), mine["amount"]!.GetValue<decimal>()));
        Assert.Equal(4, (await (await client.GetAsync("/api/subscriptions/me/entitlements", Http.Ct)).ReadAsync<JsonObject>())["streams"]!.GetValue<int>());

        // An admin refunds part of the first payment; Stripe's refund event records it.
        var payments = await (await admin.GetAsync($"/api/admin/transactions?userId={user.Id}&type=payment", Http.Ct)).ReadAsync<JsonObject>();
        var payment = Assert.Single(payments.ItemsOf())!;
        Assert.Equal(intent, payment["providerTransactionId"]!.GetValue<string>());
        var refund = await (await admin.PostJsonAsync($"/api/admin/transactions/{payment["id"]}/refund", new { amount = 5, reason = Reason })).ReadAsync<JsonObject>(HttpStatusCode.Accepted);
        await api.DeliverAsync(customer.ChargeRefunded(Next(), intent, (refund["providerRefundId"]!.GetValue<string>(), 500)));

        var refunds = await (await admin.GetAsync($"/api/admin/transactions?userId={user.Id}&type=refund", Http.Ct)).ReadAsync<JsonObject>();
        var recorded = Assert.Single(refunds.ItemsOf())!;
        Assert.Equal((5m, intent), (recorded["amount"]!.GetValue<decimal>(), recorded["refundOf"]!.GetValue<string>()));
        payments = await (await admin.GetAsync($"/api/admin/transactions?userId={user.Id}&type=payment", Http.Ct)).ReadAsync<JsonObject>();
        Assert.Equal(5m, payments.ItemsOf()[0]!["amountRefunded"]!.GetValue<decimal>());
        await (await admin.PostJsonAsync($"/api/admin/transactions/{payment["id"]}/refund", new { amount = 10, reason = Reason })).AssertProblemAsync(HttpStatusCode.Conflict);
        var rest = await (await admin.PostJsonAsync($"/api/admin/transactions/{payment["id"]}/refund", new { reason = Reason })).ReadAsync<JsonObject>(HttpStatusCode.Accepted);
        Assert.Equal(9.99m, rest["amount"]!.GetValue<decimal>());
    }
}
