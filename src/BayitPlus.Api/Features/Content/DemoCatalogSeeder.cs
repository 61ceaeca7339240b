using BayitPlus.Api.Infrastructure.Mongo;
using BayitPlus.Api.Infrastructure.Telemetry;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.Content;

/// <summary>Fills an empty catalog with <see cref="DemoCatalog"/> when the API runs on the embedded
/// emulator, so a local run shows real screens at once. A configured <c>MONGODB_URI</c> (a real
/// database, or the tests' server) is never seeded. The API is ready only once the catalog is
/// there.</summary>
public sealed partial class DemoCatalogSeeder(
    MongoSettings settings,
    MongoContext db,
    DatabaseReadiness readiness,
    ReadinessGates gates,
    TimeProvider time,
    ILogger<DemoCatalogSeeder> logger) : BackgroundService
{
    private readonly ReadinessGate? _ready = settings.IsEmbeddedEmulator ? gates.Open("demo catalog") : null;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_ready is null)
        {
            return;
        }

        using var startupWork = MongoCommandMetrics.StartupWork();
        await readiness.WhenIndexesReady.WaitAsync(stoppingToken);
        await SeedIfEmptyAsync(stoppingToken);
        _ready.Complete();
    }

    private async Task SeedIfEmptyAsync(CancellationToken stoppingToken)
    {
        var content = db.Collection<ContentDocument>(ContentDocument.CollectionName);
        if (await content.Find(FilterDefinition<ContentDocument>.Empty).Limit(1).AnyAsync(stoppingToken))
        {
            return;
        }

        var demo = DemoCatalog.Create(time.GetUtcNow().UtcDateTime);
        await content.InsertManyAsync(demo.Content, cancellationToken: stoppingToken);
        await db.Collection<PodcastDocument>(PodcastDocument.CollectionName).InsertManyAsync(demo.Podcasts, cancellationToken: stoppingToken);
        await db.Collection<PodcastEpisodeDocument>(PodcastEpisodeDocument.CollectionName).InsertManyAsync(demo.Episodes, cancellationToken: stoppingToken);
        await db.Collection<LiveChannelDocument>(LiveChannelDocument.CollectionName).InsertManyAsync(demo.Channels, cancellationToken: stoppingToken);
        await db.Collection<RadioStationDocument>(RadioStationDocument.CollectionName).InsertManyAsync(demo.Stations, cancellationToken: stoppingToken);
        LogSeeded(logger, demo.Content.Count, demo.Podcasts.Count, demo.Episodes.Count, demo.Channels.Count, demo.Stations.Count);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Seeded the demo catalog on the embedded emulator: {Items} items, {Podcasts} podcasts with {Episodes} episodes, {Channels} live channels, {Stations} radio stations")]
    private static partial void LogSeeded(ILogger logger, int items, int podcasts, int episodes, int channels, int stations);
}
