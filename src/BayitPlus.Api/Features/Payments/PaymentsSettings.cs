namespace BayitPlus.Api.Features.Payments;

/// <summary>The Payments slice's settings (<c>Payments:*</c>), each listed in the README and checked
/// at start-up by <see cref="PaymentsServices"/>.</summary>
public sealed class PaymentsSettings
{
    public const string Section = "Payments";

    /// <summary>The plans on sale, by id. The three the platform launched with are the defaults, so
    /// <c>GET /api/plans</c> shows them with nothing configured; <c>Payments:Plans:&lt;id&gt;</c>
    /// changes one or adds another.</summary>
    public Dictionary<string, PaymentPlan> Plans { get; init; } = new(StringComparer.Ordinal)
    {
        ["basic"] = PaymentPlan.Launch(("בסיסי", "Basic", "Básico"), 9.99m, 99.90m, 34.90m, 349.00m, new PlanFeatures { Streams = 1, Quality = PlanFeatures.Sd }),
        ["premium"] = PaymentPlan.Launch(("פרימיום", "Premium", "Premium"), 14.99m, 149.90m, 54.90m, 549.00m,
            new PlanFeatures { Streams = 2, Quality = PlanFeatures.Hd, LiveTv = true, AiFeatures = true }),
        ["family"] = PaymentPlan.Launch(("משפחתי", "Family", "Familiar"), 19.99m, 199.90m, 69.90m, 699.00m,
            new PlanFeatures { Streams = 4, Quality = PlanFeatures.Uhd, LiveTv = true, AiFeatures = true, Downloads = true }),
    };

    /// <summary>The currency of a checkout that names none.</summary>
    public string DefaultCurrency { get; init; } = "USD";

    /// <summary>Days of free trial a new subscription starts with (0: none).</summary>
    public int TrialDays { get; init; } = 7;

    /// <summary>Days a subscription whose renewal failed (<c>past_due</c>), or that passed its
    /// <c>end_date</c>, keeps its tier before the expiry job ends it.</summary>
    public int GraceDays { get; init; } = 3;

    /// <summary>Where the provider's hosted checkout sends the user back after paying, and after
    /// giving up. Deployment facts: required once a provider is configured.</summary>
    public string? SuccessUrl { get; init; }

    public string? CancelUrl { get; init; }

    /// <summary>How often the expiry job runs.</summary>
    public TimeSpan JobInterval { get; init; } = TimeSpan.FromMinutes(1);

    public StripeSettings Stripe { get; init; } = new();

    public PayPalSettings PayPal { get; init; } = new();
}

/// <summary>A plan: its names, prices and what it includes.</summary>
public sealed class PaymentPlan
{
    /// <summary>The plan's name by language (he, en, es).</summary>
    public Dictionary<string, string> Names { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Prices by ISO 4217 currency code (USD and ILS at least), in major units.</summary>
    public Dictionary<string, PlanPrice> Prices { get; init; } = new(StringComparer.Ordinal);

    public PlanFeatures Features { get; init; } = new();

    /// <summary>The provider's own price or plan ids, by provider (<c>stripe</c>, <c>paypal</c>)
    /// then currency. Without one, a Stripe checkout describes the price inline
    /// (<c>price_data</c>); PayPal needs its plan ids.</summary>
    public Dictionary<string, Dictionary<string, PlanPriceIds>> ProviderPriceIds { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Active plans are sold; an inactive one keeps its subscribers but is not offered.</summary>
    public bool Active { get; init; } = true;

    internal static PaymentPlan Launch((string He, string En, string Es) names, decimal usdMonthly, decimal usdYearly, decimal ilsMonthly, decimal ilsYearly, PlanFeatures features) => new()
    {
        Names = new(StringComparer.Ordinal) { ["he"] = names.He, ["en"] = names.En, ["es"] = names.Es },
        Prices = new(StringComparer.Ordinal)
        {
            ["USD"] = new() { Monthly = usdMonthly, Yearly = usdYearly },
            ["ILS"] = new() { Monthly = ilsMonthly, Yearly = ilsYearly },
        },
        Features = features,
    };
}

public sealed class PlanPrice
{
    public decimal Monthly { get; init; }

    public decimal Yearly { get; init; }
}

public sealed class PlanPriceIds
{
    public string? Monthly { get; init; }

    public string? Yearly { get; init; }
}

/// <summary>What a plan includes; read by other slices through <c>IEntitlements</c>.</summary>
public sealed class PlanFeatures
{
    public const string Sd = "SD";
    public const string Hd = "HD";
    public const string Uhd = "4K";

    /// <summary>Streams at once.</summary>
    public int Streams { get; init; } = 1;

    /// <summary>The best video quality: SD, HD or 4K.</summary>
    public string Quality { get; init; } = Sd;

    public bool LiveTv { get; init; }

    public bool AiFeatures { get; init; }

    public bool Downloads { get; init; }
}

/// <summary><c>Payments:Stripe:*</c>. Without <see cref="SecretKey"/> and <see cref="WebhookSecret"/>
/// Stripe is not configured: its checkout answers 503 and its webhook 503.</summary>
public sealed class StripeSettings
{
    public string? SecretKey { get; init; }

    /// <summary>The endpoint's signing secret (<c>whsec_…</c>) the <c>Stripe-Signature</c> header is checked with.</summary>
    public string? WebhookSecret { get; init; }

    /// <summary>Stripe's API base; a deployment may point it at stripe-mock, tests at a local fake.</summary>
    public Uri ApiBase { get; init; } = new("https://api.stripe.com");

    /// <summary>How old a signed webhook payload may be; older is refused as stale (a replay).</summary>
    public TimeSpan WebhookTolerance { get; init; } = TimeSpan.FromMinutes(5);

    public bool IsConfigured => !string.IsNullOrWhiteSpace(SecretKey) && !string.IsNullOrWhiteSpace(WebhookSecret);
}

/// <summary><c>Payments:PayPal:*</c>. Without its client id, secret and webhook id PayPal is not configured.</summary>
public sealed class PayPalSettings
{
    public string? ClientId { get; init; }

    public string? ClientSecret { get; init; }

    /// <summary>The id PayPal gave the webhook endpoint; its verify-webhook-signature call needs it.</summary>
    public string? WebhookId { get; init; }

    /// <summary>PayPal's REST base: the live one by default, <c>https://api-m.sandbox.paypal.com</c>
    /// for the sandbox, a local fake in tests.</summary>
    public Uri ApiBase { get; init; } = new("https://api-m.paypal.com");

    /// <summary>How old a webhook transmission (<c>PAYPAL-TRANSMISSION-TIME</c>) may be; older is
    /// refused as stale (a replay), as <see cref="StripeSettings.WebhookTolerance"/>.</summary>
    public TimeSpan WebhookTolerance { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How long one call to PayPal may take before the request answers 502.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    public bool IsConfigured => !string.IsNullOrWhiteSpace(ClientId) && !string.IsNullOrWhiteSpace(ClientSecret) && !string.IsNullOrWhiteSpace(WebhookId);
}
