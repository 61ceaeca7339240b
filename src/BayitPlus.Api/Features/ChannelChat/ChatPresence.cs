using BayitPlus.Api.Infrastructure.Mongo;

namespace BayitPlus.Api.Features.ChannelChat;

/// <summary>Every <see cref="ChatSettings.PresenceInterval"/>: deletes the records of sockets closed
/// since, renews this instance's socket records when their heartbeat is due, recounts the accounts on each channel with a socket here (over every
/// instance), and sends a <c>presence</c> frame to a channel whose count changed, so a burst of
/// joins costs one frame a second.</summary>
public sealed partial class ChatPresence(DatabaseReadiness readiness, ChatSettings settings, ChatHub hub, ChatConnections connections, TimeProvider time, ILogger<ChatPresence> logger)
    : PeriodicDatabaseJob(readiness, settings.PresenceInterval, time, logger)
{
    private readonly Dictionary<string, long> _sent = new(StringComparer.Ordinal);
    private DateTime _renewed = DateTime.MinValue;

    protected override string Work => "Counting chat presence";

    /// <summary>A stopping instance's sockets are closing: their records go at once, in one command,
    /// rather than counting for others until they expire.</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (!hub.EverUsed)
        {
            return;
        }

        try
        {
            await connections.DeleteAllAsync(cancellationToken);
        }
        catch (Exception error) when (error is MongoDB.Driver.MongoException or TimeoutException or OperationCanceledException or ObjectDisposedException)
        {
            LogStopCleanupFailed(logger, error);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "This instance's chat socket records could not be deleted at shutdown; they expire by themselves")]
    private static partial void LogStopCleanupFailed(ILogger logger, Exception error);

    public override async Task<int> RunOnceAsync(CancellationToken ct)
    {
        await connections.DeleteClosedAsync(ct);
        var now = Time.GetUtcNow().UtcDateTime;
        if (now - _renewed >= settings.ConnectionHeartbeat)
        {
            await connections.RenewAsync(ct);
            _renewed = now;
        }

        var channels = hub.Channels;
        if (channels.Count == 0)
        {
            _sent.Clear();
            return 0;
        }

        var changed = 0;
        foreach (var (channel, count) in await connections.CountUsersAsync(channels, ct))
        {
            if (!_sent.TryGetValue(channel, out var sent) || sent != count)
            {
                _sent[channel] = count;
                hub.Broadcast(channel, ChatFrames.Presence(count));
                changed++;
            }
        }

        foreach (var gone in _sent.Keys.Except(channels).ToList())
        {
            _sent.Remove(gone);
        }

        return changed;
    }
}
