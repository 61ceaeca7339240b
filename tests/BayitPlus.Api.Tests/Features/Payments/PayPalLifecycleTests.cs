using System.Net;
using System.Text.Json.Nodes;
using BayitPlus.Api.Features.Payments;
using BayitPlus.Api.Tests.Features.Audit;
using BayitPlus.Api.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using MongoDB.Bson;
using MongoDB.Driver;
using static BayitPlus.Api.Tests.Features.Payments.PayPalPayloads;

namespace BayitPlus.Api.Tests.Features.Payments;

/// <summary>PayPal events through <c>POST /api/payments/webhooks/paypal</c> and the processor: what
/// each stores, and what a forged delivery or PayPal down answers.</summary>
[Collection<PaymentsCollection>]
public sealed class PayPalLifecycleTests(PaymentsApiFactory api, ApiFactory unconfigured)
{
    private readonly string _ip = ClientAddresses.NewIp();

    private HttpClient Client()
    {
        var client = api.CreateClient();
        client.DefaultRequestHeaders.Add(ClientIpStartupFilter.Header, _ip);
        return client;
    }

    private async Task<JsonObject> DeliverAsync(string payload, bool genuine = true, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var response = await api.PostPayPalEventAsync(payload, genuine, client: Client());
        var body = await response.Content.ReadAsStringAsync(Http.Ct);
        Assert.True(response.StatusCode == expected, $"expected {(int)expected}, got {(int)response.StatusCode}: {body}");
        return JsonNode.Parse(body)!.AsObject();
    }

    private async Task<BsonDocument> StoredSubscriptionAsync(string subscriptionId) =>
        Assert.Single(await api.Raw("subscription").Find(new BsonDocument { ["payment_method"] = "paypal", ["provider_subscription_id"] = subscriptionId }).ToListAsync(Http.Ct));

    private async Task<string?> TierAsync(string userId)
    {
        var user = await api.Raw("user").Find(new BsonDocument("_id", ObjectId.Parse(userId))).SingleAsync(Http.Ct);
        return user.TryGetValue("subscription_tier", out var tier) && !tier.IsBsonNull ? tier.AsString : null;
    }

    /// <summary>A new account whose PayPal subscription (premium, monthly, USD) was approved now, in its trial.</summary>
    private async Task<(string UserId, string SubscriptionId, DateTimeOffset TrialEnd)> ActivatedAsync()
    {
        var userId = (await api.SignUpAsync()).Id;
        var now = api.Clock.GetUtcNow();
        var subscriptionId = NewId("I-");
        var trialEnd = now.AddDays(7);
        var resource = api.PayPal.AddSubscription(Subscription(subscriptionId, userId, "premium", "monthly", "USD", "ACTIVE", now, trialEnd, inTrial: true));
        var receipt = await DeliverAsync(Event("BILLING.SUBSCRIPTION.ACTIVATED", resource, now));
        Assert.False(receipt["duplicate"]!.GetValue<bool>());
        return (userId, subscriptionId, trialEnd);
    }

    [Fact]
    public async Task Activation_then_a_payment_then_a_full_refund_start_extend_and_end_the_subscription()
    {
        var (userId, subscriptionId, _) = await ActivatedAsync();

        var started = await StoredSubscriptionAsync(subscriptionId);
        Assert.Equal((userId, "premium", "monthly", "active", true), (started["user_id"].AsString, started["plan_id"].AsString, started["billing_period"].AsString,
            started["status"].AsString, started["auto_renew"].AsBoolean));
        Assert.Equal((14.99, "USD", subscriptionId), (started["amount"].AsDouble, started["currency"].AsString, started["checkout_session_id"].AsString));
        Assert.Equal("premium", await TierAsync(userId));

        // The trial is over: PayPal bills the first month and moves the next billing a month on.
        var paidAt = api.Clock.GetUtcNow();
        var nextBilling = paidAt.AddDays(37);
        api.PayPal.Subscription(subscriptionId)!["billing_info"]!["next_billing_time"] = Time(nextBilling);
        var saleId = NewId("SALE");
        await DeliverAsync(Event("PAYMENT.SALE.COMPLETED", Sale(saleId, subscriptionId, 14.99m, "USD", paidAt), paidAt));

        var payment = Assert.Single(await api.Raw("transaction").Find(new BsonDocument("provider_transaction_id", saleId)).ToListAsync(Http.Ct));
        Assert.Equal((userId, 14.99, "USD", "payment", "success", "paypal"), (payment["user_id"].AsString, payment["amount"].AsDouble, payment["currency"].AsString,
            payment["transaction_type"].AsString, payment["status"].AsString, payment["payment_provider"].AsString));
        Assert.Equal(DateTimeOffset.Parse(Time(nextBilling), System.Globalization.CultureInfo.InvariantCulture).UtcDateTime,
            (await StoredSubscriptionAsync(subscriptionId))["end_date"].ToUniversalTime());

        // An admin refunded it all at PayPal.
        api.PayPal.AddSale(saleId, 14.99m, "USD", subscriptionId)["state"] = "refunded";
        var refundId = NewId("RF");
        await DeliverAsync(Event("PAYMENT.SALE.REFUNDED", SaleRefund(refundId, saleId, 14.99m, "USD", paidAt), paidAt));

        var refund = Assert.Single(await api.Raw("transaction").Find(new BsonDocument("provider_transaction_id", refundId)).ToListAsync(Http.Ct));
        Assert.Equal(("refund", 14.99, saleId, "paypal"), (refund["transaction_type"].AsString, refund["amount"].AsDouble, refund["refund_of"].AsString, refund["payment_provider"].AsString));
        Assert.Equal("expired", (await StoredSubscriptionAsync(subscriptionId))["status"].AsString);
        Assert.Null(await TierAsync(userId));
    }

