using System.Net;
using System.Text;
using BayitPlus.Api.Tests.Features.Audit;
using BayitPlus.Api.Tests.Support;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Tests.Features.Payments;

/// <summary>Only deliveries Stripe signed, recently, are applied: anything else is a 400, a high
/// security event naming the sender's address, and nothing stored.</summary>
[Collection<PaymentsCollection>]
public sealed class WebhookSignatureTests(PaymentsApiFactory api)
{
    private readonly string _ip = ClientAddresses.NewIp();

    private HttpClient Client()
    {
        var client = api.CreateClient();
        client.DefaultRequestHeaders.Add(ClientIpStartupFilter.Header, _ip);
        return client;
    }

    private async Task<string> CheckoutEventAsync()
    {
        var customer = await api.NewCustomerAsync();
        return customer.CheckoutCompleted(api.Clock.GetUtcNow());
    }

    /// <summary>Asserts the 400, the one stored security event of this test's address, and that the event was not applied.</summary>
    private async Task AssertRefusedAsync(HttpResponseMessage response, string payload)
    {
        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal("urn:bayitplus:problem:webhook-signature-invalid", problem["type"]!.GetValue<string>());
        var recorded = Assert.Single(await api.StoredEventsAsync(new BsonDocument { ["event_type"] = "webhook_signature_invalid", ["ip_address"] = _ip }));
        Assert.Equal("high", recorded["severity"].AsString);
        Assert.Equal("stripe", recorded["details"]["provider"].AsString);
        Assert.False(await api.MarkerExistsAsync(WebhookSupport.EventId(payload)));
        Assert.Empty(await api.Raw("subscription").Find(new BsonDocument("checkout_session_id", System.Text.Json.Nodes.JsonNode.Parse(payload)!["data"]!["object"]!["id"]!.GetValue<string>()))
            .ToListAsync(Http.Ct));
    }

    [Fact]
    public async Task A_payload_signed_with_another_secret_is_refused()
    {
        var payload = await CheckoutEventAsync();

        var response = await api.PostStripeEventAsync(payload, secret: "whsec_someone_else", client: Client());

        await AssertRefusedAsync(response, payload);
    }

    [Fact]
    public async Task A_payload_changed_after_signing_is_refused()
    {
        var payload = await CheckoutEventAsync();
        var signature = StripeSignatures.Sign(payload, PaymentsApiFactory.StripeWebhookSecret, api.Clock.GetUtcNow());
        var tampered = payload.Replace("\"basic\"", "\"family\"", StringComparison.Ordinal);

        var response = await api.PostWebhookAsync(tampered, signature, Client());

        await AssertRefusedAsync(response, tampered);
    }

    [Fact]
    public async Task A_payload_signed_longer_ago_than_the_tolerance_is_refused()
    {
        var payload = await CheckoutEventAsync();

        var response = await api.PostStripeEventAsync(payload, api.Clock.GetUtcNow().AddMinutes(-6), client: Client());

        await AssertRefusedAsync(response, payload);
    }

    [Fact]
    public async Task A_payload_without_a_signature_is_refused()
    {
        var payload = await CheckoutEventAsync();

        var response = await api.PostWebhookAsync(payload, null, Client());

        await AssertRefusedAsync(response, payload);
    }

    [Fact]
    public async Task A_garbled_signature_header_is_refused()
    {
        var payload = await CheckoutEventAsync();

        var response = await api.PostWebhookAsync(payload, "t=abc,v1=not-hex", Client());

        await AssertRefusedAsync(response, payload);
    }

    [Fact]
    public async Task A_genuine_delivery_replayed_after_the_tolerance_is_refused()
    {
        var customer = await api.NewCustomerAsync();
        var payload = customer.CheckoutCompleted(api.Clock.GetUtcNow());
        var signature = StripeSignatures.Sign(payload, PaymentsApiFactory.StripeWebhookSecret, api.Clock.GetUtcNow());
        Assert.Equal(HttpStatusCode.OK, (await api.PostWebhookAsync(payload, signature, Client())).StatusCode);

        api.Clock.Advance(TimeSpan.FromMinutes(6));
        var replayed = await api.PostWebhookAsync(payload, signature, Client());

        var problem = await replayed.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal("urn:bayitplus:problem:webhook-signature-invalid", problem["type"]!.GetValue<string>());
        Assert.Single(await api.StoredEventsAsync(new BsonDocument { ["event_type"] = "webhook_signature_invalid", ["ip_address"] = _ip }));
        Assert.Single(await api.SubscriptionsAsync(customer));
    }

    [Fact]
    public async Task A_signed_event_of_another_api_version_is_refused_as_a_configuration_fault_not_a_forgery()
    {
        var payload = (await CheckoutEventAsync()).Replace(global::Stripe.StripeConfiguration.ApiVersion, "2020-08-27", StringComparison.Ordinal);

        var response = await api.PostStripeEventAsync(payload, client: Client());

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal("urn:bayitplus:problem:webhook-api-version-mismatch", problem["type"]!.GetValue<string>());
        var recorded = Assert.Single(await api.StoredEventsAsync(new BsonDocument { ["event_type"] = "webhook_api_version_mismatch", ["ip_address"] = _ip }));
        Assert.Equal("medium", recorded["severity"].AsString);
        Assert.Equal("2020-08-27", recorded["details"]["event_api_version"].AsString);
        Assert.Empty(await api.StoredEventsAsync(new BsonDocument { ["event_type"] = "webhook_signature_invalid", ["ip_address"] = _ip }));
        Assert.False(await api.MarkerExistsAsync(WebhookSupport.EventId(payload)));
    }

    [Fact]
    public async Task A_body_over_the_limit_is_refused_unread()
    {
        var payload = $"{{\"id\":\"evt_big\",\"padding\":\"{new string('x', 300 * 1024)}\"}}";

        var response = await api.PostStripeEventAsync(payload, client: Client());

        await response.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task An_unknown_provider_answers_400()
    {
        // A provider that is not configured answers 503: PayPal on the default host (PayPalLifecycleTests).
        using var content = new StringContent("{}", Encoding.UTF8, "application/json");
        var unknown = await Client().PostAsync("/api/payments/webhooks/square", content, Http.Ct);

        await unknown.AssertValidationProblemAsync("provider");
    }
}
