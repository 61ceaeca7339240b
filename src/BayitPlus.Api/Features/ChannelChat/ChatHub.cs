using System.Collections.Concurrent;

namespace BayitPlus.Api.Features.ChannelChat;

/// <summary>This instance's open chat sockets, by channel. Every frame reaches them from the change
/// stream (<see cref="ChatFanout"/>), never straight from a sender, so every instance delivers the
/// same frames in the same order.</summary>
public sealed class ChatHub
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<ChatSocket, byte>> _rooms = new(StringComparer.Ordinal);

    /// <summary>A random id per process: whose <c>channelchatconnection</c> records are whose.</summary>
    public string InstanceId { get; } = Guid.NewGuid().ToString("N");

    public void Add(ChatSocket socket) => _rooms.GetOrAdd(socket.ChannelId, _ => new()).TryAdd(socket, 0);

    public void Remove(ChatSocket socket)
    {
        if (_rooms.TryGetValue(socket.ChannelId, out var room))
        {
            room.TryRemove(socket, out _);
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
