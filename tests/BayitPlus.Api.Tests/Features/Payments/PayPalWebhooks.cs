using System.Text;
using BayitPlus.Api.Features.Payments;
using BayitPlus.Api.Tests.Support;

namespace BayitPlus.Api.Tests.Features.Payments;

/// <summary>PayPal on the payments host: its settings (credentials of the <see cref="FakePayPal"/>,
/// PayPal plan ids for every plan and period in USD, none in ILS) and webhook deliveries with
/// PayPal's transmission headers.</summary>
public static class PayPalWebhooks
{
    public const string ClientId = "paypal-test-client-id";
    public const string ClientSecret = "paypal-test-client-secret-0123456789";
    public const string WebhookId = "WH-TEST-0123456789";

    public static IReadOnlyDictionary<string, string?> Settings(Uri apiBase)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Payments:PayPal:ApiBase"] = apiBase.ToString(),
            ["Payments:PayPal:ClientId"] = ClientId,
            ["Payments:PayPal:ClientSecret"] = ClientSecret,
            ["Payments:PayPal:WebhookId"] = WebhookId,
        };
        foreach (var plan in new[] { "basic", "premium", "family" })
        {
            foreach (var period in new[] { "Monthly", "Yearly" })
            {
                settings[$"Payments:Plans:{plan}:ProviderPriceIds:paypal:USD:{period}"] = PayPalPayloads.PlanId(plan, period.ToLowerInvariant(), "USD");
            }
        }

        return settings;
    }

    public static Dictionary<string, string?> With(this Dictionary<string, string?> settings, IReadOnlyDictionary<string, string?> more)
    {
        foreach (var (key, value) in more)
        {
            settings[key] = value;
        }

        return settings;
    }

    /// <summary>A delivery of <paramref name="payload"/> with the transmission headers PayPal sends,
    /// dated <paramref name="sentAt"/> (default: the host's clock); the fake PayPal confirms its
    /// signature when <paramref name="genuine"/>. Headers named in <paramref name="without"/> are left out.</summary>
    public static WebhookDelivery Delivery(this PaymentsApiFactory api, string payload, bool genuine = true, DateTimeOffset? sentAt = null, params string[] without)
    {
        var eventId = System.Text.Json.Nodes.JsonNode.Parse(payload)?["id"]?.GetValue<string>() ?? "";
        var transmissionId = Guid.NewGuid().ToString();
        var signature = Convert.ToBase64String(Guid.NewGuid().ToByteArray());
        if (genuine)
        {
            api.PayPal.Genuine(transmissionId, signature, eventId);
        }

        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["PAYPAL-AUTH-ALGO"] = "SHA256withRSA",
            ["PAYPAL-CERT-URL"] = "https://api.sandbox.paypal.com/v1/notifications/certs/CERT-360caa42-fca2a594-1d93a270",
            ["PAYPAL-TRANSMISSION-ID"] = transmissionId,
            ["PAYPAL-TRANSMISSION-SIG"] = signature,
            ["PAYPAL-TRANSMISSION-TIME"] = (sentAt ?? api.Clock.GetUtcNow()).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture),
        };
        foreach (var name in without)
        {
            headers.Remove(name);
        }

        return new WebhookDelivery(payload, headers);
    }

    /// <summary>Posts a <see cref="Delivery"/> to <c>POST /api/payments/webhooks/paypal</c>.</summary>
    public static async Task<HttpResponseMessage> PostPayPalEventAsync(this PaymentsApiFactory api, string payload, bool genuine = true, DateTimeOffset? sentAt = null,
        HttpClient? client = null, params string[] without)
    {
        var delivery = api.Delivery(payload, genuine, sentAt, without);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/payments/webhooks/paypal") { Content = new StringContent(payload, Encoding.UTF8, "application/json") };
        foreach (var (name, value) in delivery.Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return await (client ?? api.CreateClient()).SendAsync(request, Http.Ct);
    }
}
