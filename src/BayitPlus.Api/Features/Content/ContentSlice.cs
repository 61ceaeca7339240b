using BayitPlus.Api.Infrastructure;

namespace BayitPlus.Api.Features.Content;

public sealed class ContentSlice : ISlice
{
    public void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        var settings = configuration.GetSection(ContentSettings.Section).Get<ContentSettings>() ?? new ContentSettings();
        services.AddSingleton(settings);
        services.AddOutputCache(options => CatalogCache.AddPolicy(options, settings));
        services.AddHostedService<DemoCatalogSeeder>();
    }
}
