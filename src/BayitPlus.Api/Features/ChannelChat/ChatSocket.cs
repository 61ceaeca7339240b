using System.Net.WebSockets;
using System.Security.Claims;
using System.Threading.Channels;

namespace BayitPlus.Api.Features.ChannelChat;

/// <summary>One authenticated chat socket: who it is, and the bounded queue of frames waiting to be
/// written to it. Broadcasts only enqueue, so a slow client delays nobody else; a client that lets
/// the queue fill, or takes longer than <see cref="ChatSettings.SendTimeout"/> over one frame, is
/// closed (1008).</summary>
public sealed class ChatSocket
{
    private readonly WebSocket _socket;
    private readonly ChatSettings _settings;
    private readonly Channel<OutgoingFrame> _queue;
    private HashSet<string> _alreadySent = [];
    private int _closeCode;
    private string _closeReason = "";
    private long _lastPongTicks;
    private DateTime _frameWindowStart;
    private int _framesInWindow;

    public ChatSocket(WebSocket socket, ChatSettings settings, ClaimsPrincipal user, DateTime tokenExpires, string userId, string channelId, string ip, string sessionToken, DateTime now)
    {
        TokenExpires = tokenExpires;
        _socket = socket;
        _settings = settings;
        User = user;
        UserId = userId;
        ChannelId = channelId;
        Ip = ip;
        SessionToken = sessionToken;
        _lastPongTicks = now.Ticks;
        _queue = Channel.CreateBounded<OutgoingFrame>(new BoundedChannelOptions(settings.SendQueueFrames)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    /// <summary>The id of this socket's record in <c>channelchatconnection</c>.</summary>
    public string Id { get; } = MongoDB.Bson.ObjectId.GenerateNewId().ToString();

    public ClaimsPrincipal User { get; }

    public string UserId { get; }

    public string ChannelId { get; }

    public string Ip { get; }

    public string SessionToken { get; }

    /// <summary>When the access token this socket authenticated with expires; a later
    /// <c>authenticate</c> frame with a new token of the same account moves it.</summary>
    public DateTime TokenExpires { get; set; }

    /// <summary>Until when this socket's user is known to be over the rate limit: messages before
    /// then are refused without asking the database.</summary>
    public DateTime RateLimitedUntil { get; set; }

    public DateTime LastPong => new(Interlocked.Read(ref _lastPongTicks), DateTimeKind.Utc);

    /// <summary>The close code this side decided on, 0 while open.</summary>
    public int CloseCode => Volatile.Read(ref _closeCode);

    public void Ponged(DateTime now) => Interlocked.Exchange(ref _lastPongTicks, now.Ticks);

    /// <summary>Counts a client frame; false once more than <paramref name="perSecond"/> arrive
    /// within one second (checked by the read loop only).</summary>
    public bool CountFrame(DateTime now, int perSecond)
    {
        if (now - _frameWindowStart >= TimeSpan.FromSeconds(1))
        {
            _frameWindowStart = now;
            _framesInWindow = 0;
        }

        return ++_framesInWindow <= perSecond;
    }

    /// <summary>Queues a frame; false when the queue is full, which closes the socket (1008).</summary>
    public bool Enqueue(OutgoingFrame frame)
    {
        if (_queue.Writer.TryWrite(frame))
        {
            return true;
        }

        Close((int)WebSocketCloseStatus.PolicyViolation, "too slow: frames piled up");
        return false;
    }

    /// <summary>Decides to close: frames still queued are dropped, and the write loop sends the close frame.</summary>
    public void Close(int code, string reason)
    {
        if (Interlocked.CompareExchange(ref _closeCode, code, 0) == 0)
        {
            _closeReason = reason;
            _queue.Writer.TryComplete();
        }
    }

    /// <summary>Writes a frame before the write loop runs (the <c>connected</c> frame), and notes
    /// which messages it carried so their broadcasts, queued meanwhile, are skipped.</summary>
    public async Task SendFirstAsync(OutgoingFrame frame, IEnumerable<string> messageIds, CancellationToken cancellationToken)
    {
        _alreadySent = [.. messageIds];
        await SendAsync(frame, cancellationToken);
    }

    /// <summary>Writes queued frames one at a time until the socket closes, then the close frame.</summary>
    public async Task WriteLoopAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var frame in _queue.Reader.ReadAllAsync(cancellationToken))
            {
                if (CloseCode != 0)
                {
                    break;
                }

                if (frame.MessageId is { } id && _alreadySent.Remove(id))
                {
                    continue;
                }

                await SendAsync(frame, cancellationToken);
            }

            if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(_settings.SendTimeout);
                await _socket.CloseOutputAsync((WebSocketCloseStatus)CloseCode, _closeReason, timeout.Token);
            }
        }
        catch (Exception error) when (error is OperationCanceledException or WebSocketException)
        {
            // The client went away or stalled: there is no one left to tell.
            _socket.Abort();
        }
    }

    private async Task SendAsync(OutgoingFrame frame, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_settings.SendTimeout);
        try
        {
            await _socket.SendAsync(frame.Json, WebSocketMessageType.Text, endOfMessage: true, timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Close((int)WebSocketCloseStatus.PolicyViolation, "too slow: a frame took too long to write");
            throw;
        }
    }
}
