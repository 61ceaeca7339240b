using System.Net;
using System.Text.Json.Nodes;
using BayitPlus.Api.Features.Payments;
using BayitPlus.Api.Infrastructure.Auth;
using BayitPlus.Api.Tests.Features.Audit;
using BayitPlus.Api.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Tests.Features.Payments;

/// <summary><c>charge.refunded</c>: each Stripe refund is one <c>refund</c> record, the payment keeps
/// the total given back, and a payment given back in full ends its subscription.</summary>
[Collection<PaymentsCollection>]
public sealed class WebhookRefundTests(PaymentsApiFactory api)
{
    /// <summary>A paid subscription and the PaymentIntent of its payment.</summary>
    private async Task<(StripeCustomer Customer, string PaymentIntent)> PaidAsync()
    {
        var customer = await api.NewCustomerAsync("basic");
        var now = api.Clock.GetUtcNow();
        var paymentIntent = StripePayloads.NewId("pi");
        Assert.False(await api.DeliverAsync(customer.CheckoutCompleted(now)));
        Assert.False(await api.DeliverAsync(customer.InvoicePaid(now.AddSeconds(1), now, now.AddMonths(1), paymentIntent)));
        return (customer, paymentIntent);
    }

    [Fact]
    public async Task A_full_refund_is_recorded_and_ends_the_subscription()
    {
        var (customer, paymentIntent) = await PaidAsync();
        var refundId = StripePayloads.NewId("re");

        Assert.False(await api.DeliverAsync(customer.ChargeRefunded(api.Clock.GetUtcNow().AddMinutes(1), paymentIntent, (refundId, 999))));

        var records = await api.TransactionsAsync(customer);
        Assert.Equal(2, records.Count);
        var payment = records.Single(t => t["transaction_type"] == "payment");
        var refund = records.Single(t => t["transaction_type"] == "refund");
        Assert.Equal(9.99, payment["amount_refunded"].AsDouble);
        Assert.Equal(refundId, refund["provider_transaction_id"].AsString);
        Assert.Equal(paymentIntent, refund["refund_of"].AsString);
        Assert.Equal((9.99, "USD", "success", "stripe"), (refund["amount"].AsDouble, refund["currency"].AsString, refund["status"].AsString, refund["payment_provider"].AsString));
        Assert.Equal(payment["subscription_id"], refund["subscription_id"]);
        Assert.Equal(customer.UserId, refund["user_id"].AsString);
        var subscription = await api.SubscriptionAsync(customer);
        Assert.Equal("expired", subscription["status"].AsString);
        Assert.False(subscription["auto_renew"].AsBoolean);
        Assert.Null(await api.TierAsync(customer));
        var audit = Assert.Single(await api.AuditRecordsAsync(paymentIntent));
        Assert.Equal(("payment.refunded", "transaction"), (audit["action_type"].AsString, audit["resource_type"].AsString));
        Assert.Equal(9.99, audit["changes"]["after"]["amount_refunded"].AsDouble);
    }

    [Fact]
    public async Task A_full_refund_cancels_the_subscription_at_Stripe_once_so_it_is_never_billed_again()
    {
        var (customer, paymentIntent) = await PaidAsync();
        var now = api.Clock.GetUtcNow();
        api.Stripe.AddSubscription(StripePayloads.Subscription(customer.SubscriptionId, customer.CustomerId, customer.UserId, "basic", "monthly", 999, "usd", "active", now, now.AddMonths(1)));

        Assert.False(await api.DeliverAsync(customer.ChargeRefunded(now.AddMinutes(1), paymentIntent, (StripePayloads.NewId("re"), 999))));
        Assert.True((await api.SubscriptionAsync(customer)).Contains("provider_cancel_requested_at"));
        var job = api.Services.GetRequiredService<ProviderCancellationJob>();
        await job.RunOnceAsync(Http.Ct);
        await job.RunOnceAsync(Http.Ct);

        Assert.Single(api.Stripe.RequestsTo("DELETE", $"/v1/subscriptions/{customer.SubscriptionId}"));
        Assert.Equal("canceled", api.Stripe.Subscription(customer.SubscriptionId)!["status"]!.GetValue<string>());
        var subscription = await api.SubscriptionAsync(customer);
        Assert.False(subscription.Contains("provider_cancel_requested_at"));
        Assert.Equal("expired", subscription["status"].AsString);
    }

