using System.Buffers;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using BayitPlus.Api.Infrastructure.Auth;
using BayitPlus.Api.Infrastructure.Catalog;
using BayitPlus.Api.Infrastructure.Security;
using MongoDB.Bson;

namespace BayitPlus.Api.Features.ChannelChat;

/// <summary>One chat socket from upgrade to close: the <c>authenticate</c> frame, the channel and
/// socket-limit checks, the <c>connected</c> frame, then reading the client's frames, writing the
/// queued ones and pinging, until either side closes.</summary>
public sealed partial class ChatSession(
    ChatSettings settings,
    ChatHub hub,
    ChatConnections connections,
    ChatMessages messages,
    AccessTokenReader tokens,
    IAccountStatus accounts,
    ILiveChannels channels,
    ISecurityEvents securityEvents,
    TimeProvider time,
    IHostApplicationLifetime lifetime,
    ILogger<ChatSession> logger)
{
    /// <summary>A client's messages waiting to be stored; one more is refused (<c>unavailable</c>).</summary>
    private const int MessagesInFlight = 16;

    /// <summary>Far above what a person types or a player pongs, and five times the load
    /// run's sender (20 messages a second); a client sending more is flooding and is closed (1008).</summary>
    private const int MaxFramesPerSecond = 100;

    /// <summary>How long a closing socket waits for the client's close frame before it is dropped.</summary>
    private static readonly TimeSpan CloseHandshake = TimeSpan.FromSeconds(2);

    public async Task RunAsync(HttpContext http, string channelId)
    {
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, lifetime.ApplicationStopping);
        var cancellationToken = stopping.Token;
        using var webSocket = await http.WebSockets.AcceptWebSocketAsync();
        try
        {
            await RunAsync(webSocket, http.Connection.RemoteIpAddress?.ToString() ?? "unknown", channelId, cancellationToken);
        }
        catch (Exception gone) when (gone is WebSocketException or IOException or OperationCanceledException)
        {
            // The client went away or stalled (a write timed out), or the host is stopping: nothing
            // is left to answer.
        }
        catch (Exception unavailable) when (unavailable is MongoDB.Driver.MongoException or TimeoutException or Infrastructure.Errors.ApiException)
        {
            // The response has been upgraded: a problem document can no longer be sent, a close code can.
            LogUnavailable(logger, unavailable);
            await CloseAsync(webSocket, (int)WebSocketCloseStatus.InternalServerError, "the chat is unavailable; try again shortly", CancellationToken.None);
        }
    }

    private async Task RunAsync(WebSocket webSocket, string ip, string channelId, CancellationToken cancellationToken)
    {
        if (!hub.TryStartAuthenticating(ip, settings.MaxSocketsPerIp))
        {
            await CloseAsync(webSocket, ChatCloseCodes.ConnectionLimit, "too many connections from this address waiting to authenticate", cancellationToken);
            return;
        }

        (System.Security.Claims.ClaimsPrincipal User, DateTime Expires)? authenticated;
        try
        {
            authenticated = await AuthenticateAsync(webSocket, ip, cancellationToken);
        }
        finally
        {
            hub.StopAuthenticating(ip);
        }

        if (authenticated is not var (user, expires))
        {
            await CloseAsync(webSocket, ChatCloseCodes.Unauthenticated, "authenticate with a valid access token first", cancellationToken);
            return;
        }

        if (!await channels.IsActiveAsync(channelId, cancellationToken))
        {
            await CloseAsync(webSocket, ChatCloseCodes.UnknownChannel, "no such live channel", cancellationToken);
            return;
        }

        var socket = new ChatSocket(webSocket, settings, user, expires, user.Id().ToLowerInvariant(), channelId.ToLowerInvariant(), ip, NewSessionToken(), time.GetUtcNow().UtcDateTime);
        if (await connections.OpenAsync(socket, cancellationToken) is { } limit)
        {
            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                timeout.CancelAfter(settings.SendTimeout);
                await webSocket.SendAsync(ChatFrames.Error(ChatErrorCodes.ConnectionLimit, limit).Json, WebSocketMessageType.Text, true, timeout.Token);
            }

            await CloseAsync(webSocket, ChatCloseCodes.ConnectionLimit, "too many chat connections", cancellationToken);
            return;
        }

        hub.Add(socket);
        try
        {
            await ServeAsync(webSocket, socket, cancellationToken);
        }
        finally
        {
            hub.Remove(socket);
            connections.Forget(socket);
        }
    }

    private async Task ServeAsync(WebSocket webSocket, ChatSocket socket, CancellationToken cancellationToken)
    {
        // Registered in the hub first, history read second: a message stored in between is both in
        // the history and queued, and the socket skips the queued copy; none falls in a gap.
        var recent = await messages.RecentAsync(socket.ChannelId, cancellationToken);
        var counts = await connections.CountUsersAsync([socket.ChannelId], cancellationToken);
        await socket.SendFirstAsync(ChatFrames.Connected(socket.ChannelId, counts[socket.ChannelId], socket.SessionToken, recent), recent.Select(m => m.Id), cancellationToken);
        using var done = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        // Messages are stored one after another, apart from the reading: a slow database delays a
        // client's messages, never its pongs (which would close it with 4008).
        var outbox = Channel.CreateBounded<ClientFrame>(new BoundedChannelOptions(MessagesInFlight) { SingleReader = true, SingleWriter = true });
        var writing = socket.WriteLoopAsync(done.Token);
        var reading = ReadLoopAsync(webSocket, socket, outbox.Writer, done.Token);
        var sending = SendLoopAsync(socket, outbox.Reader, done.Token);
        var pinging = PingLoopAsync(socket, done.Token);
        await Task.WhenAny(writing, reading, sending, pinging);
        outbox.Writer.TryComplete();
        socket.Close((int)WebSocketCloseStatus.NormalClosure, "");
        // The close frame is out (or the client is gone): give the client a moment to answer it.
        await Task.WhenAny(writing, Task.Delay(CloseHandshake, time, CancellationToken.None));
        await Task.WhenAny(reading, Task.Delay(CloseHandshake, time, CancellationToken.None));
        await done.CancelAsync();
        await Task.WhenAll(Quietly(writing), Quietly(reading), Quietly(sending), Quietly(pinging));
    }

    private async Task SendLoopAsync(ChatSocket socket, ChannelReader<ClientFrame> outbox, CancellationToken cancellationToken)
    {
        await foreach (var frame in outbox.ReadAllAsync(cancellationToken))
        {
            await (frame.Type == "authenticate" ? ReauthenticateAsync(socket, frame, cancellationToken) : SendMessageAsync(socket, frame, cancellationToken));
        }
    }

    /// <summary>A new token for the same account extends the socket past the old token's expiry; a
    /// token that is not valid, or another account's, closes it (4001).</summary>
    private async Task ReauthenticateAsync(ChatSocket socket, ClientFrame frame, CancellationToken cancellationToken)
    {
        try
        {
            if (frame.Token is { Length: > 0 } token && await tokens.ReadAsync(token, cancellationToken) is { } valid
                && string.Equals(valid.User.Id(), socket.UserId, StringComparison.OrdinalIgnoreCase))
            {
                socket.TokenExpires = valid.Expires;
                return;
            }
        }
        catch (Exception error) when (error is MongoDB.Driver.MongoException or TimeoutException)
        {
            LogUnavailable(logger, error);
            socket.Enqueue(ChatFrames.Error(ChatErrorCodes.Unavailable, "The token could not be checked; send authenticate again.", 5));
            return;
        }

        socket.Close(ChatCloseCodes.Unauthenticated, "authenticate again with a valid access token of this account");
    }

    private async Task ReadLoopAsync(WebSocket webSocket, ChatSocket socket, ChannelWriter<ClientFrame> outbox, CancellationToken cancellationToken)
    {
        while (socket.CloseCode == 0)
        {
            var (type, payload) = await ReceiveAsync(webSocket, cancellationToken);
            if (type == WebSocketMessageType.Close)
            {
                return;
            }

            if (payload is null)
            {
                socket.Close((int)WebSocketCloseStatus.MessageTooBig, $"frames are at most {settings.MaxClientFrameBytes} bytes");
                return;
            }

            if (!socket.CountFrame(time.GetUtcNow().UtcDateTime, MaxFramesPerSecond))
            {
                socket.Close((int)WebSocketCloseStatus.PolicyViolation, $"at most {MaxFramesPerSecond} frames a second");
                return;
            }

            Handle(socket, type, payload, outbox);
        }
    }

    private void Handle(ChatSocket socket, WebSocketMessageType type, byte[] payload, ChannelWriter<ClientFrame> outbox)
    {
        ClientFrame? frame = type == WebSocketMessageType.Text ? ClientFrame.Parse(payload) : null;
        switch (frame?.Type)
        {
            case "pong":
                socket.Ponged(time.GetUtcNow().UtcDateTime);
                break;
            case "chat" or "authenticate":
                if (!outbox.TryWrite(frame))
                {
                    socket.Enqueue(ChatFrames.Error(ChatErrorCodes.Unavailable, $"At most {MessagesInFlight} messages wait to be stored; send this one again.", 1));
                }

                break;
            default:
                socket.Enqueue(ChatFrames.Error(ChatErrorCodes.InvalidMessage, "Frames are JSON text with a type of \"chat\", \"pong\" or \"authenticate\"."));
                break;
        }
    }

    private async Task SendMessageAsync(ChatSocket socket, ClientFrame frame, CancellationToken cancellationToken)
    {
        if (frame.SessionToken is not { } token || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(token), Encoding.UTF8.GetBytes(socket.SessionToken)))
        {
            socket.Enqueue(ChatFrames.Error(ChatErrorCodes.SessionInvalid, "sessionToken must be the one the connected frame gave this connection."));
            return;
        }

        if (ChatText.Clean(frame.Message, out var problem) is not { } text)
        {
            socket.Enqueue(ChatFrames.Error(ChatErrorCodes.InvalidMessage, problem));
            return;
        }

        try
        {
            if (await accounts.FindAsync(socket.User, cancellationToken) is not { IsActive: true } account)
            {
                socket.Close(ChatCloseCodes.Unauthenticated, "this account is no longer active");
                return;
            }

            if (await messages.MutedUntilAsync(socket.ChannelId, socket.UserId, cancellationToken) is { } until)
            {
                socket.Enqueue(ChatFrames.Error(ChatErrorCodes.Muted, "You are muted in this channel.", SecondsUntil(until)));
                return;
            }

            var now = time.GetUtcNow().UtcDateTime;
            int? retryAfter;
            if (socket.RateLimitedUntil > now)
            {
                retryAfter = SecondsUntil(socket.RateLimitedUntil);
            }
            else
            {
                retryAfter = await messages.TakeRateAsync(socket.ChannelId, socket.UserId, cancellationToken);
                socket.RateLimitedUntil = retryAfter is { } wait ? now.AddSeconds(wait) : DateTime.MinValue;
            }

            if (retryAfter is { } seconds)
            {
                socket.Enqueue(ChatFrames.Error(ChatErrorCodes.RateLimited, $"At most {settings.RateLimitMessages} messages per {settings.RateLimitWindow.TotalSeconds:0} seconds.", seconds));
                return;
            }

            await messages.InsertAsync(socket, ChatText.DisplayName(account.Name), text, cancellationToken);
        }
        catch (Exception error) when (error is MongoDB.Driver.MongoException or TimeoutException)
        {
            LogSendFailed(logger, error);
            socket.Enqueue(ChatFrames.Error(ChatErrorCodes.Unavailable, "The message could not be stored; send it again.", 5));
        }
    }

    private int SecondsUntil(DateTime until) => Math.Max(1, (int)Math.Ceiling((until - time.GetUtcNow().UtcDateTime).TotalSeconds));

    private async Task PingLoopAsync(ChatSocket socket, CancellationToken cancellationToken)
    {
        while (socket.CloseCode == 0)
        {
            await Task.Delay(settings.PingInterval, time, cancellationToken);
            var now = time.GetUtcNow().UtcDateTime;
            if (now - socket.LastPong > settings.PongTimeout)
            {
                socket.Close(ChatCloseCodes.PongTimeout, "no pong");
                return;
            }

            // A socket outlives no token and no account: a reader never sends the message that
            // would otherwise find out.
            if (now >= socket.TokenExpires || !await StillActiveAsync(socket, cancellationToken))
            {
                socket.Close(ChatCloseCodes.Unauthenticated, "the access token expired or the account is no longer active; authenticate again");
                return;
            }

            socket.Enqueue(ChatFrames.Ping);
        }
    }

    /// <summary>Whether the socket's account is still active; while the database cannot say, it is
    /// taken to be (a database blip must not close every socket; sending re-checks anyway).</summary>
    private async Task<bool> StillActiveAsync(ChatSocket socket, CancellationToken cancellationToken)
    {
        try
        {
            return await accounts.FindAsync(socket.User, cancellationToken) is { IsActive: true };
        }
        catch (Exception error) when (error is MongoDB.Driver.MongoException or TimeoutException)
        {
            LogUnavailable(logger, error);
            return true;
        }
    }

    /// <summary>The first frame must be <c>authenticate</c> with a valid token, within the timeout;
    /// anything else is a failed authentication (recorded without the token).</summary>
    private async Task<(System.Security.Claims.ClaimsPrincipal User, DateTime Expires)?> AuthenticateAsync(WebSocket webSocket, string ip, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var receiving = ReceiveAsync(webSocket, timeout.Token);
        if (await Task.WhenAny(receiving, Task.Delay(settings.AuthenticateTimeout, time, cancellationToken)) != receiving)
        {
            // Not cancelled: cancelling a receive aborts the socket, and the close frame must still go out.
            _ = Quietly(receiving);
            return null;
        }

        var (type, payload) = await receiving;
        var frame = type == WebSocketMessageType.Text && payload is not null ? ClientFrame.Parse(payload) : null;
        if (frame is not { Type: "authenticate", Token: { Length: > 0 } token })
        {
            return null;
        }

        if (await tokens.ReadAsync(token, cancellationToken) is { } valid)
        {
            return (valid.User, valid.Expires);
        }

        securityEvents.Record(new SecurityEvent(SecurityEventTypes.InvalidToken, Severity.Medium, null, ip, new BsonDocument { ["path"] = "chat" }));
        return null;
    }

    /// <summary>One whole client message; a null payload when it is larger than allowed.</summary>
    private async Task<(WebSocketMessageType Type, byte[]? Payload)> ReceiveAsync(WebSocket webSocket, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(settings.MaxClientFrameBytes + 1);
        try
        {
            var length = 0;
            while (true)
            {
                var result = await webSocket.ReceiveAsync(buffer.AsMemory(length, settings.MaxClientFrameBytes + 1 - length), cancellationToken);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return (WebSocketMessageType.Close, null);
                }

                length += result.Count;
                if (length > settings.MaxClientFrameBytes)
                {
                    return (result.MessageType, null);
                }

                if (result.EndOfMessage)
                {
                    return (result.MessageType, buffer.AsSpan(0, length).ToArray());
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static async Task CloseAsync(WebSocket webSocket, int code, string reason, CancellationToken cancellationToken)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(CloseHandshake);
            await webSocket.CloseOutputAsync((WebSocketCloseStatus)code, reason, timeout.Token);
        }
        catch (Exception error) when (error is OperationCanceledException or WebSocketException)
        {
            webSocket.Abort();
        }
    }

    private static string NewSessionToken() => Base64UrlEncode(RandomNumberGenerator.GetBytes(32));

    private static string Base64UrlEncode(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static async Task Quietly(Task task)
    {
        try
        {
            await task;
        }
        catch (Exception error) when (error is OperationCanceledException or WebSocketException or IOException or ObjectDisposedException)
        {
            // The socket is closing; what it was doing no longer matters.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A chat message could not be stored")]
    private static partial void LogSendFailed(ILogger logger, Exception error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A chat socket could not be served: the database or the catalog is unavailable")]
    private static partial void LogUnavailable(ILogger logger, Exception error);

    /// <summary>A client frame, read leniently: anything unreadable is a frame of no type.</summary>
    private sealed record ClientFrame(string? Type, string? Token, string? Message, string? SessionToken)
    {
        public static ClientFrame? Parse(byte[] payload)
        {
            try
            {
                using var json = JsonDocument.Parse(payload);
                var root = json.RootElement;
                return root.ValueKind != JsonValueKind.Object ? null : new ClientFrame(Text(root, "type"), Text(root, "token"), Text(root, "message"), Text(root, "sessionToken"));
            }
            catch (Exception unreadable) when (unreadable is JsonException or InvalidOperationException)
            {
                // InvalidOperationException: a string escape that is not valid UTF-16 (a lone surrogate).
                return null;
            }
        }

        private static string? Text(JsonElement root, string name) =>
            root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
    }
}
