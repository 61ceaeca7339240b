using BayitPlus.Api.Infrastructure.Credits;

namespace BayitPlus.Api.Features.Beta500;

/// <summary>The credit ledger side of the program: charges, refunds, metered sessions, adjustments
/// and reconciliation. Registers the ledger as the host's <see cref="ICreditLedger"/>, which other
/// slices spend credits through.</summary>
public static class BetaLedger
{
    public static void AddServices(IServiceCollection services)
    {
        services.AddSingleton<CreditLedger>();
        services.AddSingleton<ICreditLedger>(provider => provider.GetRequiredService<CreditLedger>());
        services.AddSingleton<MeteredSessions>();
        services.AddSingleton<MeteredSessionTimeoutJob>();
        services.AddHostedService(provider => provider.GetRequiredService<MeteredSessionTimeoutJob>());
    }
}
