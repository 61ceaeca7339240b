using BayitPlus.Api.Infrastructure.Errors;
using BayitPlus.Api.Infrastructure.Mongo;
using Microsoft.AspNetCore.OutputCaching;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.Content.Admin;

/// <summary>What one sync of a show did.</summary>
public sealed record PodcastSyncResponse(int Added, int Updated, int EpisodeCount);

/// <summary>What one pass over every show did.</summary>
public sealed record PodcastSyncPass(int Synced, int Failed);

/// <summary>
/// Brings a show's episodes in line with its feed. Each feed item is upserted by (podcast_id,
/// guid) in one unordered bulk write: a new item is inserted, a changed one updated, an unchanged
/// one matched but not modified, so a second sync of the same feed adds 0 and updates 0. Episodes
/// that left the feed are kept: feeds often list only the latest items. Then the show's
/// <c>episode_count</c> (episodes stored) and <c>last_updated</c> are set.
/// </summary>
public sealed partial class PodcastFeedSync(
    MongoContext db,
    PodcastFeedReader reader,
    IOutputCacheStore cache,
    TimeProvider time,
    ILogger<PodcastFeedSync> logger)
{
    private IMongoCollection<PodcastDocument> Podcasts => db.Collection<PodcastDocument>(PodcastDocument.CollectionName);

    private IMongoCollection<PodcastEpisodeDocument> Episodes => db.Collection<PodcastEpisodeDocument>(PodcastEpisodeDocument.CollectionName);

    public async Task<PodcastSyncResponse> SyncAsync(string podcastId, CancellationToken cancellationToken)
    {
        var id = Ids.Parse(podcastId, PodcastFields.Resource.Name).ToString();
        var podcast = await Podcasts.Find(p => p.Id == id).FirstOrDefaultAsync(cancellationToken)
            ?? throw new NotFoundException(PodcastFields.Resource.Name);
        return await SyncAsync(podcast, cancellationToken);
    }

    /// <summary>Syncs every show, one after another; a show whose feed fails is logged and the
    /// others go on.</summary>
    public async Task<PodcastSyncPass> SyncAllAsync(CancellationToken cancellationToken)
    {
        var podcasts = await Podcasts.Find(FilterDefinition<PodcastDocument>.Empty).SortBy(p => p.Id).ToListAsync(cancellationToken);
        var failed = 0;
        foreach (var podcast in podcasts)
        {
            try
            {
                await SyncAsync(podcast, cancellationToken);
            }
            catch (Exception error) when (!cancellationToken.IsCancellationRequested)
            {
                failed++;
                LogShowFailed(logger, podcast.Id, error.Message);
            }
        }

        return new PodcastSyncPass(podcasts.Count - failed, failed);
    }

    private async Task<PodcastSyncResponse> SyncAsync(PodcastDocument podcast, CancellationToken ct)
    {
        var episodes = await reader.ReadAsync(podcast.RssFeedUrl, ct);
        var (added, updated) = await UpsertAsync(podcast.Id, episodes, ct);
        var count = await Episodes.CountDocumentsAsync(e => e.PodcastId == podcast.Id, cancellationToken: ct);
        await Podcasts.UpdateOneAsync(
            p => p.Id == podcast.Id,
            Builders<PodcastDocument>.Update.Set(p => p.EpisodeCount, (int)count).Set(p => p.LastUpdated, time.GetUtcNow().UtcDateTime),
            cancellationToken: ct);
        await CatalogCache.EvictAsync(cache, CancellationToken.None);
        return new PodcastSyncResponse(added, updated, (int)count);
    }

    private async Task<(int Added, int Updated)> UpsertAsync(string podcastId, IReadOnlyList<FeedEpisode> episodes, CancellationToken ct)
    {
        if (episodes.Count == 0)
        {
            return (0, 0);
        }

        var writes = episodes.Select(episode => new UpdateOneModel<PodcastEpisodeDocument>(
            Builders<PodcastEpisodeDocument>.Filter.Where(e => e.PodcastId == podcastId && e.Guid == episode.Guid),
            Fields(episode)) { IsUpsert = true }).ToList();
        try
        {
            var result = await Episodes.BulkWriteAsync(writes, new BulkWriteOptions { IsOrdered = false }, ct);
            return (result.Upserts.Count, (int)result.ModifiedCount);
        }
        catch (MongoBulkWriteException<PodcastEpisodeDocument> race) when (race.WriteErrors.All(e => e.Category == ServerErrorCategory.DuplicateKey))
        {
            // Another sync of this show inserted the same episodes a moment earlier: they exist,
            // which is what this sync wanted.
            return (race.Result.Upserts.Count, (int)race.Result.ModifiedCount);
        }
    }

    /// <summary>Every field from the feed; a value the feed no longer gives is removed.</summary>
    private static UpdateDefinition<PodcastEpisodeDocument> Fields(FeedEpisode episode)
    {
        var update = Builders<PodcastEpisodeDocument>.Update;
        return update.Combine(
            update.Set(e => e.Title, episode.Title),
            update.Set(e => e.AudioUrl, episode.AudioUrl),
            episode.Description is { } description ? update.Set(e => e.Description, description) : update.Unset(e => e.Description),
            episode.Duration is { } duration ? update.Set(e => e.Duration, duration) : update.Unset(e => e.Duration),
            episode.PublishedDate is { } published ? update.Set(e => e.PublishedDate, published) : update.Unset(e => e.PublishedDate),
            episode.EpisodeNumber is { } number ? update.Set(e => e.EpisodeNumber, number) : update.Unset(e => e.EpisodeNumber),
            episode.SeasonNumber is { } season ? update.Set(e => e.SeasonNumber, season) : update.Unset(e => e.SeasonNumber));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Podcast {PodcastId}: feed sync failed ({Reason}); the other shows go on")]
    private static partial void LogShowFailed(ILogger logger, string podcastId, string reason);
}

/// <summary>Syncs every show's feed every <see cref="PodcastFeedSettings.SyncInterval"/> (the
/// first pass one interval after start); a zero interval turns it off.</summary>
public sealed partial class PodcastFeedSyncService(
    PodcastFeedSync sync,
    PodcastFeedSettings settings,
    DatabaseReadiness readiness,
    TimeProvider time,
    ILogger<PodcastFeedSyncService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (settings.SyncInterval <= TimeSpan.Zero)
        {
            return;
        }

        try
        {
            await readiness.WhenIndexesReady.WaitAsync(stoppingToken);
            using var timer = new PeriodicTimer(settings.SyncInterval, time);
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    var pass = await sync.SyncAllAsync(stoppingToken);
                    LogPass(logger, pass.Synced, pass.Failed);
                }
                catch (Exception error) when (error is MongoException or TimeoutException)
                {
                    LogPassFailed(logger, error);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The host is stopping.
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Podcast feed sync: {Synced} shows synced, {Failed} failed")]
    private static partial void LogPass(ILogger logger, int synced, int failed);

    [LoggerMessage(Level = LogLevel.Error, Message = "Podcast feed sync pass failed (database unavailable); retrying next interval")]
    private static partial void LogPassFailed(ILogger logger, Exception error);
}