    [Fact]
    public async Task Partial_refunds_are_recorded_once_each_and_end_the_subscription_only_when_they_add_up()
    {
        var (customer, paymentIntent) = await PaidAsync();
        var first = StripePayloads.NewId("re");
        var second = StripePayloads.NewId("re");
        var now = api.Clock.GetUtcNow();

        Assert.False(await api.DeliverAsync(customer.ChargeRefunded(now.AddMinutes(1), paymentIntent, (first, 250))));
        var afterFirst = await api.TransactionsAsync(customer);
        Assert.Equal(2.50, afterFirst.Single(t => t["transaction_type"] == "payment")["amount_refunded"].AsDouble);
        Assert.Equal(2.50, afterFirst.Single(t => t["transaction_type"] == "refund")["amount"].AsDouble);
        Assert.Equal("active", (await api.SubscriptionAsync(customer))["status"].AsString);
        Assert.Equal("basic", await api.TierAsync(customer));

        // Stripe's next charge.refunded lists both refunds: only the new one is recorded.
        Assert.False(await api.DeliverAsync(customer.ChargeRefunded(now.AddMinutes(2), paymentIntent, (first, 250), (second, 749))));

        var records = await api.TransactionsAsync(customer);
        var refunds = records.Where(t => t["transaction_type"] == "refund").ToList();
        Assert.Equal([first, second], refunds.Select(r => r["provider_transaction_id"].AsString));
        Assert.Equal([2.50, 7.49], refunds.Select(r => r["amount"].AsDouble));
        Assert.Equal(9.99, records.Single(t => t["transaction_type"] == "payment")["amount_refunded"].AsDouble);
        Assert.Equal("expired", (await api.SubscriptionAsync(customer))["status"].AsString);
        Assert.Null(await api.TierAsync(customer));
    }

    [Fact]
    public async Task An_older_refund_event_arriving_late_neither_duplicates_a_refund_nor_lowers_the_total()
    {
        var (customer, paymentIntent) = await PaidAsync();
        var first = StripePayloads.NewId("re");
        var second = StripePayloads.NewId("re");
        var now = api.Clock.GetUtcNow();
        Assert.False(await api.DeliverAsync(customer.ChargeRefunded(now.AddMinutes(2), paymentIntent, (first, 100), (second, 200))));

        Assert.False(await api.DeliverAsync(customer.ChargeRefunded(now.AddMinutes(1), paymentIntent, (first, 100))));

        var records = await api.TransactionsAsync(customer);
        Assert.Equal(2, records.Count(t => t["transaction_type"] == "refund"));
        Assert.Equal(3.00, records.Single(t => t["transaction_type"] == "payment")["amount_refunded"].AsDouble);
        Assert.Equal("active", (await api.SubscriptionAsync(customer))["status"].AsString);
    }

    [Fact]
    public async Task A_refund_made_through_the_provider_is_recorded_from_the_charge_event_that_lists_none()
    {
        var (customer, paymentIntent) = await PaidAsync();
        var stripe = api.Services.GetServices<IPaymentProvider>().Single(p => p.Name == "stripe");
        var made = await stripe.RefundAsync(paymentIntent, 4.00m, "goodwill after an outage", "goodwill-1", Http.Ct);
        var charge = StripePayloads.Charge(paymentIntent, 999, "USD", (made.ProviderRefundId, 400));
        charge.Remove("refunds");

        Assert.False(await api.DeliverAsync(StripePayloads.Event("charge.refunded", charge, api.Clock.GetUtcNow().AddMinutes(1))));

        var refund = Assert.Single(await api.TransactionsAsync(customer), t => t["transaction_type"] == "refund");
        Assert.Equal((made.ProviderRefundId, 4.00, paymentIntent), (refund["provider_transaction_id"].AsString, refund["amount"].AsDouble, refund["refund_of"].AsString));
        Assert.Single(api.Stripe.RequestsTo("GET", "/v1/refunds"), r => r.Query.Contains(paymentIntent, StringComparison.Ordinal));
        Assert.Equal("active", (await api.SubscriptionAsync(customer))["status"].AsString);
    }

