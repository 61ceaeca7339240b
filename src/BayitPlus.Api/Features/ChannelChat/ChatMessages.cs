using BayitPlus.Api.Infrastructure.Mongo;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.ChannelChat;

/// <summary>The <c>channelchatmessage</c> collection and the checks before a message is stored.</summary>
public sealed class ChatMessages(MongoContext db, ChatSettings settings, TimeProvider time)
{
    /// <summary>Messages in the <c>connected</c> frame.</summary>
    public const int RecentCount = 50;

    public IMongoCollection<ChannelChatMessageDocument> Collection => db.Collection<ChannelChatMessageDocument>(ChannelChatMessageDocument.CollectionName);

    public IMongoCollection<ChatMuteDocument> Mutes => db.Collection<ChatMuteDocument>(ChatMuteDocument.CollectionName);

    private IMongoCollection<ChatRateDocument> Rates => db.Collection<ChatRateDocument>(ChatRateDocument.CollectionName);

    /// <summary>The channel's latest messages not deleted, oldest first (the order a client shows them in).</summary>
    public async Task<IReadOnlyList<ChatMessageResponse>> RecentAsync(string channelId, CancellationToken cancellationToken)
    {
        var newest = await Collection
            .Find(m => m.ChannelId == channelId && m.IsDeleted != true)
            .SortByDescending(m => m.CreatedAt).ThenByDescending(m => m.Id)
            .Limit(RecentCount)
            .ToListAsync(cancellationToken);
        return [.. newest.AsEnumerable().Reverse().Select(ChatMessageResponse.From)];
    }

    /// <summary>When the user's mute in the channel ends, or null when not muted.</summary>
    public async Task<DateTime?> MutedUntilAsync(string channelId, string userId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var mute = await Mutes.Find(m => m.ChannelId == channelId && m.UserId == userId && m.Until > now).FirstOrDefaultAsync(cancellationToken);
        return mute?.Until;
    }

    /// <summary>Takes a place in the user's sliding window for the channel; null when taken, else the
    /// seconds until one frees. One conditional update: the window's send times (oldest first, at
    /// most the limit's count) gain this one only while fewer than the limit fall inside the window;
    /// when they do not, the upsert's insert meets the unique (channel, user) index and fails, so
    /// parallel sends on any number of instances never get more than the limit through.</summary>
    public async Task<int?> TakeRateAsync(string channelId, string userId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var limit = settings.RateLimitMessages;
        var filter = Builders<ChatRateDocument>.Filter;
        var hasRoom = filter.Eq(r => r.ChannelId, channelId) & filter.Eq(r => r.UserId, userId) & filter.Or(
            filter.Exists($"sent.{limit - 1}", false),
            filter.Lte("sent.0", now - settings.RateLimitWindow));
        var take = Builders<ChatRateDocument>.Update
            .PushEach(r => r.Sent, [now], slice: -limit)
            .Set(r => r.ExpiresAt, now + settings.RateLimitWindow);
        try
        {
            await Rates.UpdateOneAsync(hasRoom, take, new UpdateOptions { IsUpsert = true }, cancellationToken);
            return null;
        }
        catch (MongoException full) when (MongoErrors.IsDuplicateKey(full))
        {
            // Either the window is full, or a parallel first send created the window between this
            // update's match and its insert: then there is room, and the update without upsert takes it.
            if ((await Rates.UpdateOneAsync(hasRoom, take, cancellationToken: cancellationToken)).MatchedCount == 1)
            {
                return null;
            }

            var window = await Rates.Find(r => r.ChannelId == channelId && r.UserId == userId).FirstOrDefaultAsync(cancellationToken);
            var frees = window is { Sent: [var oldest, ..] } ? oldest + settings.RateLimitWindow - now : settings.RateLimitWindow;
            return Math.Max(1, (int)Math.Ceiling(frees.TotalSeconds));
        }
    }

    public async Task<ChannelChatMessageDocument> InsertAsync(ChatSocket socket, string username, string text, CancellationToken cancellationToken)
    {
        var message = new ChannelChatMessageDocument
        {
            ChannelId = socket.ChannelId,
            UserId = socket.UserId,
            Username = username,
            Message = text,
            SessionToken = socket.SessionToken,
            CreatedAt = time.GetUtcNow().UtcDateTime,
        };
        await Collection.InsertOneAsync(message, cancellationToken: cancellationToken);
        return message;
    }
}
