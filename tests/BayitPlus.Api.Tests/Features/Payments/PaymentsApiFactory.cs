using System.Text;
using BayitPlus.Api.Tests.Support;

namespace BayitPlus.Api.Tests.Features.Payments;

/// <summary>
/// The API host with Stripe configured against a <see cref="FakeStripe"/> of its own, and a fake
/// clock (expiry tests move it; webhook signatures are checked against it, so sign with
/// <see cref="FakeClockApiFactory.Clock"/>'s time, as <see cref="PostStripeEventAsync"/> does).
/// One host for every payments test class: <c>[Collection&lt;PaymentsCollection&gt;]</c>.
/// </summary>
public class PaymentsApiFactory : FakeClockApiFactory, IAsyncLifetime
{
    public const string StripeSecretKey = "sk_test_bayitplus_fake_0123456789";
    public const string StripeWebhookSecret = "whsec_test_bayitplus_0123456789abcdef";
    public const string SuccessUrl = "https://app.example/subscription/success";
    public const string CancelUrl = "https://app.example/subscription/cancel";

    /// <summary>The one Stripe price id configured: family, yearly, in ILS (other plans are sold with inline prices).</summary>
    public const string FamilyIlsYearlyPriceId = "price_test_family_ils_yearly";

    public FakeStripe Stripe { get; } = new();

    public FakePayPal PayPal { get; } = new(PayPalWebhooks.ClientId, PayPalWebhooks.ClientSecret, PayPalWebhooks.WebhookId);

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
    {
        ["Payments:Stripe:ApiBase"] = Stripe.BaseUrl.ToString(),
        ["Payments:Stripe:SecretKey"] = StripeSecretKey,
        ["Payments:Stripe:WebhookSecret"] = StripeWebhookSecret,
        ["Payments:SuccessUrl"] = SuccessUrl,
        ["Payments:CancelUrl"] = CancelUrl,
        ["RateLimits:payment-webhooks:PermitLimit"] = "1000000",
        ["Payments:Plans:family:ProviderPriceIds:stripe:ILS:Yearly"] = FamilyIlsYearlyPriceId,
    }.With(PayPalWebhooks.Settings(PayPal.BaseUrl));

    // The fake must listen before the host is built, which reads its address from Settings.
    async ValueTask IAsyncLifetime.InitializeAsync()
    {
        await Stripe.StartAsync();
        await PayPal.StartAsync();
        await InitializeAsync();
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Stripe.DisposeAsync();
        await PayPal.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    /// <summary>Signs <paramref name="payload"/> with the webhook secret at <paramref name="signedAt"/>
    /// (default: the host's clock) and posts it to the Stripe webhook.</summary>
    public Task<HttpResponseMessage> PostStripeEventAsync(string payload, DateTimeOffset? signedAt = null, string? secret = null, HttpClient? client = null) =>
        PostWebhookAsync(payload, StripeSignatures.Sign(payload, secret ?? StripeWebhookSecret, signedAt ?? Clock.GetUtcNow()), client);

    /// <summary>Posts <paramref name="payload"/> with this <c>Stripe-Signature</c> header (none when null).</summary>
    public async Task<HttpResponseMessage> PostWebhookAsync(string payload, string? signature, HttpClient? client = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/payments/webhooks/stripe") { Content = new StringContent(payload, Encoding.UTF8, "application/json") };
        if (signature is not null)
        {
            request.Headers.TryAddWithoutValidation("Stripe-Signature", signature);
        }

        return await (client ?? CreateClient()).SendAsync(request, Http.Ct);
    }
}

/// <summary>The payments test classes, on one <see cref="PaymentsApiFactory"/> host, one after
/// another (they share its clock).</summary>
[CollectionDefinition]
public sealed class PaymentsCollection : ICollectionFixture<PaymentsApiFactory>;