    [Fact]
    public async Task A_payment_whose_invoice_lists_no_payments_is_looked_up_and_else_recorded_under_the_invoice()
    {
        var customer = await api.NewCustomerAsync();
        var now = api.Clock.GetUtcNow();
        Assert.False(await api.DeliverAsync(customer.CheckoutCompleted(now)));
        var invoice = StripePayloads.Invoice(customer.SubscriptionId, customer.CustomerId, 999, "USD", now, now.AddMonths(1), StripePayloads.NewId("pi"));
        invoice.Remove("payments");

        Assert.False(await api.DeliverAsync(StripePayloads.Event("invoice.paid", invoice, now.AddSeconds(1))));

        var invoiceId = invoice["id"]!.GetValue<string>();
        Assert.Single(api.Stripe.RequestsTo("GET", "/v1/invoice_payments"), r => r.Query.Contains(invoiceId, StringComparison.Ordinal));
        Assert.Equal(invoiceId, Assert.Single(await api.TransactionsAsync(customer))["provider_transaction_id"].AsString);
    }

    [Fact]
    public async Task A_refund_arriving_before_its_payment_is_refused_as_early_and_applied_on_redelivery()
    {
        var customer = await api.NewCustomerAsync();
        var now = api.Clock.GetUtcNow();
        var paymentIntent = StripePayloads.NewId("pi");
        var refundId = StripePayloads.NewId("re");
        Assert.False(await api.DeliverAsync(customer.CheckoutCompleted(now)));
        var refunded = customer.ChargeRefunded(now.AddMinutes(1), paymentIntent, (refundId, 300));

        var early = await api.PostStripeEventAsync(refunded);

        var problem = await early.AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal("urn:bayitplus:problem:webhook-event-early", problem["type"]!.GetValue<string>());
        Assert.False(await api.MarkerExistsAsync(WebhookSupport.EventId(refunded)));
        Assert.Empty(await api.TransactionsAsync(customer));

        Assert.False(await api.DeliverAsync(customer.InvoicePaid(now.AddSeconds(1), now, now.AddMonths(1), paymentIntent)));
        Assert.False(await api.DeliverAsync(refunded));

        var refund = Assert.Single(await api.TransactionsAsync(customer), t => t["transaction_type"] == "refund");
        Assert.Equal((refundId, 3.00, paymentIntent), (refund["provider_transaction_id"].AsString, refund["amount"].AsDouble, refund["refund_of"].AsString));
        Assert.True(await api.MarkerExistsAsync(WebhookSupport.EventId(refunded)));
    }

    [Fact]
    public async Task A_pending_refund_is_recorded_once_and_its_record_follows_the_refund_when_it_succeeds()
    {
        var (customer, paymentIntent) = await PaidAsync();
        var refundId = StripePayloads.NewId("re");
        var now = api.Clock.GetUtcNow();
        var pending = StripePayloads.Charge(paymentIntent, 999, "USD", (refundId, 400));
        pending["refunds"]!["data"]![0]!["status"] = "pending";

        Assert.False(await api.DeliverAsync(StripePayloads.Event("charge.refunded", pending, now.AddMinutes(1))));
        Assert.Equal("pending", Assert.Single(await api.TransactionsAsync(customer), t => t["transaction_type"] == "refund")["status"].AsString);

        Assert.False(await api.DeliverAsync(customer.ChargeRefunded(now.AddMinutes(2), paymentIntent, (refundId, 400))));

        var refund = Assert.Single(await api.TransactionsAsync(customer), t => t["transaction_type"] == "refund");
        Assert.Equal((refundId, "success", 4.00), (refund["provider_transaction_id"].AsString, refund["status"].AsString, refund["amount"].AsDouble));
    }

