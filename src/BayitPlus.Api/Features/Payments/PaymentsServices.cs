using BayitPlus.Api.Infrastructure;
using BayitPlus.Api.Infrastructure.Entitlements;
using BayitPlus.Api.Infrastructure.Http;

namespace BayitPlus.Api.Features.Payments;

/// <summary>Plans, checkout, the subscription lifecycle driven by the providers' webhooks, refunds
/// and the entitlements other slices read. A bad setting stops the start-up naming it.</summary>
public sealed class PaymentsServices : ISliceServices
{
    /// <summary>How long one Stripe call may take before it is a 502; Stripe answers in well under a second.</summary>
    private static readonly TimeSpan StripeTimeout = TimeSpan.FromSeconds(20);

    public void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        var settings = configuration.GetSection(PaymentsSettings.Section).Get<PaymentsSettings>() ?? new PaymentsSettings();
        Check(settings);
        services.AddSingleton(settings);
        services.AddSingleton<PlanCatalog>();
        services.AddSingleton<PaymentProviders>();
        services.AddHttpClient(StripePaymentProvider.HttpClientName, client => client.Timeout = StripeTimeout);
        services.AddSingleton<IPaymentProvider, StripePaymentProvider>();
        AddPayPal(services, settings.PayPal);
        services.AddRateLimitPolicy(PaymentRateLimits.Webhooks, permitLimit: PaymentRateLimits.WebhooksPerMinute, window: TimeSpan.FromMinutes(1), exemptFromGlobal: true);
        services.AddSingleton<IEntitlements, SubscriptionEntitlements>();
        services.AddSingleton<SubscriptionExpiryJob>();
        services.AddHostedService(provider => provider.GetRequiredService<SubscriptionExpiryJob>());
        services.AddSingleton<ProviderCancellationJob>();
        services.AddHostedService(provider => provider.GetRequiredService<ProviderCancellationJob>());
        services.AddRateLimitPolicy(Checkout.RateLimitPolicy, permitLimit: 10, window: TimeSpan.FromMinutes(1), perUser: true);
        services.AddOpenApiTag("Plans", "The subscription plans on sale, localized.");
        services.AddOpenApiTag("Subscriptions", "The signed-in user's subscription: checkout, cancel, resume and plan change.");
        services.AddOpenApiTag("Payment webhooks", "Events from the payment providers, signed by them; the source of truth of every subscription.");
        services.AddOpenApiTag("Admin: Payments", "Admins review subscriptions and transactions, refund payments and read revenue.");
    }

    private static void AddPayPal(IServiceCollection services, PayPalSettings paypal)
    {
        services.AddHttpClient(PayPalClient.HttpClientName, client =>
        {
            client.BaseAddress = paypal.ApiBase.AbsoluteUri.EndsWith('/') ? paypal.ApiBase : new Uri(paypal.ApiBase.AbsoluteUri + "/");
            client.Timeout = paypal.Timeout;
        });
        services.AddSingleton<PayPalClient>();
        services.AddSingleton<IPaymentProvider, PayPalPaymentProvider>();
    }

    private static void Check(PaymentsSettings settings)
    {
        Require(settings.Plans.Count > 0, "Payments:Plans must name at least one plan.");
        foreach (var (id, plan) in settings.Plans)
        {
            Require(id.Length is >= 1 and <= 40 && id.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '_'),
                $"Payments:Plans:{id}: a plan id is 1–40 lowercase letters, digits, '-' or '_'.");
            Require(id != Infrastructure.Entitlements.Entitlements.FreeTier, $"Payments:Plans:{id}: \"{id}\" is the tier of users without a plan.");
            foreach (var language in new[] { "he", "en", "es" })
            {
                Require(plan.Names.TryGetValue(language, out var name) && !string.IsNullOrWhiteSpace(name), $"Payments:Plans:{id}:Names:{language} is required.");
            }

            Require(plan.Prices.Count > 0, $"Payments:Plans:{id}:Prices must name at least one currency.");
            foreach (var (currency, price) in plan.Prices)
            {
                Require(IsCurrency(currency), $"Payments:Plans:{id}:Prices:{currency}: a currency is an ISO 4217 code of three capital letters.");
                Require(price.Monthly > 0 && price.Yearly > 0 && Currencies.Fits(price.Monthly, currency) && Currencies.Fits(price.Yearly, currency),
                    $"Payments:Plans:{id}:Prices:{currency}: Monthly and Yearly must be positive, {Currencies.Describe(currency)} in {currency}.");
            }

            Require(plan.Features.Streams is >= 1 and <= 16, $"Payments:Plans:{id}:Features:Streams must be between 1 and 16.");
            Require(plan.Features.Quality is PlanFeatures.Sd or PlanFeatures.Hd or PlanFeatures.Uhd, $"Payments:Plans:{id}:Features:Quality must be SD, HD or 4K.");
            foreach (var provider in plan.ProviderPriceIds.Keys)
            {
                Require(PaymentProviderNames.All.Contains(provider), $"Payments:Plans:{id}:ProviderPriceIds:{provider} names no provider (providers: {string.Join(", ", PaymentProviderNames.All)}).");
            }
        }

        Require(IsCurrency(settings.DefaultCurrency) && settings.Plans.Values.All(p => p.Prices.ContainsKey(settings.DefaultCurrency)),
            "Payments:DefaultCurrency must be a currency every plan has prices in.");
        Require(settings.TrialDays is >= 0 and <= 90, "Payments:TrialDays must be between 0 and 90.");
        Require(settings.GraceDays is >= 0 and <= 30, "Payments:GraceDays must be between 0 and 30.");
        Require(settings.JobInterval >= TimeSpan.FromSeconds(1) && settings.JobInterval <= TimeSpan.FromDays(1), "Payments:JobInterval must be between 00:00:01 and 1.00:00:00.");
        Require(settings.Stripe.WebhookTolerance >= TimeSpan.FromSeconds(1) && settings.Stripe.WebhookTolerance <= TimeSpan.FromHours(1),
            "Payments:Stripe:WebhookTolerance must be between 00:00:01 and 01:00:00.");
        Require(settings.PayPal.WebhookTolerance >= TimeSpan.FromSeconds(1) && settings.PayPal.WebhookTolerance <= TimeSpan.FromHours(1),
            "Payments:PayPal:WebhookTolerance must be between 00:00:01 and 01:00:00.");
        Require(settings.PayPal.Timeout >= TimeSpan.FromSeconds(1) && settings.PayPal.Timeout <= TimeSpan.FromMinutes(2), "Payments:PayPal:Timeout must be between 00:00:01 and 00:02:00.");
        foreach (var (name, uri) in new[] { ("Stripe", settings.Stripe.ApiBase), ("PayPal", settings.PayPal.ApiBase) })
        {
            Require(uri.IsAbsoluteUri && (uri.Scheme == Uri.UriSchemeHttps || uri.IsLoopback), $"Payments:{name}:ApiBase must be an https URL (http only on the loopback address).");
        }

        if (settings.Stripe.IsConfigured || settings.PayPal.IsConfigured)
        {
            foreach (var (name, url) in new[] { ("SuccessUrl", settings.SuccessUrl), ("CancelUrl", settings.CancelUrl) })
            {
                Require(Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.IsLoopback),
                    $"Payments:{name} is required once a provider is configured: the absolute https URL the provider's checkout returns the user to.");
            }
        }
    }

    private static bool IsCurrency(string code) => code.Length == 3 && code.All(c => c is >= 'A' and <= 'Z');

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new StartupException(message);
        }
    }
}
