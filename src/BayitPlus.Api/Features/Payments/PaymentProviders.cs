namespace BayitPlus.Api.Features.Payments;

/// <summary>The registered providers by name. Every provider is registered whether configured or
/// not, so an unconfigured one is told apart from an unknown one.</summary>
public sealed class PaymentProviders(IEnumerable<IPaymentProvider> providers)
{
    private readonly Dictionary<string, IPaymentProvider> _byName = providers.ToDictionary(p => p.Name, StringComparer.Ordinal);

    /// <summary>The configured provider named <paramref name="name"/>; 503 (<see cref="ProviderNotConfiguredException"/>)
    /// when it is registered but not configured, or unknown.</summary>
    public IPaymentProvider Configured(string name) =>
        _byName.TryGetValue(name, out var provider) ? provider.EnsureConfigured() : throw new ProviderNotConfiguredException(name);
}

public static class PaymentProviderExtensions
{
    /// <summary>The provider itself when configured, else 503 (<see cref="ProviderNotConfiguredException"/>):
    /// the gate <see cref="PaymentProviders.Configured"/> applies, which the providers repeat before any
    /// call in case one is reached another way.</summary>
    public static IPaymentProvider EnsureConfigured(this IPaymentProvider provider) =>
        provider.IsConfigured ? provider : throw new ProviderNotConfiguredException(provider.Name);
}

/// <summary>Turns a plan id, billing period and currency into what is sold, from
/// <see cref="PaymentsSettings.Plans"/>; the same check a webhook's plan and price go through.</summary>
public sealed class PlanCatalog(PaymentsSettings settings)
{
    /// <summary>The ids of the plans on sale, in ordinal order.</summary>
    public IReadOnlyList<string> ActivePlanIds { get; } = [.. settings.Plans.Where(p => p.Value.Active).Select(p => p.Key).Order(StringComparer.Ordinal)];

    /// <summary>The selection, or null when the plan is unknown or inactive, the period unknown, or
    /// the plan has no price in <paramref name="currency"/>.</summary>
    public PlanSelection? Select(string planId, string billingPeriod, string currency, string provider)
    {
        if (!settings.Plans.TryGetValue(planId, out var plan) || !plan.Active || !BillingPeriods.All.Contains(billingPeriod) || !plan.Prices.TryGetValue(currency, out var price))
        {
            return null;
        }

        var amount = billingPeriod == BillingPeriods.Monthly ? price.Monthly : price.Yearly;
        string? priceId = null;
        if (plan.ProviderPriceIds.TryGetValue(provider, out var byCurrency) && byCurrency.TryGetValue(currency, out var ids))
        {
            priceId = billingPeriod == BillingPeriods.Monthly ? ids.Monthly : ids.Yearly;
        }

        return new PlanSelection(planId, billingPeriod, currency, amount, priceId, plan);
    }

    /// <summary>The plan whose provider price id is <paramref name="providerPriceId"/>, for events
    /// that name a price rather than carry the plan in their metadata.</summary>
    public PlanSelection? FindByProviderPriceId(string provider, string providerPriceId)
    {
        foreach (var (planId, plan) in settings.Plans)
        {
            if (!plan.ProviderPriceIds.TryGetValue(provider, out var byCurrency))
            {
                continue;
            }

            foreach (var (currency, ids) in byCurrency)
            {
                var period = ids.Monthly == providerPriceId ? BillingPeriods.Monthly : ids.Yearly == providerPriceId ? BillingPeriods.Yearly : null;
                if (period is not null && plan.Prices.TryGetValue(currency, out var price))
                {
                    return new PlanSelection(planId, period, currency, period == BillingPeriods.Monthly ? price.Monthly : price.Yearly, providerPriceId, plan);
                }
            }
        }

        return null;
    }
}