    /// <summary>Stripe's <c>charge.refund.updated</c>: the refund object itself, with its new status.</summary>
    private static string RefundUpdated(DateTimeOffset at, string paymentIntent, string refundId, long amount, string status) =>
        StripePayloads.Event("charge.refund.updated", new JsonObject
        {
            ["id"] = refundId,
            ["object"] = "refund",
            ["amount"] = amount,
            ["currency"] = "usd",
            ["payment_intent"] = paymentIntent,
            ["status"] = status,
        }, at);

    /// <summary>A payment with a pending refund of 4.00 recorded from <c>charge.refunded</c>.</summary>
    private async Task<(StripeCustomer Customer, string PaymentIntent, string RefundId)> PendingRefundAsync()
    {
        var (customer, paymentIntent) = await PaidAsync();
        var refundId = StripePayloads.NewId("re");
        var pending = StripePayloads.Charge(paymentIntent, 999, "USD", (refundId, 400));
        pending["refunds"]!["data"]![0]!["status"] = "pending";
        Assert.False(await api.DeliverAsync(StripePayloads.Event("charge.refunded", pending, api.Clock.GetUtcNow().AddMinutes(1))));
        return (customer, paymentIntent, refundId);
    }

    [Fact]
    public async Task A_pending_refund_that_Stripe_reports_succeeded_by_charge_refund_updated_becomes_a_success_record()
    {
        var (customer, paymentIntent, refundId) = await PendingRefundAsync();

        Assert.False(await api.DeliverAsync(RefundUpdated(api.Clock.GetUtcNow().AddMinutes(2), paymentIntent, refundId, 400, "succeeded")));

        var records = await api.TransactionsAsync(customer);
        var refund = Assert.Single(records, t => t["transaction_type"] == "refund");
        Assert.Equal((refundId, "success", 4.00), (refund["provider_transaction_id"].AsString, refund["status"].AsString, refund["amount"].AsDouble));
        Assert.Equal(4.00, records.Single(t => t["transaction_type"] == "payment")["amount_refunded"].AsDouble);
        Assert.Equal("active", (await api.SubscriptionAsync(customer))["status"].AsString);
    }

    [Fact]
    public async Task A_succeeded_refund_stays_succeeded_when_a_late_event_lists_it_pending()
    {
        var (customer, paymentIntent, refundId) = await PendingRefundAsync();
        var now = api.Clock.GetUtcNow();
        Assert.False(await api.DeliverAsync(RefundUpdated(now.AddMinutes(2), paymentIntent, refundId, 400, "succeeded")));

        Assert.False(await api.DeliverAsync(RefundUpdated(now.AddMinutes(3), paymentIntent, refundId, 400, "pending")));

        var records = await api.TransactionsAsync(customer);
        Assert.Equal("success", Assert.Single(records, t => t["transaction_type"] == "refund")["status"].AsString);
        Assert.Equal(4.00, records.Single(t => t["transaction_type"] == "payment")["amount_refunded"].AsDouble);
    }

    [Fact]
    public async Task A_pending_refund_that_fails_is_marked_failed_and_no_longer_counted_in_the_amount_refunded()
    {
        var (customer, paymentIntent, refundId) = await PendingRefundAsync();
        Assert.Equal(4.00, (await api.TransactionsAsync(customer)).Single(t => t["transaction_type"] == "payment")["amount_refunded"].AsDouble);
        var failed = RefundUpdated(api.Clock.GetUtcNow().AddMinutes(2), paymentIntent, refundId, 400, "failed");

        Assert.False(await api.DeliverAsync(failed));
        Assert.True(await api.DeliverAsync(failed));

        var records = await api.TransactionsAsync(customer);
        var refund = Assert.Single(records, t => t["transaction_type"] == "refund");
        Assert.Equal((refundId, "failed"), (refund["provider_transaction_id"].AsString, refund["status"].AsString));
        Assert.Equal(0.0, records.Single(t => t["transaction_type"] == "payment")["amount_refunded"].AsDouble);
        Assert.Equal("active", (await api.SubscriptionAsync(customer))["status"].AsString);

        // A late charge.refunded listing it as pending again changes nothing.
        var stale = StripePayloads.Charge(paymentIntent, 999, "USD", (refundId, 400));
        stale["refunds"]!["data"]![0]!["status"] = "pending";
        Assert.False(await api.DeliverAsync(StripePayloads.Event("charge.refunded", stale, api.Clock.GetUtcNow().AddMinutes(1))));
        Assert.Equal("failed", Assert.Single(await api.TransactionsAsync(customer), t => t["transaction_type"] == "refund")["status"].AsString);
    }

