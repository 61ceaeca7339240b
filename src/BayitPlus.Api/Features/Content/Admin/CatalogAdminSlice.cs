using BayitPlus.Api.Infrastructure;

namespace BayitPlus.Api.Features.Content.Admin;

/// <summary>The services of the catalog's admin side: the shared write path and the podcast feed
/// sync (its named HttpClient, settings <c>Content:Rss:*</c>, and the background pass).</summary>
public sealed class CatalogAdminSlice : ISlice
{
    public void AddServices(IServiceCollection services, IConfiguration configuration)
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
