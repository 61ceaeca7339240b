using System.Net;
using System.Text.Json.Nodes;
using BayitPlus.Api.Tests.Support;
using MongoDB.Bson;
using MongoDB.Driver;
using static BayitPlus.Api.Tests.Features.Payments.PayPalPayloads;

namespace BayitPlus.Api.Tests.Features.Payments;

/// <summary>The subscription endpoints with provider <c>paypal</c>, against the fake PayPal: a checkout
/// is a PayPal subscription to approve, cancelling cancels it at PayPal and cannot be undone, a plan
/// change waits for the subscriber's approval; without PayPal settings a checkout is 503.</summary>
[Collection<PaymentsCollection>]
public sealed class PayPalSubscriptionTests(PaymentsApiFactory api, ApiFactory unconfigured)
{
    private const string CheckoutUrl = "/api/subscriptions/checkout";

    /// <summary>A new account with an active PayPal subscription (basic, monthly, USD) known to the fake PayPal.</summary>
    private async Task<(SignedInUser User, string SubscriptionId, DateTimeOffset NextBilling)> SubscribedAsync()
    {
        var user = await api.SignUpAsync();
        var now = api.Clock.GetUtcNow();
        var nextBilling = now.AddDays(12);
        var subscriptionId = NewId("I-");
        api.PayPal.AddSubscription(Subscription(subscriptionId, user.Id, "basic", "monthly", "USD", "ACTIVE", now.AddDays(-18), nextBilling, lastPayment: 9.99m));
        await api.SeedSubscriptionAsync(user.Id, "basic", endDate: now.AddDays(12).UtcDateTime, providerSubscriptionId: subscriptionId, amount: 9.99, provider: "paypal");
        return (user, subscriptionId, nextBilling);
    }

    [Fact]
    public async Task A_paypal_checkout_answers_the_approval_link_of_a_new_PayPal_subscription_for_the_user()
    {
        var user = await api.SignUpAsync();

        var response = await api.ClientFor(user).PostJsonAsync(CheckoutUrl, new { planId = "family", billingPeriod = "monthly", provider = "paypal" });

        var body = await response.ReadAsync<JsonObject>();
        var sessionId = body["sessionId"]!.GetValue<string>();
        Assert.Equal($"{FakePayPal.ApproveBase}BA-{sessionId[2..]}", body["checkoutUrl"]!.GetValue<string>());
        var created = api.PayPal.Subscription(sessionId)!;
        Assert.Equal(($"{user.Id}:family:monthly:USD", "P-FAMILY-M-USD"), (created["custom_id"]!.GetValue<string>(), created["plan_id"]!.GetValue<string>()));
        var request = Assert.Single(api.PayPal.RequestsTo("POST", "/v1/billing/subscriptions"), r => r.Body?["custom_id"]?.GetValue<string>() == $"{user.Id}:family:monthly:USD");
        Assert.Equal(user.Email, request.Body!["subscriber"]!["email_address"]!.GetValue<string>());
        Assert.Equal(PaymentsApiFactory.SuccessUrl, request.Body["application_context"]!["return_url"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(request.RequestId));
        Assert.Equal(0, await api.Raw("subscription").CountDocumentsAsync(new BsonDocument("user_id", user.Id), cancellationToken: Http.Ct));
    }

    [Fact]
    public async Task A_plan_PayPal_does_not_bill_in_the_currency_is_a_400_on_provider()
    {
        var user = await api.SignUpAsync();

        var response = await api.ClientFor(user).PostJsonAsync(CheckoutUrl, new { planId = "basic", billingPeriod = "monthly", provider = "paypal", currency = "ILS" });

        var problem = await response.AssertValidationProblemAsync("provider");
        Assert.Contains("not offered through PayPal", problem["errors"]!["provider"]![0]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PayPal_refusing_the_checkout_is_a_502_without_its_text()
    {
        var user = await api.SignUpAsync();
        api.PayPal.FailNext(500);

        var response = await api.ClientFor(user).PostJsonAsync(CheckoutUrl, new { planId = "basic", billingPeriod = "yearly", provider = "paypal" });

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadGateway);
        Assert.Equal("urn:bayitplus:problem:payment-provider-error", problem["type"]!.GetValue<string>());
        Assert.DoesNotContain("secret", problem.ToJsonString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Without_PayPal_settings_a_paypal_checkout_is_503()
    {
        var user = await unconfigured.SignUpAsync();

        var response = await unconfigured.ClientFor(user).PostJsonAsync(CheckoutUrl, new { planId = "basic", billingPeriod = "monthly", provider = "paypal" });

        var problem = await response.AssertProblemAsync(HttpStatusCode.ServiceUnavailable);
        Assert.Equal("urn:bayitplus:problem:payment-provider-not-configured", problem["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task Cancelling_cancels_at_PayPal_keeps_the_paid_period_and_cannot_be_resumed()
    {
        var (user, subscriptionId, nextBilling) = await SubscribedAsync();
        var client = api.ClientFor(user);

        var canceled = await (await client.PostAsync("/api/subscriptions/me/cancel", null, Http.Ct)).ReadAsync<JsonObject>();
        var resume = await client.PostAsync("/api/subscriptions/me/resume", null, Http.Ct);

        Assert.False(canceled["autoRenew"]!.GetValue<bool>());
        Assert.Equal(DateTimeOffset.Parse(Time(nextBilling), System.Globalization.CultureInfo.InvariantCulture).UtcDateTime, canceled["endDate"]!.GetValue<DateTime>().ToUniversalTime());
        Assert.Equal("CANCELLED", api.PayPal.Subscription(subscriptionId)!["status"]!.GetValue<string>());
        var problem = await resume.AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal("urn:bayitplus:problem:subscription-not-resumable", problem["type"]!.GetValue<string>());
        Assert.Empty(api.PayPal.RequestsTo("POST", $"/v1/billing/subscriptions/{subscriptionId}/activate"));
    }

    [Fact]
    public async Task A_plan_change_asks_PayPal_to_revise_and_changes_nothing_before_the_subscriber_approves()
    {
        var (user, subscriptionId, _) = await SubscribedAsync();

        var response = await api.ClientFor(user).PostJsonAsync("/api/subscriptions/me/change-plan", new { planId = "premium", billingPeriod = "yearly" });

        var answer = await response.ReadAsync<JsonObject>();
        var revise = Assert.Single(api.PayPal.RequestsTo("POST", $"/v1/billing/subscriptions/{subscriptionId}/revise"));
        Assert.Equal("P-PREMIUM-Y-USD", revise.Body!["plan_id"]!.GetValue<string>());
        Assert.Equal(("basic", "monthly"), (answer["planId"]!.GetValue<string>(), answer["billingPeriod"]!.GetValue<string>()));
        Assert.StartsWith("https://", answer["approvalUrl"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("basic", (await api.Database.GetCollection<BsonDocument>("subscription").Find(new BsonDocument("provider_subscription_id", subscriptionId)).SingleAsync(Http.Ct))["plan_id"].AsString);
    }
}