    [Fact]
    public async Task An_admin_refund_that_Stripe_reports_failed_is_released_so_the_admin_can_refund_again_but_never_more_than_the_payment()
    {
        var (customer, paymentIntent) = await PaidAsync();
        var admin = (await api.SignedInClientAsync(Roles.Admin)).Client;
        var payment = (await api.TransactionsAsync(customer)).Single(t => t["transaction_type"] == "payment")["_id"].AsObjectId.ToString();
        const string reason = "Customer was charged twice by mistake";
        var first = await (await admin.PostJsonAsync($"/api/admin/transactions/{payment}/refund", new { amount = 6.00, reason })).ReadAsync<JsonObject>(HttpStatusCode.Accepted);
        var refundId = first["providerRefundId"]!.GetValue<string>();
        await (await admin.PostJsonAsync($"/api/admin/transactions/{payment}/refund", new { amount = 4.00, reason })).AssertProblemAsync(HttpStatusCode.Conflict);
        var failed = RefundUpdated(api.Clock.GetUtcNow().AddMinutes(1), paymentIntent, refundId, 600, "failed");

        Assert.False(await api.DeliverAsync(failed));
        Assert.True(await api.DeliverAsync(failed));

        var requests = await api.Raw("paymentrefundrequest").Find(new BsonDocument("_id", ObjectId.Parse(payment))).SingleAsync(Http.Ct);
        Assert.Equal(0.0, requests["requested"].AsDouble);
        Assert.Equal("failed", requests["requests"][0]["status"].AsString);
        await (await admin.PostJsonAsync($"/api/admin/transactions/{payment}/refund", new { amount = 10.00, reason })).AssertProblemAsync(HttpStatusCode.Conflict);
        var again = await (await admin.PostJsonAsync($"/api/admin/transactions/{payment}/refund", new { reason })).ReadAsync<JsonObject>(HttpStatusCode.Accepted);
        Assert.Equal(9.99m, again["amount"]!.GetValue<decimal>());
        await (await admin.PostJsonAsync($"/api/admin/transactions/{payment}/refund", new { reason })).AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(9.99, (await api.Raw("paymentrefundrequest").Find(new BsonDocument("_id", ObjectId.Parse(payment))).SingleAsync(Http.Ct))["requested"].AsDouble);
    }

    /// <summary>A <c>charge.refunded</c> for the payment listing one refund of the whole 9.99 with <paramref name="status"/>.</summary>
    private static string ChargeRefundedInFull(DateTimeOffset at, string paymentIntent, string refundId, string status)
    {
        var charge = StripePayloads.Charge(paymentIntent, 999, "USD", (refundId, 999));
        charge["refunds"]!["data"]![0]!["status"] = status;
        return StripePayloads.Event("charge.refunded", charge, at);
    }

    private async Task<BsonDocument> PaymentRecordAsync(StripeCustomer customer) =>
        (await api.TransactionsAsync(customer)).Single(t => t["transaction_type"] == "payment");

