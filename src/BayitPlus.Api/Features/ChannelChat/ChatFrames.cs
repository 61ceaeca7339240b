using System.Text.Json;
using System.Text.Json.Serialization;

namespace BayitPlus.Api.Features.ChannelChat;

/// <summary>A chat message as clients see it, in frames and in the history endpoints.</summary>
/// <param name="Id">The message's id, which moderation and the <c>deleted</c>/<c>pinned</c> frames name.</param>
/// <param name="UserId">The sender's account id.</param>
/// <param name="Username">The sender's name when it was sent.</param>
/// <param name="Message">Plain text: show it as text, never as markup.</param>
/// <param name="CreatedAt">When the server stored it.</param>
/// <param name="IsPinned">Pinned by a moderator.</param>
public sealed record ChatMessageResponse(string Id, string UserId, string Username, string Message, DateTime CreatedAt, bool IsPinned)
{
    public static ChatMessageResponse From(ChannelChatMessageDocument message) =>
        new(message.Id, message.UserId, message.Username, message.Message, message.CreatedAt, message.IsPinned);
}

/// <summary>The error codes of <c>error</c> frames (README, "Live chat").</summary>
public static class ChatErrorCodes
{
    public const string RateLimited = "rate_limited";
    public const string Muted = "muted";
    public const string InvalidMessage = "invalid_message";
    public const string SessionInvalid = "session_invalid";
    public const string ConnectionLimit = "connection_limit";
    public const string Unavailable = "unavailable";
}

/// <summary>The close codes of the chat protocol beyond RFC 6455's own.</summary>
public static class ChatCloseCodes
{
    public const int Unauthenticated = 4001;
    public const int ConnectionLimit = 4003;
    public const int UnknownChannel = 4004;
    public const int PongTimeout = 4008;
}

/// <summary>A frame ready to write: its UTF-8 JSON, and for a <c>message</c> frame the message id
/// (so a message already in the <c>connected</c> frame's history is not sent twice).</summary>
public sealed record OutgoingFrame(byte[] Json, string? MessageId = null);

/// <summary>The server's frames, serialized once per broadcast and shared by every socket.</summary>
public static class ChatFrames
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static OutgoingFrame Ping { get; } = Frame(new { type = "ping" });

    public static OutgoingFrame Connected(string channelId, long userCount, string sessionToken, IReadOnlyList<ChatMessageResponse> recent) =>
        Frame(new { type = "connected", channelId, userCount, sessionToken, recent });

    public static OutgoingFrame Message(ChatMessageResponse message) =>
        Frame(new { type = "message", message.Id, message.UserId, message.Username, message.Message, message.CreatedAt, message.IsPinned }) with { MessageId = message.Id };

    public static OutgoingFrame Deleted(string id) => Frame(new { type = "deleted", id });

    public static OutgoingFrame Pinned(string id, bool pinned) => Frame(new { type = pinned ? "pinned" : "unpinned", id });

    public static OutgoingFrame Presence(long userCount) => Frame(new { type = "presence", userCount });

    public static OutgoingFrame Muted(DateTime until) => Frame(new { type = "muted", until });

    public static OutgoingFrame Unmuted() => Frame(new { type = "unmuted" });

    public static OutgoingFrame Error(string code, string message, int? retryAfterSeconds = null) =>
        Frame(new ErrorFrame("error", code, message, retryAfterSeconds));

    private static OutgoingFrame Frame<T>(T frame) => new(JsonSerializer.SerializeToUtf8Bytes(frame, Json));

    private sealed record ErrorFrame(string Type, string Code, string Message, int? RetryAfterSeconds);
}
