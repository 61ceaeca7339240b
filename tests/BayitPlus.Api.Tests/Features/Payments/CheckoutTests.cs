using System.Net;
using System.Text.Json.Nodes;
using BayitPlus.Api.Tests.Support;

namespace BayitPlus.Api.Tests.Features.Payments;

/// <summary><c>POST /api/subscriptions/checkout</c> with the real Stripe provider against the fake Stripe.</summary>
[Collection<PaymentsCollection>]
public sealed class CheckoutTests(PaymentsApiFactory api)
{
    private const string Url = "/api/subscriptions/checkout";

    private IReadOnlyList<StripeRequest> SessionsOf(string userId) => api.Stripe.RequestsTo("POST", "/v1/checkout/sessions", "client_reference_id", userId);

    [Fact]
    public async Task A_first_checkout_creates_a_stripe_session_for_the_user_plan_and_period_with_the_trial()
    {
        var user = await api.SignUpAsync();

        var response = await api.ClientFor(user).PostJsonAsync(Url, new { planId = "family", billingPeriod = "yearly", provider = "stripe" });

        var body = await response.ReadAsync<JsonObject>();
        var sessionId = body["sessionId"]!.GetValue<string>();
        Assert.Equal($"https://checkout.stripe.com/c/pay/{sessionId}", body["checkoutUrl"]!.GetValue<string>());
        var request = Assert.Single(SessionsOf(user.Id));
        Assert.Equal(user.Email, request["customer_email"]);
        Assert.Equal("family", request["metadata[planId]"]);
        Assert.Equal("yearly", request["metadata[billingPeriod]"]);
        Assert.Equal("usd", request["line_items[0][price_data][currency]"]);
        Assert.Equal("19990", request["line_items[0][price_data][unit_amount]"]);
        Assert.Equal("7", request["subscription_data[trial_period_days]"]);
        Assert.Equal(PaymentsApiFactory.SuccessUrl, request["success_url"]);
        Assert.StartsWith($"checkout:{user.Id}:stripe:family:yearly:USD:", request.IdempotencyKey, StringComparison.Ordinal);
        // Nothing is stored until the provider reports the checkout completed.
        Assert.Equal(0, await api.Raw("subscription").CountDocumentsAsync(new MongoDB.Bson.BsonDocument("user_id", user.Id), cancellationToken: Http.Ct));
    }

