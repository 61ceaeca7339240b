namespace BayitPlus.Api.Features.Beta500;

/// <summary>The credit ledger side of the program: charges, refunds, metered sessions, adjustments
/// and reconciliation.</summary>
public static class BetaLedger
{
    public static void AddServices(IServiceCollection services)
    {
        _ = services;
    }
}