    [Fact]
    public async Task A_partial_refund_is_recorded_and_keeps_the_subscription()
    {
        var (userId, subscriptionId, _) = await ActivatedAsync();
        var now = api.Clock.GetUtcNow();
        var saleId = NewId("SALE");
        await DeliverAsync(Event("PAYMENT.SALE.COMPLETED", Sale(saleId, subscriptionId, 14.99m, "USD", now), now));
        api.PayPal.AddSale(saleId, 14.99m, "USD", subscriptionId)["state"] = "partially_refunded";

        await DeliverAsync(Event("PAYMENT.SALE.REFUNDED", SaleRefund(NewId("RF"), saleId, 5m, "USD", now), now));

        var payment = Assert.Single(await api.Raw("transaction").Find(new BsonDocument("provider_transaction_id", saleId)).ToListAsync(Http.Ct));
        Assert.Equal(5.0, payment["amount_refunded"].AsDouble);
        Assert.Equal("active", (await StoredSubscriptionAsync(subscriptionId))["status"].AsString);
        Assert.Equal("premium", await TierAsync(userId));
    }

    [Fact]
    public async Task A_refund_PayPal_reports_failed_or_cancelled_is_recorded_failed_and_never_counted()
    {
        var (userId, subscriptionId, _) = await ActivatedAsync();
        var now = api.Clock.GetUtcNow();
        var saleId = NewId("SALE");
        await DeliverAsync(Event("PAYMENT.SALE.COMPLETED", Sale(saleId, subscriptionId, 14.99m, "USD", now), now));
        api.PayPal.AddSale(saleId, 14.99m, "USD", subscriptionId);
        var failed = SaleRefund(NewId("RF"), saleId, 5m, "USD", now);
        failed["state"] = "failed";
        var cancelled = SaleRefund(NewId("RF"), saleId, 4m, "USD", now);
        cancelled["state"] = "cancelled";

        Assert.False((await DeliverAsync(Event("PAYMENT.SALE.REFUNDED", failed, now)))["duplicate"]!.GetValue<bool>());
        Assert.False((await DeliverAsync(Event("PAYMENT.SALE.REFUNDED", cancelled, now)))["duplicate"]!.GetValue<bool>());

        var refunds = await api.Raw("transaction").Find(new BsonDocument { ["refund_of"] = saleId }).ToListAsync(Http.Ct);
        Assert.Equal([("failed", 5.0), ("failed", 4.0)], refunds.Select(r => (r["status"].AsString, r["amount"].AsDouble)).OrderByDescending(r => r.Item2));
        Assert.Equal(0.0, (await api.Raw("transaction").Find(new BsonDocument("provider_transaction_id", saleId)).SingleAsync(Http.Ct))["amount_refunded"].AsDouble);

        // A late event listing the first as completed neither brings it back nor counts it.
        var late = SaleRefund(failed["id"]!.GetValue<string>(), saleId, 5m, "USD", now);
        Assert.False((await DeliverAsync(Event("PAYMENT.SALE.REFUNDED", late, now.AddSeconds(-30))))["duplicate"]!.GetValue<bool>());
        Assert.Equal(2, (await api.Raw("transaction").Find(new BsonDocument { ["refund_of"] = saleId, ["status"] = "failed" }).ToListAsync(Http.Ct)).Count);
        Assert.Equal(0.0, (await api.Raw("transaction").Find(new BsonDocument("provider_transaction_id", saleId)).SingleAsync(Http.Ct))["amount_refunded"].AsDouble);
        Assert.Equal("active", (await StoredSubscriptionAsync(subscriptionId))["status"].AsString);
        Assert.Equal("premium", await TierAsync(userId));
    }