    [Theory]
    [InlineData("pending")]
    [InlineData("succeeded")]
    public async Task A_refund_whose_failure_arrives_first_stays_failed_and_a_late_charge_refunded_neither_counts_it_nor_ends_the_subscription(string lateStatus)
    {
        var (customer, paymentIntent) = await PaidAsync();
        var refundId = StripePayloads.NewId("re");
        var now = api.Clock.GetUtcNow();

        Assert.False(await api.DeliverAsync(RefundUpdated(now.AddMinutes(2), paymentIntent, refundId, 999, "failed")));
        Assert.False(await api.DeliverAsync(ChargeRefundedInFull(now.AddMinutes(1), paymentIntent, refundId, lateStatus)));

        var refund = Assert.Single(await api.TransactionsAsync(customer), t => t["transaction_type"] == "refund");
        Assert.Equal((refundId, "failed", 9.99), (refund["provider_transaction_id"].AsString, refund["status"].AsString, refund["amount"].AsDouble));
        Assert.Equal(0.0, (await PaymentRecordAsync(customer))["amount_refunded"].AsDouble);
        Assert.Equal(("active", true), ((await api.SubscriptionAsync(customer))["status"].AsString, (await api.SubscriptionAsync(customer))["auto_renew"].AsBoolean));
        Assert.Equal("basic", await api.TierAsync(customer));
    }

    /// <summary>A paid subscription Stripe knows, ended by a pending refund of all its payment, and
    /// the subscription as it was before.</summary>
    private async Task<(StripeCustomer Customer, string PaymentIntent, string RefundId, BsonDocument Before)> EndedByAPendingFullRefundAsync()
    {
        var (customer, paymentIntent) = await PaidAsync();
        var refundId = StripePayloads.NewId("re");
        var now = api.Clock.GetUtcNow();
        api.Stripe.AddSubscription(StripePayloads.Subscription(customer.SubscriptionId, customer.CustomerId, customer.UserId, "basic", "monthly", 999, "usd", "active", now, now.AddMonths(1)));
        var before = await api.SubscriptionAsync(customer);
        Assert.False(await api.DeliverAsync(ChargeRefundedInFull(now.AddMinutes(1), paymentIntent, refundId, "pending")));
        return (customer, paymentIntent, refundId, before);
    }

    [Fact]
    public async Task A_full_refund_that_fails_before_Stripe_cancelled_the_subscription_restores_it_and_a_late_charge_refunded_changes_nothing()
    {
        var (customer, paymentIntent, refundId, before) = await EndedByAPendingFullRefundAsync();
        var now = api.Clock.GetUtcNow();
        Assert.Equal("expired", (await api.SubscriptionAsync(customer))["status"].AsString);

        Assert.False(await api.DeliverAsync(RefundUpdated(now.AddMinutes(3), paymentIntent, refundId, 999, "failed")));
        // Another charge.refunded Stripe sent before the failure, delivered late.
        Assert.False(await api.DeliverAsync(ChargeRefundedInFull(now.AddMinutes(2), paymentIntent, refundId, "pending")));
        await api.Services.GetRequiredService<ProviderCancellationJob>().RunOnceAsync(Http.Ct);

        var restored = await api.SubscriptionAsync(customer);
        Assert.Equal(("active", true), (restored["status"].AsString, restored["auto_renew"].AsBoolean));
        Assert.Equal(before["end_date"].ToUniversalTime(), restored["end_date"].ToUniversalTime());
        Assert.False(restored.Contains("provider_cancel_requested_at") && !restored["provider_cancel_requested_at"].IsBsonNull);
        Assert.True(!restored.Contains("ended_by_refund") || restored["ended_by_refund"].IsBsonNull);
        Assert.Equal("basic", await api.TierAsync(customer));
        Assert.Empty(api.Stripe.RequestsTo("DELETE", $"/v1/subscriptions/{customer.SubscriptionId}"));
        Assert.Equal(0.0, (await PaymentRecordAsync(customer))["amount_refunded"].AsDouble);
        Assert.Equal("failed", Assert.Single(await api.TransactionsAsync(customer), t => t["transaction_type"] == "refund")["status"].AsString);
    }

