using BayitPlus.Api.Infrastructure.Mongo;

namespace BayitPlus.Api.Features.ChannelChat;

/// <summary>Every <see cref="ChatSettings.PresenceInterval"/>: renews this instance's socket records
/// when their heartbeat is due, recounts the accounts on each channel with a socket here (over every
/// instance), and sends a <c>presence</c> frame to a channel whose count changed, so a burst of
/// joins costs one frame a second.</summary>
public sealed class ChatPresence(DatabaseReadiness readiness, ChatSettings settings, ChatHub hub, ChatConnections connections, TimeProvider time, ILogger<ChatPresence> logger)
    : PeriodicDatabaseJob(readiness, settings.PresenceInterval, time, logger)
{
    private readonly Dictionary<string, long> _sent = new(StringComparer.Ordinal);
    private DateTime _renewed = DateTime.MinValue;

    protected override string Work => "Counting chat presence";

    public override async Task<int> RunOnceAsync(CancellationToken ct)
    {
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
