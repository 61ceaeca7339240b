using System.Net;
using System.Text.Json.Nodes;
using BayitPlus.Api.Tests.Support;

namespace BayitPlus.Api.Tests.Features.Payments;

/// <summary><c>GET /api/plans</c> on the default host: the launch plans with nothing configured,
/// named in the request's language; and checkout on a host where no provider is configured.</summary>
public sealed class PlansTests(ApiFactory api)
{
    private async Task<(JsonArray Plans, string? Language)> PlansAsync(string url, string? acceptLanguage = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (acceptLanguage is not null)
        {
            request.Headers.AcceptLanguage.ParseAdd(acceptLanguage);
        }

        var response = await api.CreateClient().SendAsync(request, Http.Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return ((await response.ReadJsonAsync()).ItemsOf(), response.Content.Headers.ContentLanguage.SingleOrDefault());
    }

    [Fact]
    public async Task Anonymous_users_see_the_three_launch_plans_cheapest_first_with_prices_features_and_trial()
    {
        var (plans, language) = await PlansAsync("/api/plans?lang=en");

        Assert.Equal("en", language);
        Assert.Equal(["basic", "premium", "family"], plans.Select(p => p!["id"]!.GetValue<string>()));
        Assert.Equal(["Basic", "Premium", "Family"], plans.Select(p => p!["name"]!.GetValue<string>()));
        var premium = plans[1]!;
        Assert.Equal(14.99m, premium["prices"]!["USD"]!["monthly"]!.GetValue<decimal>());
        Assert.Equal(149.90m, premium["prices"]!["USD"]!["yearly"]!.GetValue<decimal>());
        Assert.Equal(54.90m, premium["prices"]!["ILS"]!["monthly"]!.GetValue<decimal>());
        Assert.Equal(549m, premium["prices"]!["ILS"]!["yearly"]!.GetValue<decimal>());
        Assert.Equal(7, premium["trialDays"]!.GetValue<int>());
        var features = premium["features"]!;
        Assert.Equal(2, features["streams"]!.GetValue<int>());
        Assert.Equal("HD", features["quality"]!.GetValue<string>());
        Assert.True(features["liveTv"]!.GetValue<bool>());
        Assert.True(features["aiFeatures"]!.GetValue<bool>());
        Assert.False(features["downloads"]!.GetValue<bool>());
        var family = plans[2]!["features"]!;
        Assert.Equal(4, family["streams"]!.GetValue<int>());
        Assert.Equal("4K", family["quality"]!.GetValue<string>());
        Assert.True(family["downloads"]!.GetValue<bool>());
        var basic = plans[0]!["features"]!;
        Assert.Equal("SD", basic["quality"]!.GetValue<string>());
        Assert.False(basic["liveTv"]!.GetValue<bool>());
    }

    [Theory]
    [InlineData("/api/plans?lang=es", null, "es", "Familiar")]
    [InlineData("/api/plans", "es-MX,en;q=0.5", "es", "Familiar")]
    [InlineData("/api/plans", null, "he", "משפחתי")]
    [InlineData("/api/plans?lang=xx", "en-US", "en", "Family")]
    public async Task Names_follow_the_request_language(string url, string? acceptLanguage, string expectedLanguage, string familyName)
    {
        var (plans, language) = await PlansAsync(url, acceptLanguage);

        Assert.Equal(expectedLanguage, language);
        Assert.Equal(familyName, plans.Single(p => p!["id"]!.GetValue<string>() == "family")!["name"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("stripe")]
    [InlineData("paypal")]
    public async Task Checkout_through_a_provider_that_is_not_configured_is_503(string provider)
    {
        var (_, client) = await api.SignedInClientAsync();

        var response = await client.PostJsonAsync("/api/subscriptions/checkout", new { planId = "basic", billingPeriod = "monthly", provider });

        var problem = await response.AssertProblemAsync(HttpStatusCode.ServiceUnavailable);
        Assert.Equal("urn:bayitplus:problem:payment-provider-not-configured", problem["type"]!.GetValue<string>());
        Assert.Contains(provider, problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_subscription_the_entitlements_are_the_free_tier()
    {
        var (_, client) = await api.SignedInClientAsync();

        var entitlements = await (await client.GetAsync("/api/subscriptions/me/entitlements", Http.Ct)).ReadAsync<JsonObject>();

        Assert.Equal("free", entitlements["tier"]!.GetValue<string>());
        Assert.Equal(1, entitlements["streams"]!.GetValue<int>());
        Assert.Equal("SD", entitlements["quality"]!.GetValue<string>());
        Assert.False(entitlements["liveTv"]!.GetValue<bool>());
        Assert.Null(entitlements["validUntil"]);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/subscriptions/me", Http.Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.CreateClient().GetAsync("/api/subscriptions/me/entitlements", Http.Ct)).StatusCode);
    }
}