    [Fact]
    public async Task A_full_refund_that_fails_after_Stripe_cancelled_the_subscription_gives_back_the_paid_period_and_tells_an_admin()
    {
        var (customer, paymentIntent, refundId, before) = await EndedByAPendingFullRefundAsync();
        var now = api.Clock.GetUtcNow();
        await api.Services.GetRequiredService<ProviderCancellationJob>().RunOnceAsync(Http.Ct);
        Assert.Single(api.Stripe.RequestsTo("DELETE", $"/v1/subscriptions/{customer.SubscriptionId}"));

        Assert.False(await api.DeliverAsync(RefundUpdated(now.AddMinutes(3), paymentIntent, refundId, 999, "failed")));

        var restored = await api.SubscriptionAsync(customer);
        Assert.Equal(("canceled", false), (restored["status"].AsString, restored["auto_renew"].AsBoolean));
        Assert.Equal(before["end_date"].ToUniversalTime(), restored["end_date"].ToUniversalTime());
        Assert.Equal("basic", await api.TierAsync(customer));
        var flagged = Assert.Single(await api.StoredEventsAsync(new BsonDocument { ["event_type"] = "payment_refund_failed_after_cancellation", ["user_id"] = customer.UserId }));
        Assert.Equal(("high", paymentIntent), (flagged["severity"].AsString, flagged["details"]["payment_id"].AsString));
    }

    private const string AdminReason = "Customer was charged twice by mistake";

    /// <summary>An admin's refund of 6.00 of a paid subscription's payment, with <paramref name="beforeAnswer"/>
    /// run on the refund Stripe makes before it answers.</summary>
    private async Task<(StripeCustomer Customer, string PaymentIntent, HttpClient Admin, string Payment, JsonObject First)> AdminRefundAsync(
        Func<string, JsonObject, Task> beforeAnswer)
    {
        var (customer, paymentIntent) = await PaidAsync();
        var admin = (await api.SignedInClientAsync(Roles.Admin)).Client;
        var payment = (await PaymentRecordAsync(customer))["_id"].AsObjectId.ToString();
        api.Stripe.BeforeRefundAnswer = refund => refund["payment_intent"]?.GetValue<string>() == paymentIntent ? beforeAnswer(paymentIntent, refund) : Task.CompletedTask;
        try
        {
            var first = await (await admin.PostJsonAsync($"/api/admin/transactions/{payment}/refund", new { amount = 6.00, reason = AdminReason })).ReadAsync<JsonObject>(HttpStatusCode.Accepted);
            return (customer, paymentIntent, admin, payment, first);
        }
        finally
        {
            api.Stripe.BeforeRefundAnswer = null;
        }
    }

    [Fact]
    public async Task A_refund_failure_that_overtakes_Stripe_s_answer_to_the_admin_still_releases_the_reservation()
    {
        var (customer, _, admin, payment, first) = await AdminRefundAsync(async (paymentIntent, refund) =>
            Assert.False(await api.DeliverAsync(RefundUpdated(api.Clock.GetUtcNow(), paymentIntent, refund["id"]!.GetValue<string>(), 600, "failed"))));

        var requests = await api.Raw("paymentrefundrequest").Find(new BsonDocument("_id", ObjectId.Parse(payment))).SingleAsync(Http.Ct);
        Assert.Equal(0.0, requests["requested"].AsDouble);
        var entry = Assert.Single(requests["requests"].AsBsonArray);
        Assert.Equal((first["providerRefundId"]!.GetValue<string>(), "failed"), (entry["provider_refund_id"].AsString, entry["status"].AsString));
        Assert.Empty(requests["failed_refund_ids"].AsBsonArray);
        Assert.Equal("failed", Assert.Single(await api.TransactionsAsync(customer), t => t["transaction_type"] == "refund")["status"].AsString);
        var again = await (await admin.PostJsonAsync($"/api/admin/transactions/{payment}/refund", new { reason = AdminReason })).ReadAsync<JsonObject>(HttpStatusCode.Accepted);
        Assert.Equal(9.99m, again["amount"]!.GetValue<decimal>());
    }

