namespace BayitPlus.Api.Features.ChannelChat;

/// <summary>The live chat's settings (<c>Chat:*</c>), each listed in the README and checked at
/// start-up by <see cref="ChannelChatServices"/>.</summary>
public sealed class ChatSettings
{
    public const string Section = "Chat";

    /// <summary>Messages are deleted this many days after they were sent (a TTL index on <c>created_at</c>).</summary>
    public int RetentionDays { get; init; } = 90;

    /// <summary>Messages one user may send to one channel within <see cref="RateLimitWindow"/>.</summary>
    public int RateLimitMessages { get; init; } = 10;

    public TimeSpan RateLimitWindow { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Open chat sockets one account may hold, on every channel and instance together.</summary>
    public int MaxSocketsPerUser { get; init; } = 5;

    /// <summary>Open chat sockets from one client address, on every channel and instance together.</summary>
    public int MaxSocketsPerIp { get; init; } = 50;

    /// <summary>The first frame (<c>authenticate</c>) must arrive within this time of the upgrade.</summary>
    public TimeSpan AuthenticateTimeout { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan PingInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>A socket that has not answered a <c>ping</c> with a <c>pong</c> for this long is closed (4008).</summary>
    public TimeSpan PongTimeout { get; init; } = TimeSpan.FromSeconds(90);

    /// <summary>Frames waiting to be written to one socket; a client that lets more pile up is
    /// closed (1008) so it never holds the room back. Generous: a queued frame is a reference to
    /// the one copy every socket shares, and a burst (a resumed change stream's backlog) must not
    /// cut off clients that are merely a moment behind.</summary>
    public int SendQueueFrames { get; init; } = 4096;

    /// <summary>How long one frame may take to write before its socket counts as stalled and is closed (1008).</summary>
    public TimeSpan SendTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Largest frame a client may send; a larger one closes the socket (1009).</summary>
    public int MaxClientFrameBytes { get; init; } = 8 * 1024;

    /// <summary>How often an instance renews the records of its open sockets, which others count
    /// for presence and socket limits; a record not renewed for <see cref="ConnectionLifetime"/>
    /// (its instance died) stops counting.</summary>
    public TimeSpan ConnectionHeartbeat { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan ConnectionLifetime { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How often presence is recounted; a changed count is sent at most this often.</summary>
    public TimeSpan PresenceInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest mute an admin may set.</summary>
    public int MaxMuteMinutes { get; init; } = 7 * 24 * 60;
}
