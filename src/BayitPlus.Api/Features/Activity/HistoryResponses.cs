using BayitPlus.Api.Infrastructure.Catalog;

namespace BayitPlus.Api.Features.Activity;

/// <summary>Where the user stands with one item, as stored after a report or a restart.</summary>
/// <param name="ContentId">The catalog item.</param>
/// <param name="PositionSeconds">Where playback resumes: the furthest position reported.</param>
/// <param name="DurationSeconds">The item's length, as the player reported it.</param>
/// <param name="Progress">positionSeconds / durationSeconds, 0–1.</param>
/// <param name="Finished">Progress reached Activity:FinishedAt.</param>
/// <param name="DurationWatched">Seconds watched in all (forward steps of the position).</param>
/// <param name="WatchedAt">When the user last watched it.</param>
public sealed record WatchProgressResponse(
    string ContentId, int PositionSeconds, int DurationSeconds, double Progress, bool Finished, int DurationWatched, DateTime WatchedAt)
{
    public static WatchProgressResponse From(WatchHistoryDocument h, ActivitySettings settings) =>
        new(h.ContentId, h.PositionSeconds, h.DurationSeconds, h.Progress, settings.IsFinished(h.Progress), h.DurationWatched, h.WatchedAt);
}

/// <summary>An item the user watched: the catalog's card in the request's language, with their progress.</summary>
/// <param name="Content">The catalog's item card, localized as the catalog localizes it.</param>
/// <param name="PositionSeconds">Where playback resumes.</param>
/// <param name="DurationSeconds">The item's length, as the player reported it.</param>
/// <param name="Progress">0–1.</param>
/// <param name="Finished">Progress reached Activity:FinishedAt.</param>
/// <param name="DurationWatched">Seconds watched in all.</param>
/// <param name="WatchedAt">When the user last watched it.</param>
/// <param name="DeviceType">The device of the report that set the position: mobile, desktop, tv or tablet.</param>
/// <param name="Platform">Its platform (ios, android, web...).</param>
public sealed record WatchedItemResponse(
    ContentResponse Content,
    int PositionSeconds,
    int DurationSeconds,
    double Progress,
    bool Finished,
    int DurationWatched,
    DateTime WatchedAt,
    string? DeviceType,
    string? Platform)
{
    public static WatchedItemResponse From(WatchHistoryDocument h, ContentResponse card, ActivitySettings settings) =>
        new(card, h.PositionSeconds, h.DurationSeconds, h.Progress, settings.IsFinished(h.Progress), h.DurationWatched, h.WatchedAt, h.DeviceType, h.Platform);
}
