namespace BayitPlus.Api.Features.Beta500;

/// <summary>The enrollment side of the program: seats, fraud screening, membership and expiry.</summary>
public static class BetaEnrollment
{
    public static void AddServices(IServiceCollection services)
    {
        services.AddSingleton<DisposableEmailDomains>();
        services.AddSingleton<BetaSeats>();
        services.AddSingleton<Membership>();
        services.AddSingleton<FraudScreening>();
        services.AddSingleton<BetaExpiryJob>();
        services.AddHostedService(provider => provider.GetRequiredService<BetaExpiryJob>());
    }
}
