using BayitPlus.Api.Tests.Support;
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
    public async Task A_refund_of_a_payment_this_API_never_recorded_changes_nothing()
    {
        var customer = await api.NewCustomerAsync();
        var refundId = StripePayloads.NewId("re");

        Assert.False(await api.DeliverAsync(customer.ChargeRefunded(api.Clock.GetUtcNow(), StripePayloads.NewId("pi"), (refundId, 999))));

        Assert.Empty(await api.TransactionsAsync(customer));
        Assert.Equal(0, await api.Raw("transaction").CountDocumentsAsync(new BsonDocument("provider_transaction_id", refundId), cancellationToken: Http.Ct));
    }
}
