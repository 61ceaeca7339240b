using BayitPlus.Api.Infrastructure;
using BayitPlus.Api.Infrastructure.Http;

namespace BayitPlus.Api.Features.Beta500;

/// <summary>The Beta 500 program: its settings (a bad value stops the start-up naming it), the
/// enrollment side (seats, fraud screening, expiry) and the credit ledger side (charges, refunds,
/// metered sessions), each registering its own services.</summary>
public sealed class Beta500Services : ISliceServices
{
    public void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        var settings = configuration.GetSection(BetaSettings.Section).Get<BetaSettings>() ?? new BetaSettings();
        Check(settings);
        services.AddSingleton(settings);
        services.AddOpenApiTag("Beta", "The closed Beta 500 program: its seats, enrollment, the member's AI credits and metered sessions.");
        services.AddOpenApiTag("Admin: Beta", "Admins review Beta 500 members, adjust credits, deactivate and reactivate, and reconcile the ledger.");
        BetaEnrollment.AddServices(services);
        BetaLedger.AddServices(services);
    }

    private static void Check(BetaSettings settings)
    {
        Require(settings.Seats >= 0, "Beta:Seats must be 0 or more.");
        Require(settings.DurationDays >= 1, "Beta:DurationDays must be at least 1.");
        Require(settings.InitialCredits >= 0, "Beta:InitialCredits must be 0 or more.");
        Require(settings.LowBalanceThreshold >= 0, "Beta:LowBalanceThreshold must be 0 or more.");
        Require(settings.HourlySpendAlert >= 1, "Beta:HourlySpendAlert must be at least 1.");
        Require(settings.MaxAdjustment >= 1, "Beta:MaxAdjustment must be at least 1.");
        Require(settings.SessionTimeout >= TimeSpan.FromSeconds(1), "Beta:SessionTimeout must be at least 00:00:01.");
        Require(settings.JobInterval >= TimeSpan.FromSeconds(1) && settings.JobInterval <= TimeSpan.FromDays(1), "Beta:JobInterval must be between 00:00:01 and 1.00:00:00.");
        Require(settings.ReviewScore is >= 0 and <= 1 && settings.BlockScore is >= 0 and <= 1 && settings.ReviewScore <= settings.BlockScore,
            "Beta:ReviewScore and Beta:BlockScore must be between 0 and 1, ReviewScore not above BlockScore.");
        Require(settings.NetworkBurstLimit >= 1, "Beta:NetworkBurstLimit must be at least 1.");
        Require(settings.NetworkBurstWindow >= TimeSpan.FromSeconds(1), "Beta:NetworkBurstWindow must be at least 00:00:01.");
        Require(settings.MinAccountAge >= TimeSpan.Zero, "Beta:MinAccountAge must not be negative.");
        foreach (var (feature, price) in settings.Prices)
        {
            Require(price.Credits >= 1 && price.Per is BetaPrice.PerUse or BetaPrice.PerSecond,
                $"Beta:Prices:{feature} must have Credits of at least 1 and Per of \"{BetaPrice.PerUse}\" or \"{BetaPrice.PerSecond}\".");
        }

        foreach (var (signal, weight) in settings.SignalWeights)
        {
            // A misspelt signal would otherwise weigh nothing, silently.
            Require(BetaFraudSignals.All.Contains(signal), $"Beta:SignalWeights:{signal} names no fraud signal (signals: {string.Join(", ", BetaFraudSignals.All)}).");
            Require(weight is >= 0 and <= 1, $"Beta:SignalWeights:{signal} must be between 0 and 1.");
        }
    }

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new StartupException(message);
        }
    }
}
