using System.Net;
using System.Text.Json.Nodes;
using BayitPlus.Api.Features.Payments;
using BayitPlus.Api.Infrastructure;
using BayitPlus.Api.Infrastructure.Auth;
using BayitPlus.Api.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Tests.Features.Payments;

/// <summary>Amounts follow their currency's decimals: whole numbers in zero-decimal currencies
/// (JPY, KRW), two decimals in ILS or USD, for plan prices, refunds and what goes to the providers.</summary>
[Collection<PaymentsCollection>]
public sealed class CurrencyDecimalsTests(PaymentsApiFactory api)
{
    private const string Reason = "Customer was charged twice by mistake";

    private async Task<HttpClient> AdminAsync() => (await api.SignedInClientAsync(Roles.Admin)).Client;

    private static void Start(Dictionary<string, string?> settings) =>
        new PaymentsServices().AddServices(new ServiceCollection(), new ConfigurationBuilder().AddInMemoryCollection(settings).Build());

    [Theory]
    [InlineData("JPY", "1200.50", "12000")]
    [InlineData("KRW", "9900", "99000.1")]
    [InlineData("ILS", "34.905", "349")]
    public void A_plan_price_with_more_decimals_than_its_currency_stops_the_start_up(string currency, string monthly, string yearly)
    {
        var error = Assert.Throws<StartupException>(() => Start(new()
        {
            [$"Payments:Plans:basic:Prices:{currency}:Monthly"] = monthly,
            [$"Payments:Plans:basic:Prices:{currency}:Yearly"] = yearly,
        }));

        Assert.Contains($"Payments:Plans:basic:Prices:{currency}", error.Message, StringComparison.Ordinal);
        Assert.Contains(currency == "ILS" ? "at most two decimals" : "a whole number", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Whole_yen_and_two_decimal_shekels_start()
    {
        Start(new()
        {
            ["Payments:Plans:basic:Prices:JPY:Monthly"] = "1200",
            ["Payments:Plans:basic:Prices:JPY:Yearly"] = "12000",
            ["Payments:Plans:basic:Prices:ILS:Monthly"] = "34.95",
        });
    }

    [Fact]
    public async Task A_yen_refund_must_be_whole_and_goes_to_stripe_in_yen()
    {
        var admin = await AdminAsync();
        var user = await api.SignUpAsync();
        var intent = StripePayloads.NewId("pi");
        api.Stripe.SetCurrency(intent, "JPY");
        var payment = await api.SeedTransactionAsync(user.Id, amount: 1200, currency: "JPY", providerTransactionId: intent);

        await (await admin.PostJsonAsync($"/api/admin/transactions/{payment}/refund", new { amount = 500.5, reason = Reason })).AssertValidationProblemAsync("amount");
        Assert.Empty(api.Stripe.RequestsTo("POST", "/v1/refunds", "payment_intent", intent));
        Assert.Null(await api.Raw("paymentrefundrequest").Find(new BsonDocument("_id", ObjectId.Parse(payment))).FirstOrDefaultAsync(Http.Ct));

        var refund = await (await admin.PostJsonAsync($"/api/admin/transactions/{payment}/refund", new { amount = 500, reason = Reason })).ReadAsync<JsonObject>(HttpStatusCode.Accepted);

        Assert.Equal((500m, "JPY"), (refund["amount"]!.GetValue<decimal>(), refund["currency"]!.GetValue<string>()));
        Assert.Equal("500", Assert.Single(api.Stripe.RequestsTo("POST", "/v1/refunds", "payment_intent", intent))["amount"]);
    }

    [Fact]
    public async Task Two_equal_partial_paypal_refunds_are_two_refunds_at_paypal()
    {
        var admin = await AdminAsync();
        var user = await api.SignUpAsync();
        var saleId = PayPalPayloads.NewId("SALE");
        api.PayPal.AddSale(saleId, 54.90m, "ILS");
        var payment = await api.SeedTransactionAsync(user.Id, amount: 54.90, currency: "ILS", providerTransactionId: saleId, provider: "paypal");

        var first = await (await admin.PostJsonAsync($"/api/admin/transactions/{payment}/refund", new { amount = 20, reason = Reason })).ReadAsync<JsonObject>(HttpStatusCode.Accepted);
        var second = await (await admin.PostJsonAsync($"/api/admin/transactions/{payment}/refund", new { amount = 20, reason = Reason })).ReadAsync<JsonObject>(HttpStatusCode.Accepted);

        Assert.NotEqual(first["providerRefundId"]!.GetValue<string>(), second["providerRefundId"]!.GetValue<string>());
        var calls = api.PayPal.RequestsTo("POST", $"/v1/payments/sale/{saleId}/refund");
        Assert.Equal(["20.00", "20.00"], calls.Select(c => c.Body!["amount"]!["total"]!.GetValue<string>()));
        Assert.Equal("40.00", api.PayPal.Sale(saleId)!["refunded"]!.GetValue<string>());
        var requests = await api.Raw("paymentrefundrequest").Find(new BsonDocument("_id", ObjectId.Parse(payment))).SingleAsync(Http.Ct);
        Assert.Equal(40, requests["requested"].ToDouble());
        Assert.Equal(2, requests["requests"].AsBsonArray.Count);
    }

    [Fact]
    public async Task A_partial_paypal_refund_in_yen_is_sent_without_decimals()
    {
        var admin = await AdminAsync();
        var user = await api.SignUpAsync();
        var saleId = PayPalPayloads.NewId("SALE");
        api.PayPal.AddSale(saleId, 3000m, "JPY");
        var payment = await api.SeedTransactionAsync(user.Id, amount: 3000, currency: "JPY", providerTransactionId: saleId, provider: "paypal");

        await (await admin.PostJsonAsync($"/api/admin/transactions/{payment}/refund", new { amount = 1200, reason = Reason })).ReadAsync<JsonObject>(HttpStatusCode.Accepted);

        var call = Assert.Single(api.PayPal.RequestsTo("POST", $"/v1/payments/sale/{saleId}/refund"));
        Assert.Equal(("1200", "JPY"), (call.Body!["amount"]!["total"]!.GetValue<string>(), call.Body["amount"]!["currency"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Webhook_deliveries_count_only_against_their_own_limit_not_the_global_one()
    {
        var client = api.CreateClient();
        client.DefaultRequestHeaders.Add(ClientIpStartupFilter.Header, ClientAddresses.NewIp());
        var customer = await api.NewCustomerAsync();

        var response = await api.PostStripeEventAsync(customer.CheckoutCompleted(api.Clock.GetUtcNow()), client: client);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("1000000;w=60", Assert.Single(response.Headers.GetValues("RateLimit-Policy")));
    }
}
