using System.Collections.Concurrent;

namespace BayitPlus.Api.Features.ChannelChat;

/// <summary>This instance's open chat sockets, by channel. Every frame reaches them from the change
/// stream (<see cref="ChatFanout"/>), never straight from a sender, so every instance delivers the
/// same frames in the same order.</summary>
public sealed class ChatHub
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<ChatSocket, byte>> _rooms = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _authenticating = new(StringComparer.Ordinal);

    /// <summary>A random id per process: whose <c>channelchatconnection</c> records are whose.</summary>
    public string InstanceId { get; } = Guid.NewGuid().ToString("N");

    public void Add(ChatSocket socket)
    {
        EverUsed = true;
        _rooms.GetOrAdd(socket.ChannelId, _ => new()).TryAdd(socket, 0);
    }

    /// <summary>Whether a socket was ever open here (an instance that never had one has no records to clean up).</summary>
    public bool EverUsed { get; private set; }

    public void Remove(ChatSocket socket)
    {
        if (_rooms.TryGetValue(socket.ChannelId, out var room))
        {
            room.TryRemove(socket, out _);
        }
    }

    public bool Contains(ChatSocket socket) => _rooms.TryGetValue(socket.ChannelId, out var room) && room.ContainsKey(socket);

    /// <summary>Counts a socket of <paramref name="ip"/> that has not authenticated yet; false (and
    /// not counted) when <paramref name="limit"/> of them already wait here. Until it authenticates
    /// a socket has no record, so this is what bounds that phase.</summary>
    public bool TryStartAuthenticating(string ip, int limit)
    {
        while (true)
        {
            var waiting = _authenticating.GetOrAdd(ip, 0);
            if (waiting >= limit)
            {
                return false;
            }

            if (_authenticating.TryUpdate(ip, waiting + 1, waiting))
            {
                return true;
            }
        }
    }

    public void StopAuthenticating(string ip)
    {
        while (_authenticating.TryGetValue(ip, out var waiting))
        {
            if (waiting <= 1 ? _authenticating.TryRemove(new KeyValuePair<string, int>(ip, waiting)) : _authenticating.TryUpdate(ip, waiting - 1, waiting))
            {
                return;
            }
        }
    }

    /// <summary>Closes every socket here (their clients reconnect and get the history again).</summary>
    public void CloseAll(int code, string reason)
    {
        foreach (var socket in Sockets)
        {
            socket.Close(code, reason);
        }
    }

    /// <summary>Channels with a socket open here.</summary>
    public IReadOnlyList<string> Channels => [.. _rooms.Where(r => !r.Value.IsEmpty).Select(r => r.Key)];

    public IReadOnlyList<ChatSocket> Sockets => [.. _rooms.Values.SelectMany(r => r.Keys)];

    public int Count => _rooms.Values.Sum(r => r.Count);

    public void Broadcast(string channelId, OutgoingFrame frame)
    {
        if (_rooms.TryGetValue(channelId, out var room))
        {
            foreach (var socket in room.Keys)
            {
                socket.Enqueue(frame);
            }
        }
    }

    public void SendTo(string channelId, string userId, OutgoingFrame frame)
    {
        if (_rooms.TryGetValue(channelId, out var room))
        {
            foreach (var socket in room.Keys.Where(s => s.UserId == userId))
            {
                socket.Enqueue(frame);
            }
        }
    }
}
