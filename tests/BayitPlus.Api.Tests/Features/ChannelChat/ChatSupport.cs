using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using BayitPlus.Api.Tests.Support;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Tests.Features.ChannelChat;

/// <summary>The API on Kestrel (a WebSocket needs a real server and real sockets, so a stalled
/// client really stalls), with small socket limits and a short authentication timeout.</summary>
public class ChatApiFactory : ApiFactory
{
    public const int RateLimit = 5;
    public const int SocketsPerUser = 2;
    public const int SocketsPerIp = 3;

    public ChatApiFactory() => UseKestrel(0);

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
    {
        ["Chat:RateLimitMessages"] = RateLimit.ToString(CultureInfo.InvariantCulture),
        ["Chat:MaxSocketsPerUser"] = SocketsPerUser.ToString(CultureInfo.InvariantCulture),
        ["Chat:MaxSocketsPerIp"] = SocketsPerIp.ToString(CultureInfo.InvariantCulture),
        ["Chat:AuthenticateTimeout"] = "00:00:01",
        ["Chat:PresenceInterval"] = "00:00:00.200",
    };

    /// <summary>The chat socket's address on this host.</summary>
    public Uri ChatUri(string channelId)
    {
        var address = new Uri(Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return new Uri($"ws://127.0.0.1:{address.Port}/api/live/channels/{channelId}/chat");
    }

    public Task<string> NewChannelAsync(bool active = true) => this.NewLiveChannelAsync(active);

    public IMongoCollection<BsonDocument> Messages => this.Raw("channelchatmessage");

    /// <summary>A message stored directly (as another instance or the Python service would).</summary>
    public async Task<string> StoreMessageAsync(string channelId, string text, DateTime createdAt, bool deleted = false, bool pinned = false)
    {
        var id = ObjectId.GenerateNewId();
        await Messages.InsertOneAsync(new BsonDocument
        {
            ["_id"] = id,
            ["channel_id"] = channelId,
            ["user_id"] = ObjectId.GenerateNewId().ToString(),
            ["username"] = "Stored",
            ["message"] = text,
            ["is_pinned"] = pinned,
            ["is_deleted"] = deleted,
            ["session_token"] = "stored",
            ["created_at"] = createdAt,
        }, cancellationToken: Http.Ct);
        return id.ToString();
    }
}

/// <summary>A real WebSocket client of the chat. Frames are read in the background (answering
/// pings unless told not to) and waited for by type; sends are serialized, as a WebSocket needs.</summary>
public sealed class ChatClient : IAsyncDisposable
{
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private readonly ClientWebSocket _socket = new();
    private readonly Channel<JsonObject> _frames = Channel.CreateUnbounded<JsonObject>();
    private readonly SemaphoreSlim _sending = new(1, 1);
    private readonly TaskCompletionSource _reading = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _resume = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _loop = Task.CompletedTask;
    private volatile bool _paused;

    public bool AnswerPings { get; set; } = true;

    public string SessionToken { get; private set; } = "";

    /// <summary>Every frame seen, in order.</summary>
    public List<JsonObject> Seen { get; } = [];

    /// <summary>The close code the server sent, once the socket is closed; null if it was dropped.</summary>
    public int? CloseCode => _socket.CloseStatus is { } status ? (int)status : null;

    /// <summary>Opens the socket. A <paramref name="receiveBuffer"/> fixes the socket's kernel
    /// receive buffer (Linux stops growing it), so a client that stops reading stalls the server
    /// sooner.</summary>
    public static async Task<ChatClient> ConnectAsync(Uri uri, string? ip = null, int? receiveBuffer = null)
    {
        var client = new ChatClient();
        client._socket.Options.SetRequestHeader(ClientIpStartupFilter.Header, ip ?? ClientAddresses.NewIp());
        if (receiveBuffer is { } size)
        {
            using var handler = new System.Net.Http.SocketsHttpHandler
            {
                ConnectCallback = async (context, cancellationToken) =>
                {
                    var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp) { ReceiveBufferSize = size, NoDelay = true };
                    await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                    return new System.Net.Sockets.NetworkStream(socket, ownsSocket: true);
                },
            };
            using var invoker = new HttpMessageInvoker(handler, disposeHandler: false);
            await client._socket.ConnectAsync(uri, invoker, Http.Ct);
        }
        else
        {
            await client._socket.ConnectAsync(uri, Http.Ct);
        }

