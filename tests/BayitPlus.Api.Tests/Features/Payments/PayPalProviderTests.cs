using System.Text.Json.Nodes;
using BayitPlus.Api.Features.Payments;
using BayitPlus.Api.Tests.Support;
using FluentValidation;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using static BayitPlus.Api.Tests.Features.Payments.PayPalPayloads;

namespace BayitPlus.Api.Tests.Features.Payments;

/// <summary>The PayPal provider's calls to the fake PayPal: the token it reuses, what a checkout,
/// cancellation, plan change and refund send and answer, and how a failure comes back.</summary>
[Collection<PaymentsCollection>]
public sealed class PayPalProviderTests(PaymentsApiFactory api)
{
    private IPaymentProvider PayPal => api.Services.GetServices<IPaymentProvider>().Single(p => p.Name == PaymentProviderNames.PayPal);

    private PlanSelection Select(string planId, string period, string currency = "USD") =>
        api.Services.GetRequiredService<PlanCatalog>().Select(planId, period, currency, PaymentProviderNames.PayPal)!;

    private static string NewUserId() => Guid.NewGuid().ToString("N")[..24];

    private CheckoutOrder Order(string userId, PlanSelection selection, string? key = null) =>
        new(userId, "buyer@example.com", selection, 7, PaymentsApiFactory.SuccessUrl, PaymentsApiFactory.CancelUrl, key ?? $"checkout-{Guid.NewGuid():N}");

    /// <summary>A client of its own, so its token cache starts empty.</summary>
    private PayPalClient NewClient(IHttpClientFactory? http = null) =>
        new(api.Services.GetRequiredService<PaymentsSettings>(), http ?? api.Services.GetRequiredService<IHttpClientFactory>(), TimeProvider.System, NullLogger<PayPalClient>.Instance);

    private JsonObject AddActive(string planId = "basic", string period = "monthly", DateTimeOffset? nextBilling = null)
    {
        var now = api.Clock.GetUtcNow();
        return api.PayPal.AddSubscription(Subscription(NewId("I-"), NewUserId(), planId, period, "USD", "ACTIVE", now, nextBilling ?? now.AddMonths(1), lastPayment: 9.99m));
    }

