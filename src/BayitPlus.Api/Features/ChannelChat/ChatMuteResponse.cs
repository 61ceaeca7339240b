namespace BayitPlus.Api.Features.ChannelChat;

/// <summary>A user's mute in a channel.</summary>
/// <param name="ChannelId">The channel.</param>
/// <param name="UserId">The muted account.</param>
/// <param name="Until">When the mute ends by itself.</param>
/// <param name="Reason">The moderator's reason.</param>
public sealed record ChatMuteResponse(string ChannelId, string UserId, DateTime Until, string Reason)
{
    public static ChatMuteResponse From(ChatMuteDocument mute) => new(mute.ChannelId, mute.UserId, mute.Until, mute.Reason);
}
