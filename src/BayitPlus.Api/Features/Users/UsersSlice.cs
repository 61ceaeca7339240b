using BayitPlus.Api.Infrastructure;

namespace BayitPlus.Api.Features.Users;

public sealed class UsersSlice : ISlice
{
    public void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(configuration.GetSection(UsersSettings.Section).Get<UsersSettings>() ?? new UsersSettings());
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
