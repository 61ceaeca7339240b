namespace BayitPlus.Api.Infrastructure.Catalog;

/// <summary>The live TV channels as another slice may read them. Implemented by the slice that owns
/// the catalog. An inactive channel counts as absent, as the catalog hides it.</summary>
public interface ILiveChannels
{
    /// <summary>Whether a channel with this id (24 hex digits) exists and is active.</summary>
    Task<bool> IsActiveAsync(string channelId, CancellationToken cancellationToken);

    /// <summary>The active channels in channel-number order.</summary>
    Task<IReadOnlyList<LiveChannelInfo>> ListActiveAsync(CancellationToken cancellationToken);
}

/// <summary>A live channel as other slices need it: its id, name and broadcast language (he, en, es; null when not set).</summary>
public sealed record LiveChannelInfo(string Id, string Name, string? Language);

/// <summary>The default when no slice owns the catalog: a use case that needs a channel answers 503.</summary>
public sealed class NoLiveChannels : ILiveChannels
{
    public Task<bool> IsActiveAsync(string channelId, CancellationToken cancellationToken) => throw new CatalogUnavailableException();

    public Task<IReadOnlyList<LiveChannelInfo>> ListActiveAsync(CancellationToken cancellationToken) => throw new CatalogUnavailableException();
}
