using BayitPlus.Api.Features.Content.Admin;
using BayitPlus.Api.Infrastructure;
using BayitPlus.Api.Infrastructure.Auth;
using BayitPlus.Api.Infrastructure.Catalog;
using BayitPlus.Api.Infrastructure.Http;

namespace BayitPlus.Api.Features.Content;

/// <summary>The Content slice's services: its settings (<c>Content:*</c>), the catalog output cache,
/// the demo catalog, the item cards and live channels other slices read (<see cref="IContentCards"/>, <see cref="ILiveChannels"/>), the admin write path and the podcast feed sync (its named HttpClient, settings
/// <c>Content:Rss:*</c>, and the background pass).</summary>
public sealed class ContentServices : ISliceServices
{
    public void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        var settings = configuration.GetSection(ContentSettings.Section).Get<ContentSettings>() ?? new ContentSettings();
        if (settings.HomeRailSize is < 1 or > 50 || settings.HomeSections is < 1 or > 50)
        {
            throw new StartupException("Content:HomeRailSize and Content:HomeSections must be between 1 and 50.");
        }

        services.AddSingleton(settings);
        services.AddOpenApiTag("Content", "The VOD catalog: browse by the five-axis taxonomy, details, home rails, taxonomy counts and playback.");
        services.AddOpenApiTag("Search", "Full-text search of the catalog, and recording which result was clicked.");
        services.AddOpenApiTag("Podcasts", "Podcasts and their episodes.");
        services.AddOpenApiTag("Live", "Live TV channels.");
        services.AddOpenApiTag("Radio", "Radio stations.");
        services.AddOpenApiTag("Admin: Content", "Admins create, replace, patch and delete catalog items.");
        services.AddOpenApiTag("Admin: Content stats", "Admins see views per section and the most-watched items.");
        services.AddOpenApiTag("Admin: Podcasts", "Admins manage podcasts and sync their RSS feeds.");
        services.AddOpenApiTag("Admin: Live channels", "Admins manage live channels.");
        services.AddOpenApiTag("Admin: Radio stations", "Admins manage radio stations.");
        services.AddOutputCache(options => CatalogCache.AddPolicy(options, settings));
        services.AddHostedService<DemoCatalogSeeder>();
        services.AddSingleton<IContentCards, ContentCards>();
        services.AddSingleton<ICatalogTextSearch, CatalogTextSearch>();
        services.AddSingleton<ILiveChannels, LiveChannelLookup>();
        services.AddSingleton<ICatalogSource, CatalogSource>();
        services.AddSingleton<IUserDataEraser, SearchHistoryEraser>();
        AddCatalogAdmin(services, configuration);
    }

    private static void AddCatalogAdmin(IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<CatalogAdminStore>();
        var feeds = configuration.GetSection(PodcastFeedSettings.Section).Get<PodcastFeedSettings>() ?? new PodcastFeedSettings();
        services.AddSingleton(feeds);
        services.AddHttpClient(PodcastFeedReader.HttpClientName, client =>
            {
                client.Timeout = feeds.Timeout;
                client.DefaultRequestHeaders.UserAgent.ParseAdd("BayitPlus-PodcastSync/1.0");
            })
            .ConfigurePrimaryHttpMessageHandler(() => PublicNetwork.Handler(feeds.AllowPrivateNetworks));
        services.AddSingleton<PodcastFeedReader>();
        services.AddSingleton<PodcastFeedSync>();
        services.AddHostedService<PodcastFeedSyncService>();
    }
}