    [Fact]
    public async Task A_currency_may_be_chosen_and_a_returning_subscriber_gets_no_second_trial()
    {
        var user = await api.SignUpAsync();
        await api.SeedSubscriptionAsync(user.Id, status: "expired", endDate: api.ClockNow().AddDays(-40));

        var response = await api.ClientFor(user).PostJsonAsync(Url, new { planId = "basic", billingPeriod = "monthly", provider = "stripe", currency = "ILS" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var request = Assert.Single(SessionsOf(user.Id));
        Assert.Equal("ils", request["line_items[0][price_data][currency]"]);
        Assert.Equal("3490", request["line_items[0][price_data][unit_amount]"]);
        Assert.Null(request["subscription_data[trial_period_days]"]);
    }

    [Theory]
    [InlineData("active", 20)]
    [InlineData("past_due", -1)]
    [InlineData("canceled", 5)]
    public async Task A_user_whose_subscription_has_not_ended_gets_409_and_no_session(string status, int endsInDays)
    {
        var user = await api.SignUpAsync();
        await api.SeedSubscriptionAsync(user.Id, status: status, endDate: api.ClockNow().AddDays(endsInDays));

        var response = await api.ClientFor(user).PostJsonAsync(Url, new { planId = "premium", billingPeriod = "monthly", provider = "stripe" });

        var problem = await response.AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal("urn:bayitplus:problem:subscription-active", problem["type"]!.GetValue<string>());
        Assert.Empty(SessionsOf(user.Id));
    }

    [Fact]
    public async Task A_canceled_subscription_whose_period_ended_does_not_block_a_new_checkout()
    {
        var user = await api.SignUpAsync();
        await api.SeedSubscriptionAsync(user.Id, status: "canceled", endDate: api.ClockNow().AddMinutes(-1), autoRenew: false);

        var response = await api.ClientFor(user).PostJsonAsync(Url, new { planId = "premium", billingPeriod = "monthly", provider = "stripe" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(SessionsOf(user.Id));
    }

    [Theory]
    [InlineData("gold", "monthly", "stripe", null, "planId")]
    [InlineData("premium", "weekly", "stripe", null, "billingPeriod")]
    [InlineData("premium", "monthly", "bitcoin", null, "provider")]
    [InlineData("premium", "monthly", "stripe", "EUR", "currency")]
    [InlineData("premium", "monthly", "stripe", "usd", "currency")]
    [InlineData(null, null, null, null, "planId,billingPeriod,provider")]
    public async Task Unknown_plans_periods_providers_and_currencies_are_refused(string? planId, string? billingPeriod, string? provider, string? currency, string fields)
    {
        var user = await api.SignUpAsync();

        var response = await api.ClientFor(user).PostJsonAsync(Url, new { planId, billingPeriod, provider, currency });

        await response.AssertValidationProblemAsync(fields.Split(','));
        Assert.Empty(SessionsOf(user.Id));
    }

    [Fact]
    public async Task Unknown_fields_are_refused_and_anonymous_users_get_401()
    {
        var user = await api.SignUpAsync();

        var response = await api.ClientFor(user).PostJsonAsync(Url, new { planId = "premium", billingPeriod = "monthly", provider = "stripe", amount = 0.01 });

        var problem = await response.AssertValidationProblemAsync("amount");
        Assert.Contains("planId, billingPeriod, provider and currency", problem["errors"]!["amount"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.CreateClient().PostJsonAsync(Url, new { planId = "premium", billingPeriod = "monthly", provider = "stripe" })).StatusCode);
        Assert.Empty(SessionsOf(user.Id));
    }

    [Fact]
    public async Task A_double_click_sends_both_calls_with_one_idempotency_key_so_stripe_answers_one_session()
    {
        var user = await api.SignUpAsync();
        var client = api.ClientFor(user);

        var responses = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => client.PostJsonAsync(Url, new { planId = "premium", billingPeriod = "yearly", provider = "stripe" })));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var requests = SessionsOf(user.Id);
        Assert.Equal(2, requests.Count);
        Assert.Single(requests.Select(r => r.IdempotencyKey).Distinct());
        Assert.NotNull(requests[0].IdempotencyKey);

        // Another selection is another order, with its own key.
        Assert.Equal(HttpStatusCode.OK, (await client.PostJsonAsync(Url, new { planId = "premium", billingPeriod = "monthly", provider = "stripe" })).StatusCode);
        Assert.Equal(2, SessionsOf(user.Id).Select(r => r.IdempotencyKey).Distinct().Count());
    }

    [Fact]
    public async Task A_stripe_failure_is_a_502_without_stripe_s_message()
    {
        var user = await api.SignUpAsync();
        api.Stripe.FailNext(500);

        var response = await api.ClientFor(user).PostJsonAsync(Url, new { planId = "premium", billingPeriod = "monthly", provider = "stripe" });

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadGateway);
        Assert.Equal("urn:bayitplus:problem:payment-provider-error", problem["type"]!.GetValue<string>());
        Assert.DoesNotContain("sk_test", problem.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Checkout_is_rate_limited_per_user()
    {
        var first = await api.SignUpAsync();
        var second = await api.SignUpAsync();
        var client = api.ClientFor(first);

        // The limit counts per account, whatever address the requests come from.
        for (var i = 0; i < 10; i++)
        {
            var allowed = await api.ClientFor(first).FromIp(ClientAddresses.NewIp()).PostJsonAsync(Url, new { planId = "basic", billingPeriod = "monthly", provider = "stripe" });
            Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        }

        var refused = await client.PostJsonAsync(Url, new { planId = "basic", billingPeriod = "monthly", provider = "stripe" });
        await refused.AssertProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.True(refused.Headers.Contains("Retry-After"));
        Assert.Equal(10, SessionsOf(first.Id).Count);

        // Another account behind the same address is not limited by the first one's requests.
        Assert.Equal(HttpStatusCode.OK, (await api.ClientFor(second).PostJsonAsync(Url, new { planId = "basic", billingPeriod = "monthly", provider = "stripe" })).StatusCode);
    }
}
