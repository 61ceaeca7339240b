namespace BayitPlus.Api.Features.Content;

/// <summary>A show as the public catalog lists it (its RSS feed address stays internal).</summary>
public sealed record PodcastResponse(
    string Id,
    string Title,
    string? Description,
    string? Thumbnail,
    string? Author,
    string? Language,
    IReadOnlyList<string> Categories,
    int EpisodeCount,
    DateTime? LastUpdated)
{
    public static PodcastResponse From(PodcastDocument podcast) => new(
        podcast.Id,
        podcast.Title,
        podcast.Description,
        podcast.Thumbnail,
        podcast.Author,
        podcast.Language,
        podcast.Categories,
        podcast.EpisodeCount,
        podcast.LastUpdated);
}

/// <summary>An episode in a show's list: everything but the transcript, which can be long. The
/// stored <c>duration</c> (seconds) is answered as <c>durationSeconds</c>, as every duration is.</summary>
public sealed record PodcastEpisodeResponse(
    string Id,
    string PodcastId,
    string Title,
    string? Description,
    string AudioUrl,
    int? DurationSeconds,
    DateTime? PublishedDate,
    int? EpisodeNumber,
    int? SeasonNumber)
{
    public static PodcastEpisodeResponse From(PodcastEpisodeDocument episode) => new(
        episode.Id,
        episode.PodcastId,
        episode.Title,
        episode.Description,
        episode.AudioUrl,
        Durations.Seconds(episode.Duration),
        episode.PublishedDate,
        episode.EpisodeNumber,
        episode.SeasonNumber);
}

/// <summary>One episode with its transcript.</summary>
public sealed record PodcastEpisodeDetailResponse(
    string Id,
    string PodcastId,
    string Title,
    string? Description,
    string AudioUrl,
    int? DurationSeconds,
    DateTime? PublishedDate,
    int? EpisodeNumber,
    int? SeasonNumber,
    string? Transcript)
{
    public static PodcastEpisodeDetailResponse From(PodcastEpisodeDocument episode) => new(
        episode.Id,
        episode.PodcastId,
        episode.Title,
        episode.Description,
        episode.AudioUrl,
        Durations.Seconds(episode.Duration),
        episode.PublishedDate,
        episode.EpisodeNumber,
        episode.SeasonNumber,
        episode.Transcript);
}
