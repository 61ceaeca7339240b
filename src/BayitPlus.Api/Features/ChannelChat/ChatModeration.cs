using BayitPlus.Api.Infrastructure.Errors;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.ChannelChat;

/// <summary>What the moderation use cases share: their ids read from the path, and which message a
/// moderator may act on.</summary>
public static class ChatModeration
{
    /// <summary>A channel id from the path, in the stored (lowercase) form; 404 when malformed.</summary>
    public static string ChannelId(string channelId) => Ids.Parse(channelId, "Channel").ToString();

    public static string MessageId(string messageId) => Ids.Parse(messageId, "Chat message").ToString();

    /// <summary>The message, if it belongs to the channel and is not deleted.</summary>
    public static FilterDefinition<ChannelChatMessageDocument> Visible(string channelId, string messageId) =>
        Builders<ChannelChatMessageDocument>.Filter.Eq(m => m.Id, messageId)
        & Builders<ChannelChatMessageDocument>.Filter.Eq(m => m.ChannelId, channelId)
        & Builders<ChannelChatMessageDocument>.Filter.Ne(m => m.IsDeleted, true);
}