    [Fact]
    public async Task An_admin_refund_Stripe_answers_failed_at_once_releases_the_reservation_even_after_its_failure_event()
    {
        var (_, paymentIntent, admin, payment, first) = await AdminRefundAsync((_, refund) =>
        {
            refund["status"] = "failed";
            return Task.CompletedTask;
        });

        Assert.Equal("failed", first["status"]!.GetValue<string>());
        Assert.False(await api.DeliverAsync(RefundUpdated(api.Clock.GetUtcNow().AddMinutes(1), paymentIntent, first["providerRefundId"]!.GetValue<string>(), 600, "failed")));

        var requests = await api.Raw("paymentrefundrequest").Find(new BsonDocument("_id", ObjectId.Parse(payment))).SingleAsync(Http.Ct);
        Assert.Equal(0.0, requests["requested"].AsDouble);
        Assert.Equal("failed", Assert.Single(requests["requests"].AsBsonArray)["status"].AsString);
        var again = await (await admin.PostJsonAsync($"/api/admin/transactions/{payment}/refund", new { reason = AdminReason })).ReadAsync<JsonObject>(HttpStatusCode.Accepted);
        Assert.Equal(9.99m, again["amount"]!.GetValue<decimal>());
    }

    /// <summary><see cref="EndedByAPendingFullRefundAsync"/>, then a pass of the job whose call to
    /// Stripe fails with <paramref name="status"/> (after a pass that settled every other test's marks).</summary>
    private async Task<(StripeCustomer Customer, string PaymentIntent, string RefundId, BsonDocument Before)> EndedWhileStripeFailsAsync(int status, string? code)
    {
        var job = api.Services.GetRequiredService<ProviderCancellationJob>();
        await job.RunOnceAsync(Http.Ct);
        var ended = await EndedByAPendingFullRefundAsync();
        api.Stripe.FailNext(status, code: code);
        await job.RunOnceAsync(Http.Ct);
        return ended;
    }

    [Fact]
    public async Task A_renewal_paid_between_a_full_refund_and_its_failure_keeps_its_period()
    {
        // Stripe cannot answer the job now: the subscription is still renewing there, and renews.
        var (customer, paymentIntent, refundId, before) = await EndedWhileStripeFailsAsync(503, null);
        var now = api.Clock.GetUtcNow();
        var periodEnd = new DateTimeOffset(before["end_date"].ToUniversalTime());
        Assert.False(await api.DeliverAsync(customer.InvoicePaid(now.AddMinutes(2), periodEnd, periodEnd.AddMonths(1), StripePayloads.NewId("pi"))));

        Assert.False(await api.DeliverAsync(RefundUpdated(now.AddMinutes(3), paymentIntent, refundId, 999, "failed")));

        var stored = await api.SubscriptionAsync(customer);
        Assert.Equal(periodEnd.AddMonths(1).UtcDateTime, stored["end_date"].ToUniversalTime());
        Assert.True(!stored.Contains("ended_by_refund") || stored["ended_by_refund"].IsBsonNull);
        Assert.Equal("basic", await api.TierAsync(customer));
    }

    [Fact]
    public async Task A_full_refund_that_fails_after_Stripe_refused_for_good_to_cancel_restores_the_subscription_without_saying_it_was_cancelled()
    {
        var (customer, paymentIntent, refundId, before) = await EndedWhileStripeFailsAsync(400, "parameter_invalid");
        var now = api.Clock.GetUtcNow();
        Assert.NotNull((await api.SubscriptionAsync(customer))["provider_cancel_refusal"].AsString);

        Assert.False(await api.DeliverAsync(RefundUpdated(now.AddMinutes(3), paymentIntent, refundId, 999, "failed")));

        var restored = await api.SubscriptionAsync(customer);
        Assert.Equal(("active", true), (restored["status"].AsString, restored["auto_renew"].AsBoolean));
        Assert.Equal(before["end_date"].ToUniversalTime(), restored["end_date"].ToUniversalTime());
        Assert.Empty(await api.StoredEventsAsync(new BsonDocument { ["event_type"] = "payment_refund_failed_after_cancellation", ["user_id"] = customer.UserId }));
        Assert.Empty(api.Stripe.RequestsTo("DELETE", $"/v1/subscriptions/{customer.SubscriptionId}"));
    }
}
