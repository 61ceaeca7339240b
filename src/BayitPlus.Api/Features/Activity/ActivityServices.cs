using BayitPlus.Api.Infrastructure;
using BayitPlus.Api.Infrastructure.Auth;
using BayitPlus.Api.Infrastructure.Http;

namespace BayitPlus.Api.Features.Activity;

/// <summary>The Activity slice's services: its settings, the per-user limit on progress reports and
/// the eraser the account anonymization calls.</summary>
public sealed class ActivityServices : ISliceServices
{
    public const string ReportPolicy = "history-report";

    public void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        var settings = configuration.GetSection(ActivitySettings.Section).Get<ActivitySettings>() ?? new ActivitySettings();
        if (settings.FinishedAt is <= 0 or > 1 || settings.MinProgress is < 0 or >= 1 || settings.MinProgress >= settings.FinishedAt)
        {
            throw new StartupException("Activity:FinishedAt must be above 0 and at most 1, and Activity:MinProgress from 0 to below Activity:FinishedAt.");
        }

        services.AddSingleton(settings);
        services.AddOpenApiTag("Activity", "The signed-in user's watch history: progress reports from players, continue watching, the history itself.");

        // A player reports every ~10 s and on pause, seek and stop; a few devices or a quick
        // succession of items stay far below 120 a minute, a runaway client does not.
        services.AddRateLimitPolicy(ReportPolicy, permitLimit: 120, window: TimeSpan.FromMinutes(1), perUser: true);
        services.AddSingleton<IUserDataEraser, WatchHistoryEraser>();
        services.AddSingleton<WatchedItems>();
    }
}
