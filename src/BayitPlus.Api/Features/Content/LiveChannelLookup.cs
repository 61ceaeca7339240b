using BayitPlus.Api.Infrastructure.Catalog;
using BayitPlus.Api.Infrastructure.Errors;
using BayitPlus.Api.Infrastructure.Mongo;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.Content;

/// <summary>The Content slice's answer to <see cref="ILiveChannels"/>, with the same rule as
/// <see cref="GetLiveChannel"/>: an inactive channel is hidden like an unknown one.</summary>
public sealed class LiveChannelLookup(MongoContext db) : ILiveChannels
{
    public async Task<bool> IsActiveAsync(string channelId, CancellationToken cancellationToken)
    {
        if (!Ids.IsValid(channelId))
        {
            return false;
        }

        var id = channelId.ToLowerInvariant();
        return await db.Collection<LiveChannelDocument>(LiveChannelDocument.CollectionName)
            .Find(c => c.Id == id && c.IsActive)
            .AnyAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<LiveChannelInfo>> ListActiveAsync(CancellationToken cancellationToken) =>
        await db.Collection<LiveChannelDocument>(LiveChannelDocument.CollectionName)
            .Find(c => c.IsActive)
            .SortBy(c => c.ChannelNumber).ThenBy(c => c.Id)
            .Project(c => new LiveChannelInfo(c.Id, c.ChannelName, c.Language))
            .ToListAsync(cancellationToken);
}
