namespace BayitPlus.Api.Features.Content.Admin;

/// <summary>How podcast RSS feeds are fetched and synced (<c>Content:Rss:*</c>).</summary>
public sealed class PodcastFeedSettings
{
    public const string Section = "Content:Rss";

    /// <summary>The whole fetch (connect, headers and body) must finish within this.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Feeds larger than this (after decompression) are refused, 422.</summary>
    public long MaxFeedBytes { get; init; } = 5 * 1024 * 1024;

    /// <summary>Off by default: feed URLs are set by admins but fetched by the server, so private,
    /// loopback and link-local addresses are refused to keep the server from being pointed at its
    /// own network. Tests and local development may allow them.</summary>
    public bool AllowPrivateNetworks { get; init; }

    /// <summary>How often the background sync reads every show's feed; zero disables it.</summary>
    public TimeSpan SyncInterval { get; init; } = TimeSpan.FromHours(1);
}
