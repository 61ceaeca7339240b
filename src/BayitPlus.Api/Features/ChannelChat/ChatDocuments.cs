using BayitPlus.Api.Infrastructure.Mongo;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.ChannelChat;

/// <summary>The spec's <c>channelchatmessage</c> collection: one chat message of a live channel.
/// The moderation fields after <see cref="CreatedAt"/> are this API's additions (features.md).</summary>
public sealed class ChannelChatMessageDocument
{
    public const string CollectionName = "channelchatmessage";

    public string Id { get; set; } = "";

    public required string ChannelId { get; set; }

    public required string UserId { get; set; }

    /// <summary>The account's name when the message was sent.</summary>
    public required string Username { get; set; }

    /// <summary>Sanitized: no markup, normalized, no control characters (see <see cref="ChatText"/>).</summary>
    public required string Message { get; set; }

    public bool IsPinned { get; set; }

    public bool IsDeleted { get; set; }

    /// <summary>The sending socket's session token.</summary>
    public string? SessionToken { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime? PinnedAt { get; set; }

    public string? PinnedBy { get; set; }

    public DateTime? DeletedAt { get; set; }

    public string? DeletedBy { get; set; }

    public string? DeletedReason { get; set; }
}

/// <summary>A user muted in one channel (<c>channelchatmute</c>, this API's): one document per
/// channel and user. An unmute moves <see cref="Until"/> to now rather than deleting, so the change
/// stream's event still says whom it concerns; the TTL index deletes it at <see cref="Until"/>.</summary>
public sealed class ChatMuteDocument
{
    public const string CollectionName = "channelchatmute";

    public string Id { get; set; } = "";

    /// <summary><c>channelId:userId</c>, unique: the one mute of a user in a channel, and what the
    /// audit trail finds it by.</summary>
    public required string MuteKey { get; set; }

    public required string ChannelId { get; set; }

    public required string UserId { get; set; }

    public DateTime Until { get; set; }

    public required string Reason { get; set; }

    public required string MutedBy { get; set; }

    public DateTime CreatedAt { get; set; }

    public static string KeyOf(string channelId, string userId) => $"{channelId}:{userId}";
}

/// <summary>One open chat socket (<c>channelchatconnection</c>, this API's), renewed by its
/// instance while it is open: what every instance counts for presence and socket limits. A record
/// whose instance died stops counting at <see cref="ExpiresAt"/> and is then deleted (TTL).</summary>
public sealed class ChatConnectionDocument
{
    public const string CollectionName = "channelchatconnection";

    public string Id { get; set; } = "";

    public required string ChannelId { get; set; }

    public required string UserId { get; set; }

    public required string Ip { get; set; }

    public required string InstanceId { get; set; }

    public DateTime ConnectedAt { get; set; }

    public DateTime ExpiresAt { get; set; }
}

/// <summary>The send times of one user's latest messages in one channel (<c>channelchatrate</c>,
/// this API's), oldest first, at most the rate limit's count: the sliding window every instance
/// checks and extends in one conditional update.</summary>
public sealed class ChatRateDocument
{
    public const string CollectionName = "channelchatrate";

    public string Id { get; set; } = "";

    public required string ChannelId { get; set; }

    public required string UserId { get; set; }

    public List<DateTime> Sent { get; set; } = [];

    public DateTime ExpiresAt { get; set; }
}

public sealed class ChannelChatMessageIndexes(ChatSettings settings) : ICollectionIndexes
{
    public string CollectionName => ChannelChatMessageDocument.CollectionName;

    public IEnumerable<CreateIndexModel<BsonDocument>> Indexes =>
    [
        IndexModels.Compound(("channel_id", 1), ("created_at", -1)),
        IndexModels.Ascending("user_id"),
        IndexModels.Compound(("is_pinned", 1), ("created_at", -1)),
        IndexModels.Ttl("created_at", TimeSpan.FromDays(settings.RetentionDays)),
    ];
}

public sealed class ChatMuteIndexes : ICollectionIndexes
{
    public string CollectionName => ChatMuteDocument.CollectionName;

    public IEnumerable<CreateIndexModel<BsonDocument>> Indexes => [IndexModels.Unique("mute_key"), IndexModels.Ttl("until", TimeSpan.Zero)];
}

public sealed class ChatConnectionIndexes : ICollectionIndexes
{
    public string CollectionName => ChatConnectionDocument.CollectionName;

    public IEnumerable<CreateIndexModel<BsonDocument>> Indexes =>
    [
        IndexModels.Ascending("user_id"),
        IndexModels.Ascending("ip"),
        IndexModels.Ascending("channel_id"),
        IndexModels.Ascending("instance_id"),
        IndexModels.Ttl("expires_at", TimeSpan.Zero),
    ];
}

public sealed class ChatRateIndexes : ICollectionIndexes
{
    public string CollectionName => ChatRateDocument.CollectionName;

    public IEnumerable<CreateIndexModel<BsonDocument>> Indexes => [
        // One window per channel and user: a second upsert of the pair fails rather than duplicating it.
        new CreateIndexModel<BsonDocument>(Builders<BsonDocument>.IndexKeys.Ascending("channel_id").Ascending("user_id"), new CreateIndexOptions { Unique = true }),
        IndexModels.Ttl("expires_at", TimeSpan.Zero),
    ];
}