    [Fact]
    public async Task A_cancellation_stops_the_renewals_and_keeps_the_paid_period()
    {
        var (userId, subscriptionId, trialEnd) = await ActivatedAsync();
        var endBefore = (await StoredSubscriptionAsync(subscriptionId))["end_date"].ToUniversalTime();
        var resource = api.PayPal.Subscription(subscriptionId)!.DeepClone().AsObject();
        resource["status"] = "CANCELLED";
        resource["billing_info"]!.AsObject().Remove("next_billing_time");

        await DeliverAsync(Event("BILLING.SUBSCRIPTION.CANCELLED", resource, api.Clock.GetUtcNow().AddMinutes(1)));

        var canceled = await StoredSubscriptionAsync(subscriptionId);
        Assert.Equal(("canceled", false), (canceled["status"].AsString, canceled["auto_renew"].AsBoolean));
        Assert.Equal(endBefore, canceled["end_date"].ToUniversalTime());
        Assert.True(endBefore >= trialEnd.UtcDateTime.AddSeconds(-1));
        Assert.Equal("premium", await TierAsync(userId));
    }

    [Fact]
    public async Task The_same_event_delivered_twice_is_applied_once()
    {
        var userId = (await api.SignUpAsync()).Id;
        var now = api.Clock.GetUtcNow();
        var payload = Event("BILLING.SUBSCRIPTION.ACTIVATED", Subscription(NewId("I-"), userId, "basic", "monthly", "USD", "ACTIVE", now, now.AddDays(7), inTrial: true), now);

        var first = await DeliverAsync(payload);
        var second = await DeliverAsync(payload);

        Assert.Equal((false, true), (first["duplicate"]!.GetValue<bool>(), second["duplicate"]!.GetValue<bool>()));
        Assert.Single(await api.Raw("subscription").Find(new BsonDocument("user_id", userId)).ToListAsync(Http.Ct));
    }

    [Fact]
    public async Task A_delivery_PayPal_does_not_confirm_is_a_400_and_a_high_security_event_and_changes_nothing()
    {
        var userId = (await api.SignUpAsync()).Id;
        var now = api.Clock.GetUtcNow();
        var payload = Event("BILLING.SUBSCRIPTION.ACTIVATED", Subscription(NewId("I-"), userId, "family", "yearly", "USD", "ACTIVE", now, now.AddDays(7), inTrial: true), now);

        var response = await api.PostPayPalEventAsync(payload, genuine: false, client: Client());

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal("urn:bayitplus:problem:webhook-signature-invalid", problem["type"]!.GetValue<string>());
        var recorded = Assert.Single(await api.StoredEventsAsync(new BsonDocument { ["event_type"] = "webhook_signature_invalid", ["ip_address"] = _ip }));
        Assert.Equal(("high", "paypal"), (recorded["severity"].AsString, recorded["details"]["provider"].AsString));
        Assert.Empty(await api.Raw("subscription").Find(new BsonDocument("user_id", userId)).ToListAsync(Http.Ct));
        Assert.Null(await TierAsync(userId));
    }

    [Fact]
    public async Task PayPal_down_while_verifying_is_a_502_the_provider_retries_not_a_bad_delivery()
    {
        var userId = (await api.SignUpAsync()).Id;
        var now = api.Clock.GetUtcNow();
        var payload = Event("BILLING.SUBSCRIPTION.ACTIVATED", Subscription(NewId("I-"), userId, "basic", "yearly", "USD", "ACTIVE", now, now.AddDays(7), inTrial: true), now);
        // The host's token is cached first, so the failure is the verification call's.
        var known = api.PayPal.AddSubscription(Subscription(NewId("I-"), userId, "basic", "yearly", "USD", "ACTIVE", now, now.AddDays(7)))["id"]!.GetValue<string>();
        await api.Services.GetRequiredService<PayPalClient>().SendAsync(HttpMethod.Get, $"/v1/billing/subscriptions/{known}", null, null, Http.Ct);
        api.PayPal.FailNext(503);

        var response = await api.PostPayPalEventAsync(payload, client: Client());

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadGateway);
        Assert.Equal("urn:bayitplus:problem:payment-provider-error", problem["type"]!.GetValue<string>());
        Assert.DoesNotContain("Fake PayPal", problem.ToJsonString(), StringComparison.Ordinal);
        Assert.Empty(await api.StoredEventsAsync(new BsonDocument { ["event_type"] = "webhook_signature_invalid", ["ip_address"] = _ip }));
        Assert.Empty(await api.Raw("subscription").Find(new BsonDocument("user_id", userId)).ToListAsync(Http.Ct));

        await DeliverAsync(payload);
        Assert.Single(await api.Raw("subscription").Find(new BsonDocument("user_id", userId)).ToListAsync(Http.Ct));
    }

    [Fact]
    public async Task A_host_without_PayPal_settings_answers_its_webhook_503()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/payments/webhooks/paypal") { Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json") };

        var response = await unconfigured.CreateClient().SendAsync(request, Http.Ct);

        var problem = await response.AssertProblemAsync(HttpStatusCode.ServiceUnavailable);
        Assert.Equal("urn:bayitplus:problem:payment-provider-not-configured", problem["type"]!.GetValue<string>());
    }
}
