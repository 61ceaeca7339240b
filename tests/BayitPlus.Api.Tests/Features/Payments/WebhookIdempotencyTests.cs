using System.Net;
using System.Text.Json.Nodes;
using BayitPlus.Api.Tests.Features.Audit;
using BayitPlus.Api.Tests.Support;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Tests.Features.Payments;

/// <summary>Each event is applied once, however often and however concurrently Stripe delivers it,
/// and an event whose processing failed is applied when it comes again.</summary>
[Collection<PaymentsCollection>]
public sealed class WebhookIdempotencyTests(PaymentsApiFactory api)
{
    private static async Task<bool[]> DeliverInParallelAsync(PaymentsApiFactory api, string payload, int times)
    {
        var responses = await Task.WhenAll(Enumerable.Range(0, times).Select(_ => Task.Run(() => api.PostStripeEventAsync(payload))));
        var duplicates = new List<bool>();
        foreach (var response in responses)
        {
            var body = await response.Content.ReadAsStringAsync(Http.Ct);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"expected 200, got {(int)response.StatusCode}: {body}");
            duplicates.Add(JsonNode.Parse(body)!["duplicate"]!.GetValue<bool>());
        }

        return [.. duplicates];
    }

    [Fact]
    public async Task The_same_checkout_delivered_20_times_at_once_makes_one_subscription_and_one_audit_record()
    {
        var customer = await api.NewCustomerAsync("premium", amount: 1499);
        var payload = customer.CheckoutCompleted(api.Clock.GetUtcNow());

        var duplicates = await DeliverInParallelAsync(api, payload, 20);

        Assert.Equal(19, duplicates.Count(d => d));
        var subscription = await api.SubscriptionAsync(customer);
        Assert.Equal("premium", subscription["plan_id"].AsString);
        Assert.Equal("premium", await api.TierAsync(customer));
        var audit = Assert.Single(await api.AuditRecordsAsync(customer.SubscriptionId));
        Assert.Equal("payment.checkout_completed", audit["action_type"].AsString);
        Assert.Equal("subscription", audit["resource_type"].AsString);
        Assert.Equal("premium", audit["changes"]["after"]["plan_id"].AsString);
        Assert.True(await api.MarkerExistsAsync(WebhookSupport.EventId(payload)));
    }

    [Fact]
    public async Task The_same_payment_delivered_20_times_at_once_is_one_transaction()
    {
        var customer = await api.NewCustomerAsync();
        var now = api.Clock.GetUtcNow();
        Assert.False(await api.DeliverAsync(customer.CheckoutCompleted(now, amountTotal: 0)));
        var paymentIntent = StripePayloads.NewId("pi");
        var payload = customer.InvoicePaid(now.AddSeconds(1), now, now.AddMonths(1), paymentIntent);

        var duplicates = await DeliverInParallelAsync(api, payload, 20);

        Assert.Equal(19, duplicates.Count(d => d));
        var payment = Assert.Single(await api.TransactionsAsync(customer));
        Assert.Equal(paymentIntent, payment["provider_transaction_id"].AsString);
        Assert.Equal(9.99, payment["amount"].AsDouble);
        Assert.Single(await api.AuditRecordsAsync(customer.SubscriptionId), a => a["action_type"] == "payment.succeeded");
    }

    [Fact]
    public async Task A_checkout_and_its_subscription_created_racing_each_other_make_one_subscription()
    {
        var customer = await api.NewCustomerAsync();
        var now = api.Clock.GetUtcNow();
        var checkout = customer.CheckoutCompleted(now);
        var created = customer.Subscription("customer.subscription.created", "active", now, now, now.AddMonths(1));

        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => Task.Run(() => api.PostStripeEventAsync(i % 2 == 0 ? checkout : created))));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var subscription = await api.SubscriptionAsync(customer);
        Assert.Equal(("active", "basic"), (subscription["status"].AsString, subscription["plan_id"].AsString));
        Assert.StartsWith("cs_test_", subscription["checkout_session_id"].AsString, StringComparison.Ordinal);
        Assert.Equal(2, (await api.AuditRecordsAsync(customer.SubscriptionId)).Count);
    }

    [Fact]
    public async Task A_checkout_completed_unpaid_waits_for_its_payment()
    {
        var customer = await api.NewCustomerAsync();
        var now = api.Clock.GetUtcNow();
        var session = StripePayloads.CheckoutSession(customer.UserId, "basic", "monthly", customer.SubscriptionId, customer.CustomerId, 999, "USD");
        session["payment_status"] = "unpaid";

        Assert.False(await api.DeliverAsync(StripePayloads.Event("checkout.session.completed", session, now)));
        Assert.Empty(await api.SubscriptionsAsync(customer));

        session["payment_status"] = "paid";
        Assert.False(await api.DeliverAsync(StripePayloads.Event("checkout.session.async_payment_succeeded", session, now.AddMinutes(1))));
        Assert.Equal("basic", (await api.SubscriptionAsync(customer))["plan_id"].AsString);
    }

    [Fact]
    public async Task A_redelivery_answers_duplicate_and_changes_nothing()
    {
        var customer = await api.NewCustomerAsync();
        var now = api.Clock.GetUtcNow();
        var payload = customer.CheckoutCompleted(now);
        Assert.False(await api.DeliverAsync(payload));
        var stored = await api.SubscriptionAsync(customer);

        api.Clock.Advance(TimeSpan.FromSeconds(30));
        Assert.True(await api.DeliverAsync(payload));

        Assert.Equal(stored, await api.SubscriptionAsync(customer));
        Assert.Single(await api.AuditRecordsAsync(customer.SubscriptionId));
    }

    [Fact]
    public async Task Two_events_reporting_the_same_payment_record_it_once()
    {
        var customer = await api.NewCustomerAsync();
        var now = api.Clock.GetUtcNow();
        Assert.False(await api.DeliverAsync(customer.CheckoutCompleted(now, amountTotal: 0)));
        var paymentIntent = StripePayloads.NewId("pi");

        Assert.False(await api.DeliverAsync(customer.InvoicePaid(now.AddSeconds(1), now, now.AddMonths(1), paymentIntent)));
        Assert.False(await api.DeliverAsync(customer.InvoicePaid(now.AddSeconds(2), now, now.AddMonths(1), paymentIntent)));

        Assert.Single(await api.TransactionsAsync(customer));
    }

    [Fact]
    public async Task An_event_still_naming_nothing_recorded_after_six_hours_is_acknowledged_and_recorded_not_refused_forever()
    {
        var customer = await api.NewCustomerAsync();
        var now = api.Clock.GetUtcNow();
        var invoice = customer.InvoicePaid(now.AddHours(-7), now.AddHours(-7), now.AddMonths(1), StripePayloads.NewId("pi"));

        Assert.False(await api.DeliverAsync(invoice));

        Assert.True(await api.MarkerExistsAsync(WebhookSupport.EventId(invoice)));
        Assert.Empty(await api.TransactionsAsync(customer));
        var recorded = Assert.Single(await api.StoredEventsAsync(new BsonDocument { ["event_type"] = "payment_event_orphaned", ["details.event_id"] = WebhookSupport.EventId(invoice) }));
        Assert.Equal("medium", recorded["severity"].AsString);
    }

    [Fact]
    public async Task An_event_whose_processing_failed_leaves_no_marker_and_is_applied_on_redelivery()
    {
        var customer = await api.NewCustomerAsync();
        var now = api.Clock.GetUtcNow();
        var paymentIntent = StripePayloads.NewId("pi");
        var invoice = customer.InvoicePaid(now.AddSeconds(1), now, now.AddMonths(1), paymentIntent);

        // The payment names a subscription not recorded yet: refused (409) so that Stripe delivers it again.
        var early = await api.PostStripeEventAsync(invoice);
        var problem = await early.AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal("urn:bayitplus:problem:webhook-event-early", problem["type"]!.GetValue<string>());
        Assert.False(await api.MarkerExistsAsync(WebhookSupport.EventId(invoice)));
        Assert.Empty(await api.TransactionsAsync(customer));

        Assert.False(await api.DeliverAsync(customer.CheckoutCompleted(now, amountTotal: 0)));
        Assert.False(await api.DeliverAsync(invoice));

        Assert.Single(await api.TransactionsAsync(customer));
        Assert.True(await api.MarkerExistsAsync(WebhookSupport.EventId(invoice)));
    }

    [Fact]
    public async Task The_marker_keeps_the_event_for_the_retention_period()
    {
        var customer = await api.NewCustomerAsync();
        var payload = customer.CheckoutCompleted(api.Clock.GetUtcNow());

        Assert.False(await api.DeliverAsync(payload));

        var marker = await api.Raw("paymentwebhookevent").Find(new BsonDocument("_id", $"stripe:{WebhookSupport.EventId(payload)}")).SingleAsync(Http.Ct);
        Assert.Equal("stripe", marker["provider"].AsString);
        Assert.Equal("checkout.session.completed", marker["event_type"].AsString);
        Assert.Equal(WebhookSupport.Utc(api.Clock.GetUtcNow()), marker["occurred_at"].ToUniversalTime());
        var ttl = (await (await api.Raw("paymentwebhookevent").Indexes.ListAsync(Http.Ct)).ToListAsync(Http.Ct)).Single(i => i.Contains("expireAfterSeconds"));
        Assert.Equal(30 * 24 * 3600, ttl["expireAfterSeconds"].ToInt64());
    }
}
