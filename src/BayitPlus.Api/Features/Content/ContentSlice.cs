using BayitPlus.Api.Infrastructure;

namespace BayitPlus.Api.Features.Content;

public sealed class ContentSlice : ISlice
{
    public void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        var settings = configuration.GetSection(ContentSettings.Section).Get<ContentSettings>() ?? new ContentSettings();
        if (settings.HomeRailSize is < 1 or > 50 || settings.HomeSections is < 1 or > 50)
        {
            throw new StartupException("Content:HomeRailSize and Content:HomeSections must be between 1 and 50.");
        }

        services.AddSingleton(settings);
        services.AddOutputCache(options => CatalogCache.AddPolicy(options, settings));
        services.AddHostedService<DemoCatalogSeeder>();
    }
}