        client._loop = client.ReadLoopAsync();
        return client;
    }

    /// <summary>Connects, authenticates and waits for the <c>connected</c> frame.</summary>
    public static async Task<(ChatClient Client, JsonObject Connected)> JoinAsync(Uri uri, string token, string? ip = null, int? receiveBuffer = null)
    {
        var client = await ConnectAsync(uri, ip, receiveBuffer);
        await client.SendAsync(new { type = "authenticate", token });
        var connected = await client.NextAsync("connected");
        client.SessionToken = connected["sessionToken"]!.GetValue<string>();
        return (client, connected);
    }

    public async Task SendAsync(object frame) => await SendRawAsync(JsonSerializer.SerializeToUtf8Bytes(frame));

    public async Task SendRawAsync(byte[] payload, WebSocketMessageType type = WebSocketMessageType.Text)
    {
        await _sending.WaitAsync(Http.Ct);
        try
        {
            await _socket.SendAsync(payload, type, true, Http.Ct);
        }
        finally
        {
            _sending.Release();
        }
    }

    public Task ChatAsync(string message, string? sessionToken = null) => SendAsync(new { type = "chat", message, sessionToken = sessionToken ?? SessionToken });

    /// <summary>The next frame of <paramref name="type"/>, skipping others.</summary>
    public async Task<JsonObject> NextAsync(string type, TimeSpan? within = null) =>
        await TryNextAsync(type, within ?? Wait)
        ?? throw new Xunit.Sdk.XunitException($"No \"{type}\" frame within {within ?? Wait}; close code {CloseCode}; seen: {string.Join(", ", SeenFrames())}");

    /// <summary>The next frame of <paramref name="type"/>, or null when none comes in time or the socket closes.</summary>
    public async Task<JsonObject?> TryNextAsync(string type, TimeSpan within)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Http.Ct);
        timeout.CancelAfter(within);
        try
        {
            while (true)
            {
                var frame = await _frames.Reader.ReadAsync(timeout.Token);
                if (frame["type"]?.GetValue<string>() == type)
                {
                    return frame;
                }
            }
        }
        catch (Exception end) when (end is ChannelClosedException || (end is OperationCanceledException && !Http.Ct.IsCancellationRequested))
        {
            return null;
        }
    }

    /// <summary>Every frame seen so far, as JSON text.</summary>
    public IReadOnlyList<string> SeenFrames()
    {
        lock (Seen)
        {
            return [.. Seen.Select(f => f.ToJsonString())];
        }
    }

    /// <summary>Waits until the socket is closed or dropped; the server's close code, if any.</summary>
    public async Task<int?> ClosedAsync(TimeSpan? within = null)
    {
        await _reading.Task.WaitAsync(within ?? Wait, Http.Ct);
        return CloseCode;
    }

    /// <summary>Stops reading: frames pile up in the socket's buffers, as with a stalled client.</summary>
    public void PauseReading() => _paused = true;

    public void ResumeReading()
    {
        _paused = false;
        _resume.TrySetResult();
    }

    private async Task ReadLoopAsync()
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                if (_paused)
                {
                    _resume = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    if (_paused)
                    {
                        await _resume.Task;
                    }
                }

                using var message = new MemoryStream();
                WebSocketReceiveResult result;
                do
                {
                    result = await _socket.ReceiveAsync(buffer, CancellationToken.None);
                    message.Write(buffer, 0, result.Count);
                }
                while (!result.EndOfMessage);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);
                    return;
                }

                var frame = JsonNode.Parse(Encoding.UTF8.GetString(message.ToArray()))!.AsObject();
                lock (Seen)
                {
                    Seen.Add(frame);
                }

                if (AnswerPings && frame["type"]?.GetValue<string>() == "ping")
                {
                    await SendAsync(new { type = "pong" });
                }

                await _frames.Writer.WriteAsync(frame);
            }
        }
        catch (Exception error) when (error is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // Dropped: CloseCode stays null.
        }
        finally
        {
            _frames.Writer.TryComplete();
            _reading.TrySetResult();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", timeout.Token);
            }
            catch (Exception error) when (error is WebSocketException or OperationCanceledException)
            {
                // Already going.
            }
        }

        ResumeReading();
        await Task.WhenAny(_loop, Task.Delay(TimeSpan.FromSeconds(3), CancellationToken.None));
        _socket.Dispose();
        _sending.Dispose();
    }
}