    [Fact]
    public async Task One_token_serves_many_parallel_requests_and_a_revoked_one_is_replaced()
    {
        var client = NewClient();
        var id = AddActive()["id"]!.GetValue<string>();
        var tokensBefore = api.PayPal.TokenRequests;

        await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => client.SendAsync(HttpMethod.Get, $"/v1/billing/subscriptions/{id}", null, null, Http.Ct)));

        Assert.Equal(tokensBefore + 1, api.PayPal.TokenRequests);
        var gets = api.PayPal.RequestsTo("GET", $"/v1/billing/subscriptions/{id}");
        Assert.Equal(12, gets.Count);
        Assert.Single(gets.Select(r => r.Authorization).Distinct());
        Assert.StartsWith("Bearer A21AA", gets[0].Authorization, StringComparison.Ordinal);

        api.PayPal.RevokeToken(gets[0].Authorization!);
        var answer = await client.SendAsync(HttpMethod.Get, $"/v1/billing/subscriptions/{id}", null, null, Http.Ct);

        Assert.Equal(id, PayPalJson.String(answer, "id"));
        Assert.Equal(tokensBefore + 2, api.PayPal.TokenRequests);
    }

    [Fact]
    public async Task The_token_is_asked_for_with_the_client_credentials()
    {
        var client = NewClient();
        var before = api.PayPal.Requests.Count;

        await client.SendAsync(HttpMethod.Get, $"/v1/billing/subscriptions/{AddActive()["id"]}", null, null, Http.Ct);

        var token = Assert.Single(api.PayPal.Requests.Skip(before), r => r.Path == "/v1/oauth2/token");
        Assert.Equal("POST", token.Method);
        Assert.Equal("Basic " + Convert.ToBase64String("paypal-test-client-id:paypal-test-client-secret-0123456789"u8.ToArray()), token.Authorization);
    }

    [Fact]
    public async Task Checkout_creates_a_subscription_for_the_plan_carrying_the_user_and_answers_its_approval_link()
    {
        var userId = NewUserId();
        var key = $"k-{Guid.NewGuid():N}";

        var session = await PayPal.CreateCheckoutAsync(Order(userId, Select("premium", BillingPeriods.Yearly), key), Http.Ct);

        var request = Assert.Single(api.PayPal.RequestsTo("POST", "/v1/billing/subscriptions"), r => r.Body?["custom_id"]?.GetValue<string>()?.StartsWith(userId, StringComparison.Ordinal) == true);
        Assert.Equal($"{userId}:premium:yearly:USD", request.Body!["custom_id"]!.GetValue<string>());
        Assert.Equal("P-PREMIUM-Y-USD", request.Body["plan_id"]!.GetValue<string>());
        Assert.Equal(PaymentsApiFactory.SuccessUrl, request.Body["application_context"]!["return_url"]!.GetValue<string>());
        Assert.Equal(PaymentsApiFactory.CancelUrl, request.Body["application_context"]!["cancel_url"]!.GetValue<string>());
        Assert.Equal("SUBSCRIBE_NOW", request.Body["application_context"]!["user_action"]!.GetValue<string>());
        Assert.Equal("buyer@example.com", request.Body["subscriber"]!["email_address"]!.GetValue<string>());
        Assert.Equal(key, request.RequestId);
        Assert.StartsWith("I-", session.SessionId, StringComparison.Ordinal);
        Assert.Equal($"{FakePayPal.ApproveBase}BA-{session.SessionId[2..]}", session.CheckoutUrl.ToString());
        Assert.Equal($"{userId}:premium:yearly:USD", api.PayPal.Subscription(session.SessionId)!["custom_id"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_checkout_sent_twice_with_its_key_is_one_PayPal_subscription_even_when_the_key_is_longer_than_PayPal_keeps()
    {
        var order = Order(NewUserId(), Select("basic", BillingPeriods.Monthly), $"checkout:{Guid.NewGuid():N}:{Guid.NewGuid():N}");

        var first = await PayPal.CreateCheckoutAsync(order, Http.Ct);
        var second = await PayPal.CreateCheckoutAsync(order, Http.Ct);

        Assert.Equal(first, second);
        var keys = api.PayPal.RequestsTo("POST", "/v1/billing/subscriptions").Where(r => r.Body?["custom_id"]?.GetValue<string>()?.StartsWith(order.UserId, StringComparison.Ordinal) == true)
            .Select(r => r.RequestId).ToList();
        Assert.Equal(2, keys.Count);
        Assert.Equal(38, keys[0]!.Length);
        Assert.Equal(keys[0], keys[1]);
    }

    [Fact]
    public async Task A_plan_without_a_PayPal_plan_id_is_a_validation_error_that_calls_no_one()
    {
        var id = AddActive()["id"]!.GetValue<string>();
        var before = api.PayPal.Requests.Count(r => r.Method == "POST");

        var checkout = await Assert.ThrowsAsync<ValidationException>(() => PayPal.CreateCheckoutAsync(Order(NewUserId(), Select("basic", BillingPeriods.Monthly, "ILS")), Http.Ct));
        var change = await Assert.ThrowsAsync<ValidationException>(() => PayPal.ChangePlanAsync(id, Select("family", BillingPeriods.Yearly, "ILS"), Http.Ct));

        var failure = Assert.Single(checkout.Errors);
        Assert.Equal("provider", failure.PropertyName);
        Assert.Equal("The basic plan, billed monthly in ILS, is not offered through PayPal; choose another provider or plan.", failure.ErrorMessage);
        Assert.Equal("planId", Assert.Single(change.Errors).PropertyName);
        Assert.Equal(before, api.PayPal.Requests.Count(r => r.Method == "POST"));
    }

    [Theory]
    [InlineData(500)]
    [InlineData(400)]
    [InlineData(0)]
    public async Task A_refused_or_unreadable_answer_is_a_provider_error_that_does_not_repeat_PayPals_text(int status)
    {
        if (status == 0)
        {
            api.PayPal.GarbleNext();
        }
        else
        {
            api.PayPal.FailNext(status);
        }

        var error = await Assert.ThrowsAsync<ProviderUnavailableException>(() => PayPal.CreateCheckoutAsync(Order(NewUserId(), Select("basic", BillingPeriods.Monthly)), Http.Ct));

        Assert.Equal((502, PaymentProblems.ProviderError), (error.Status, error.Type));
        Assert.DoesNotContain("secret", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("INTERNAL_SERVICE_ERROR", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("html", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_PayPal_that_does_not_answer_in_time_is_a_provider_error()
    {
        var client = NewClient(new SingleClient(api.PayPal.BaseUrl, TimeSpan.FromMilliseconds(500)));
        api.PayPal.StallNext(TimeSpan.FromSeconds(3));

        await Assert.ThrowsAsync<ProviderUnavailableException>(() => client.SendAsync(HttpMethod.Get, "/v1/billing/subscriptions/I-ANY", null, null, Http.Ct));
    }

    [Fact]
    public async Task Cancelling_cancels_at_PayPal_and_answers_the_paid_period_which_then_cannot_be_resumed()
    {
        var nextBilling = api.Clock.GetUtcNow().AddDays(20);
        var id = AddActive("family", "yearly", nextBilling)["id"]!.GetValue<string>();

        var canceled = await PayPal.SetCancelAtPeriodEndAsync(id, true, Http.Ct);
        var again = await PayPal.SetCancelAtPeriodEndAsync(id, true, Http.Ct);
        var resume = await Assert.ThrowsAsync<SubscriptionNotResumableException>(() => PayPal.SetCancelAtPeriodEndAsync(id, false, Http.Ct));

        Assert.Equal((id, true, "family", "yearly", "USD"), (canceled.ProviderSubscriptionId, canceled.CancelAtPeriodEnd, canceled.PlanId, canceled.BillingPeriod, canceled.Currency));
        Assert.Equal(nextBilling.UtcDateTime.AddTicks(-(nextBilling.UtcDateTime.Ticks % TimeSpan.TicksPerSecond)), canceled.CurrentPeriodEnd);
        Assert.Equal("CANCELLED", api.PayPal.Subscription(id)!["status"]!.GetValue<string>());
        var cancel = Assert.Single(api.PayPal.RequestsTo("POST", $"/v1/billing/subscriptions/{id}/cancel"));
        Assert.False(string.IsNullOrEmpty(cancel.Body?["reason"]?.GetValue<string>()));
        Assert.True(again.CancelAtPeriodEnd);
        Assert.Equal((409, "urn:bayitplus:problem:subscription-not-resumable"), (resume.Status, resume.Type));
    }

    [Fact]
    public async Task Resuming_a_suspended_subscription_activates_it_and_an_active_one_is_left_alone()
    {
        var suspended = AddActive();
        suspended["status"] = "SUSPENDED";
        var suspendedId = suspended["id"]!.GetValue<string>();
        var activeId = AddActive()["id"]!.GetValue<string>();

        var resumed = await PayPal.SetCancelAtPeriodEndAsync(suspendedId, false, Http.Ct);
        var untouched = await PayPal.SetCancelAtPeriodEndAsync(activeId, false, Http.Ct);

        Assert.Equal(("active", false), (resumed.Status, resumed.CancelAtPeriodEnd));
        Assert.Single(api.PayPal.RequestsTo("POST", $"/v1/billing/subscriptions/{suspendedId}/activate"));
        Assert.Equal(("active", false), (untouched.Status, untouched.CancelAtPeriodEnd));
        Assert.Empty(api.PayPal.RequestsTo("POST", $"/v1/billing/subscriptions/{activeId}/activate"));
    }

    [Fact]
    public async Task A_plan_change_revises_the_subscription_and_answers_the_approval_it_waits_for()
    {
        var id = AddActive()["id"]!.GetValue<string>();

        var changed = await PayPal.ChangePlanAsync(id, Select("family", BillingPeriods.Yearly), Http.Ct);

        var revise = Assert.Single(api.PayPal.RequestsTo("POST", $"/v1/billing/subscriptions/{id}/revise"));
        Assert.Equal("P-FAMILY-Y-USD", revise.Body!["plan_id"]!.GetValue<string>());
        Assert.Equal(PaymentsApiFactory.SuccessUrl, revise.Body["application_context"]!["return_url"]!.GetValue<string>());
        Assert.Equal($"{FakePayPal.ApproveBase}BA-REVISE-{id[2..]}", changed.ApprovalUrl?.ToString());
        Assert.Equal(("basic", "monthly"), (changed.PlanId, changed.BillingPeriod));
    }

    [Fact]
    public async Task A_full_refund_gives_back_the_whole_sale()
    {
        var saleId = NewId("SALE");
        api.PayPal.AddSale(saleId, 14.99m, "USD");

        var refund = await PayPal.RefundAsync(saleId, null, "requested by the customer", "refund-full", Http.Ct);

        var request = Assert.Single(api.PayPal.RequestsTo("POST", $"/v1/payments/sale/{saleId}/refund"));
        Assert.Null(request.Body!["amount"]);
        Assert.Equal("requested by the customer", request.Body["description"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(request.RequestId));
        Assert.Equal(("succeeded", 14.99m, "USD"), (refund.Status, refund.Amount, refund.Currency));
        Assert.Equal("refunded", api.PayPal.Sale(saleId)!["state"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_partial_refund_names_the_amount_in_the_sales_currency_and_each_refund_asked_is_its_own_request()
    {
        var saleId = NewId("SALE");
        api.PayPal.AddSale(saleId, 54.90m, "ILS");

        var refund = await PayPal.RefundAsync(saleId, 20m, "partial", "refund-1", Http.Ct);
        var second = await PayPal.RefundAsync(saleId, 20m, "partial", "refund-2", Http.Ct);

        var requests = api.PayPal.RequestsTo("POST", $"/v1/payments/sale/{saleId}/refund");
        Assert.Equal(2, requests.Count);
        Assert.Equal("20.00", requests[0].Body!["amount"]!["total"]!.GetValue<string>());
        Assert.Equal("ILS", requests[0].Body!["amount"]!["currency"]!.GetValue<string>());
        Assert.NotEqual(requests[0].RequestId, requests[1].RequestId);
        Assert.All(requests, r => Assert.True(r.RequestId!.Length <= 38));
        Assert.Equal(("succeeded", 20m, "ILS"), (refund.Status, refund.Amount, refund.Currency));
        Assert.NotEqual(refund.ProviderRefundId, second.ProviderRefundId);
        Assert.Equal("40.00", api.PayPal.Sale(saleId)!["refunded"]!.GetValue<string>());
    }

    /// <summary>One client with a short timeout, for the stalled PayPal.</summary>
    private sealed class SingleClient(Uri baseUrl, TimeSpan timeout) : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => new() { BaseAddress = baseUrl, Timeout = timeout };
    }
}
