using System.Text.Json;
using System.Text.Json.Nodes;
using BayitPlus.Api.Features.Payments;
using static BayitPlus.Api.Tests.Features.Payments.PayPalPayloads;

namespace BayitPlus.Api.Tests.Features.Payments;

/// <summary>The pure mapping of PayPal events to the slice's events (the provider's HTTP side is in
/// <see cref="PayPalProviderTests"/>, whole deliveries in <see cref="PayPalWebhookTests"/>).</summary>
public sealed class PayPalEventsTests
{
    private const string UserId = "0123456789abcdef01234567";

    private static readonly DateTimeOffset At = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);

    private static readonly PlanCatalog Catalog = new(new PaymentsSettings
    {
        Plans = new(StringComparer.Ordinal)
        {
            ["basic"] = Plan(9.99m, 99.90m),
            ["family"] = Plan(19.99m, 199.90m, "family"),
        },
    });

    private static PaymentPlan Plan(decimal monthly, decimal yearly, string id = "basic") => new()
    {
        Names = new(StringComparer.Ordinal) { ["he"] = id, ["en"] = id, ["es"] = id },
        Prices = new(StringComparer.Ordinal) { ["USD"] = new() { Monthly = monthly, Yearly = yearly } },
        ProviderPriceIds = new(StringComparer.Ordinal)
        {
            ["paypal"] = new(StringComparer.Ordinal) { ["USD"] = new() { Monthly = PlanId(id, "monthly", "USD"), Yearly = PlanId(id, "yearly", "USD") } },
        },
    };

    private static PaymentEvent Map(string payload, PayPalSubscription? subscription = null, PayPalRefundedPayment? refunded = null) =>
        PayPalEvents.Map(JsonDocument.Parse(payload).RootElement, Catalog, subscription, refunded);

    [Fact]
    public void Activation_is_the_checkout_completed_with_the_user_plan_and_period_of_the_custom_id()
    {
        var resource = Subscription("I-ACTIVATED01", UserId, "basic", "yearly", "USD", "ACTIVE", At, At.AddDays(7), inTrial: true);

        var mapped = Assert.IsType<PaymentEvent.CheckoutCompleted>(Map(Event("BILLING.SUBSCRIPTION.ACTIVATED", resource, At, "WH-1")));

        Assert.Equal(("paypal", "WH-1", "BILLING.SUBSCRIPTION.ACTIVATED", At.UtcDateTime), (mapped.Provider, mapped.EventId, mapped.EventType, mapped.OccurredAt));
        Assert.Equal(("I-ACTIVATED01", "I-ACTIVATED01", UserId, "basic", "yearly"), (mapped.CheckoutSessionId, mapped.ProviderSubscriptionId, mapped.UserId, mapped.PlanId, mapped.BillingPeriod));
        Assert.Equal("PAYERACTIVATED01", mapped.ProviderCustomerId);
        Assert.Equal((0m, "USD"), (mapped.Amount, mapped.Currency));
    }

    [Fact]
    public void Activation_paid_at_once_carries_the_amount_paid()
    {
        var resource = Subscription("I-PAIDNOW0001", UserId, "basic", "monthly", "USD", "ACTIVE", At, At.AddMonths(1), lastPayment: 9.99m);

        var mapped = Assert.IsType<PaymentEvent.CheckoutCompleted>(Map(Event("BILLING.SUBSCRIPTION.ACTIVATED", resource, At)));

        Assert.Equal((9.99m, "USD"), (mapped.Amount, mapped.Currency));
    }

    [Fact]
    public void Activation_without_a_trial_or_a_payment_yet_carries_the_price_of_the_PayPal_plan()
    {
        var resource = Subscription("I-NOTPAID0001", UserId, "family", "yearly", "USD", "ACTIVE", At, At.AddYears(1));

        var mapped = Assert.IsType<PaymentEvent.CheckoutCompleted>(Map(Event("BILLING.SUBSCRIPTION.ACTIVATED", resource, At)));

        Assert.Equal((199.90m, "USD", "family", "yearly"), (mapped.Amount, mapped.Currency, mapped.PlanId, mapped.BillingPeriod));
    }

    [Theory]
    [InlineData("BILLING.SUBSCRIPTION.CREATED", "APPROVAL_PENDING")]
    [InlineData("BILLING.SUBSCRIPTION.UPDATED", "APPROVED")]
    public void A_subscription_the_user_has_not_approved_yet_changes_nothing(string type, string paypalStatus)
    {
        var resource = Subscription("I-PENDING0001", UserId, "basic", "monthly", "USD", paypalStatus, At, null);

        Assert.IsType<PaymentEvent.Ignored>(Map(Event(type, resource, At)));
    }

    [Theory]
    [InlineData("BILLING.SUBSCRIPTION.CREATED", "ACTIVE", "active", false)]
    [InlineData("BILLING.SUBSCRIPTION.UPDATED", "ACTIVE", "active", false)]
    [InlineData("BILLING.SUBSCRIPTION.RE-ACTIVATED", "ACTIVE", "active", false)]
    [InlineData("BILLING.SUBSCRIPTION.SUSPENDED", "SUSPENDED", "active", true)]
    public void Subscription_changes_carry_the_status_period_and_plan(string type, string paypalStatus, string status, bool renewalsStopped)
    {
        var next = At.AddMonths(1);
        var resource = Subscription("I-CHANGED0001", UserId, "basic", "monthly", "USD", paypalStatus, At, next, lastPayment: 9.99m);

        var mapped = Assert.IsType<PaymentEvent.SubscriptionChanged>(Map(Event(type, resource, At)));

        Assert.Equal(("I-CHANGED0001", status, renewalsStopped), (mapped.ProviderSubscriptionId, mapped.ProviderStatus, mapped.CancelAtPeriodEnd));
        Assert.Equal((At.UtcDateTime, next.UtcDateTime), (mapped.CurrentPeriodStart, mapped.CurrentPeriodEnd));
        Assert.Null(mapped.TrialEnd);
        Assert.Equal(("basic", "monthly", 9.99m, "USD", UserId), (mapped.PlanId, mapped.BillingPeriod, mapped.Amount, mapped.Currency, mapped.UserId));
    }

    [Fact]
    public void A_revised_subscription_takes_its_plan_from_the_PayPal_plan_id_not_the_checkout_custom_id()
    {
        var resource = Subscription("I-REVISED0001", UserId, "basic", "monthly", "USD", "ACTIVE", At, At.AddYears(1), paypalPlanId: PlanId("family", "yearly", "USD"));

        var mapped = Assert.IsType<PaymentEvent.SubscriptionChanged>(Map(Event("BILLING.SUBSCRIPTION.UPDATED", resource, At)));

        Assert.Equal(("family", "yearly", 199.90m), (mapped.PlanId, mapped.BillingPeriod, mapped.Amount));
    }

    [Fact]
    public void A_trial_is_trialing_until_the_first_billing_and_an_outstanding_balance_is_past_due()
    {
        var trial = Subscription("I-TRIAL000001", UserId, "basic", "monthly", "USD", "ACTIVE", At, At.AddDays(7), inTrial: true);
        var owing = Subscription("I-OWING000001", UserId, "basic", "monthly", "USD", "SUSPENDED", At, At.AddMonths(1), outstanding: 9.99m, failedPayments: 3);

        var trialing = Assert.IsType<PaymentEvent.SubscriptionChanged>(Map(Event("BILLING.SUBSCRIPTION.UPDATED", trial, At)));
        var pastDue = Assert.IsType<PaymentEvent.SubscriptionChanged>(Map(Event("BILLING.SUBSCRIPTION.SUSPENDED", owing, At)));

        Assert.Equal(("trialing", At.AddDays(7).UtcDateTime), (trialing.ProviderStatus, trialing.TrialEnd));
        Assert.Equal("past_due", pastDue.ProviderStatus);
    }

    [Fact]
    public void A_cancellation_stops_the_renewals_and_the_paid_period_runs_out()
    {
        var resource = Subscription("I-CANCELLED01", UserId, "basic", "monthly", "USD", "CANCELLED", At, null, lastPayment: 9.99m);

        var mapped = Assert.IsType<PaymentEvent.SubscriptionChanged>(Map(Event("BILLING.SUBSCRIPTION.CANCELLED", resource, At)));

        Assert.Equal(("active", true), (mapped.ProviderStatus, mapped.CancelAtPeriodEnd));
        Assert.Null(mapped.CurrentPeriodEnd);
    }

    [Fact]
    public void Expiry_ends_the_subscription()
    {
        var resource = Subscription("I-EXPIRED0001", UserId, "basic", "monthly", "USD", "EXPIRED", At, null);

        var mapped = Assert.IsType<PaymentEvent.SubscriptionEnded>(Map(Event("BILLING.SUBSCRIPTION.EXPIRED", resource, At, "WH-E")));

        Assert.Equal(("I-EXPIRED0001", "WH-E"), (mapped.ProviderSubscriptionId, mapped.EventId));
    }

    [Fact]
    public void A_completed_sale_is_a_payment_of_its_billing_agreement_paid_until_the_next_billing()
    {
        var next = At.AddMonths(1);
        var subscription = PayPalSubscription.Read(JsonSerializer.SerializeToElement(Subscription("I-SALE0000001", UserId, "basic", "monthly", "USD", "ACTIVE", At, next)), Catalog);

        var mapped = Assert.IsType<PaymentEvent.PaymentSucceeded>(Map(Event("PAYMENT.SALE.COMPLETED", Sale("SALE01", "I-SALE0000001", 9.99m, "USD", At), At), subscription));

        Assert.Equal(("I-SALE0000001", "SALE01", 9.99m, "USD", next.UtcDateTime), (mapped.ProviderSubscriptionId, mapped.ProviderTransactionId, mapped.Amount, mapped.Currency, mapped.PeriodEnd));
    }

    [Fact]
    public void A_sale_outside_a_subscription_is_ignored()
    {
        var sale = Sale("SALE02", "I-X", 5m, "USD", At);
        sale.Remove("billing_agreement_id");

        Assert.IsType<PaymentEvent.Ignored>(Map(Event("PAYMENT.SALE.COMPLETED", sale, At)));
    }

    [Fact]
    public void A_failed_payment_names_the_subscription_and_the_amount_owed()
    {
        var resource = Subscription("I-FAILED00001", UserId, "basic", "monthly", "USD", "ACTIVE", At, At.AddMonths(1), outstanding: 9.99m, failedPayments: 1);
        resource["billing_info"]!["last_failed_payment"] = new JsonObject
        {
            ["amount"] = new JsonObject { ["currency_code"] = "USD", ["value"] = "9.99" },
            ["time"] = Time(At),
            ["reason_code"] = "PAYMENT_DENIED",
        };

        var mapped = Assert.IsType<PaymentEvent.PaymentFailed>(Map(Event("BILLING.SUBSCRIPTION.PAYMENT.FAILED", resource, At)));

        Assert.Equal(("I-FAILED00001", 9.99m, "USD"), (mapped.ProviderSubscriptionId, mapped.Amount, mapped.Currency));
        Assert.Null(mapped.ProviderTransactionId);
    }

    [Fact]
    public void A_partial_sale_refund_is_recorded_against_its_sale()
    {
        var mapped = Assert.IsType<PaymentEvent.PaymentRefunded>(Map(Event("PAYMENT.SALE.REFUNDED", SaleRefund("RF01", "SALE03", 4m, "USD", At), At), refunded: new PayPalRefundedPayment(9.99m, false)));

        Assert.Equal(("SALE03", 4m, false, "USD"), (mapped.ProviderTransactionId, mapped.AmountRefunded, mapped.FullyRefunded, mapped.Currency));
        Assert.Equal(new ProviderRefund("RF01", "succeeded", 4m, "USD"), Assert.Single(mapped.Refunds));
    }

    [Fact]
    public void A_refund_that_completes_the_sale_is_full_and_PayPals_negative_totals_read_as_amounts()
    {
        var refund = SaleRefund("RF02", "SALE04", 5.99m, "USD", At);
        refund["amount"]!["total"] = "-5.99";

        var mapped = Assert.IsType<PaymentEvent.PaymentRefunded>(Map(Event("PAYMENT.SALE.REFUNDED", refund, At), refunded: new PayPalRefundedPayment(9.99m, true)));

        Assert.Equal((9.99m, true), (mapped.AmountRefunded, mapped.FullyRefunded));
        Assert.Equal(5.99m, Assert.Single(mapped.Refunds).Amount);
    }

    [Fact]
    public void A_capture_refund_names_the_capture_of_its_up_link_and_PayPals_running_total()
    {
        var refund = new JsonObject
        {
            ["id"] = "CRF01",
            ["status"] = "COMPLETED",
            ["amount"] = new JsonObject { ["value"] = "3.00", ["currency_code"] = "ILS" },
            ["seller_payable_breakdown"] = new JsonObject { ["total_refunded_amount"] = new JsonObject { ["value"] = "8.00", ["currency_code"] = "ILS" } },
            ["links"] = new JsonArray(new JsonObject { ["rel"] = "up", ["href"] = "https://api.paypal.com/v2/payments/captures/CAP42", ["method"] = "GET" }),
        };

        var mapped = Assert.IsType<PaymentEvent.PaymentRefunded>(Map(Event("PAYMENT.CAPTURE.REFUNDED", refund, At), refunded: new PayPalRefundedPayment(20m, false)));

        Assert.Equal(("CAP42", 8m, false, "ILS"), (mapped.ProviderTransactionId, mapped.AmountRefunded, mapped.FullyRefunded, mapped.Currency));
        Assert.Equal(new ProviderRefund("CRF01", "succeeded", 3m, "ILS"), Assert.Single(mapped.Refunds));
    }

    [Theory]
    [InlineData("PAYMENT.SALE.PENDING")]
    [InlineData("CUSTOMER.DISPUTE.CREATED")]
    [InlineData("BILLING.PLAN.CREATED")]
    public void Other_events_are_ignored(string type)
    {
        var mapped = Map(Event(type, new JsonObject { ["id"] = "X1" }, At, "WH-I"));

        Assert.Equal(new PaymentEvent.Ignored("paypal", "WH-I", type, At.UtcDateTime), mapped);
    }

    [Theory]
    [InlineData("u1:basic:monthly:USD", "u1", "basic", "monthly", "USD")]
    [InlineData("0123456789abcdef01234567:family-plus_2:yearly:ILS", "0123456789abcdef01234567", "family-plus_2", "yearly", "ILS")]
    public void The_custom_id_round_trips(string text, string user, string plan, string period, string currency)
    {
        var parsed = PayPalCustomId.Parse(text);

        Assert.Equal(new PayPalCustomId(user, plan, period, currency), parsed);
        Assert.Equal(text, parsed!.ToString());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("u1:basic:weekly:USD")]
    [InlineData("u1:basic:monthly")]
    [InlineData(":basic:monthly:USD")]
    public void A_custom_id_not_written_by_this_API_reads_as_none(string? text) => Assert.Null(PayPalCustomId.Parse(text));

    [Fact]
    public void The_longest_custom_id_fits_PayPals_127_characters() =>
        Assert.True(new PayPalCustomId(new string('a', 24), new string('p', 40), "monthly", "USD").ToString().Length <= 127);
}
