using BayitPlus.Api.Infrastructure;
using BayitPlus.Api.Infrastructure.Auth;
using BayitPlus.Api.Infrastructure.Http;

namespace BayitPlus.Api.Features.Users;

public sealed class UsersServices : ISliceServices
{
    /// <summary>The longest period a PeriodicTimer accepts is about 49.7 days; a longer interval
    /// would stop the host when the anonymization job starts.</summary>
    private static readonly TimeSpan MaxTimerPeriod = TimeSpan.FromDays(49);

    public void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        var settings = configuration.GetSection(UsersSettings.Section).Get<UsersSettings>() ?? new UsersSettings();
        if (settings.AnonymizationInterval < TimeSpan.FromSeconds(1) || settings.AnonymizationInterval > MaxTimerPeriod)
        {
            throw new StartupException("Users:AnonymizationInterval must be between 00:00:01 and 49.00:00:00.");
        }

        services.AddSingleton(settings);
        services.AddOpenApiTag("Auth", "Sign-up, sign-in (password or Firebase), token refresh and sign-out.");
        services.AddOpenApiTag("Users", "The signed-in user's own account, profile, password and devices.");
        services.AddOpenApiTag("Admin: Users", "Admins list accounts and change their role or active flag.");
        services.AddSingleton<AccountStatusLookup>();
        services.AddSingleton<IAccountStatus>(provider => provider.GetRequiredService<AccountStatusLookup>());
        services.AddSingleton<IAccountRoles, AccountRolesService>();
        services.AddSingleton<IAccountTiers, AccountTiersService>();
        services.AddSingleton<IViewingLimits, ViewingLimitsService>();
        services.AddRateLimitPolicy(UsersRateLimits.Register, permitLimit: 3, window: TimeSpan.FromHours(1));
        services.AddRateLimitPolicy(UsersRateLimits.Login, permitLimit: 5, window: TimeSpan.FromMinutes(1));
        services.AddRateLimitPolicy(UsersRateLimits.Refresh, permitLimit: 10, window: TimeSpan.FromMinutes(1));
        services.AddSingleton<PasswordHasher>();
        services.AddSingleton<RefreshTokens>();
        services.AddSingleton<LoginLockout>();
        services.AddSingleton<DeviceRegistration>();
        services.AddSingleton(configuration.GetSection(FirebaseSettings.Section).Get<FirebaseSettings>() ?? new FirebaseSettings());
        services.AddSingleton<FirebaseIdTokens>();
        services.AddHttpClient(FirebaseSettings.JwksHttpClient, client => client.Timeout = TimeSpan.FromSeconds(10));
        services.AddSingleton<AnonymizationJob>();
        services.AddHostedService(provider => provider.GetRequiredService<AnonymizationJob>());
        services.AddSingleton<BootstrapAdmin>();
        services.AddHostedService(provider => provider.GetRequiredService<BootstrapAdmin>());
    }
}
