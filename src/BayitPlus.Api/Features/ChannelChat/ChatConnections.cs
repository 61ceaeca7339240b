using BayitPlus.Api.Infrastructure.Mongo;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.ChannelChat;

/// <summary>The <c>channelchatconnection</c> records every instance keeps of its open sockets: the
/// socket limits and the presence counts read them, so both hold across instances.</summary>
public sealed class ChatConnections(MongoContext db, ChatSettings settings, ChatHub hub, TimeProvider time)
{
    private const int MaxDeletesPerCommand = 5_000;

    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _closed = new();

    private IMongoCollection<ChatConnectionDocument> Records => db.Collection<ChatConnectionDocument>(ChatConnectionDocument.CollectionName);

    /// <summary>Records the socket, then counts: when that takes its account or address over a limit
    /// the record is withdrawn and the answer is the limit it broke. Two sockets racing for the last
    /// place may both withdraw (the client retries); neither can get past the limit.</summary>
    public async Task<string?> OpenAsync(ChatSocket socket, CancellationToken cancellationToken)
    {
        // Sockets closed here since the last presence pass must not count against this one (a reload).
        await DeleteClosedAsync(cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        await Records.InsertOneAsync(
            new ChatConnectionDocument
            {
                Id = socket.Id,
                ChannelId = socket.ChannelId,
                UserId = socket.UserId,
                Ip = socket.Ip,
                InstanceId = hub.InstanceId,
                ConnectedAt = now,
                ExpiresAt = now + settings.ConnectionLifetime,
            },
            cancellationToken: cancellationToken);
        var live = Builders<ChatConnectionDocument>.Filter.Gt(c => c.ExpiresAt, now);
        string? broken = null;
        if (await Records.CountDocumentsAsync(live & Builders<ChatConnectionDocument>.Filter.Eq(c => c.UserId, socket.UserId), cancellationToken: cancellationToken) > settings.MaxSocketsPerUser)
        {
            broken = $"This account already has {settings.MaxSocketsPerUser} chat connections open; close one first.";
        }
        else if (await Records.CountDocumentsAsync(live & Builders<ChatConnectionDocument>.Filter.Eq(c => c.Ip, socket.Ip), cancellationToken: cancellationToken) > settings.MaxSocketsPerIp)
        {
            broken = $"This address already has {settings.MaxSocketsPerIp} chat connections open.";
        }

        if (broken is not null)
        {
            await CloseAsync(socket, cancellationToken);
        }

        return broken;
    }

    public Task CloseAsync(ChatSocket socket, CancellationToken cancellationToken) =>
        Records.DeleteOneAsync(c => c.Id == socket.Id, cancellationToken);

    /// <summary>Notes a closed socket; <see cref="DeleteClosedAsync"/> removes its record with the
    /// others in one command. A thousand sockets closing at once (a deploy, a network blip) would
    /// otherwise be a thousand deletes at once, more than the connection pool queues.</summary>
    public void Forget(ChatSocket socket) => _closed.Enqueue(socket.Id);

    /// <summary>Deletes the records of the sockets closed since the last call; on failure they stay
    /// noted for the next call (and stop counting at their expiry meanwhile).</summary>
    public async Task DeleteClosedAsync(CancellationToken cancellationToken)
    {
        var ids = new List<string>();
        while (ids.Count < MaxDeletesPerCommand && _closed.TryDequeue(out var id))
        {
            ids.Add(id);
        }

        if (ids.Count == 0)
        {
            return;
        }

        try
        {
            await Records.DeleteManyAsync(Builders<ChatConnectionDocument>.Filter.In(c => c.Id, ids), cancellationToken);
        }
        catch
        {
            ids.ForEach(_closed.Enqueue);
            throw;
        }
    }

    /// <summary>Deletes every record of this instance's sockets (it is stopping).</summary>
    public Task DeleteAllAsync(CancellationToken cancellationToken) =>
        Records.DeleteManyAsync(c => c.InstanceId == hub.InstanceId, cancellationToken);

    /// <summary>Renews the records of this instance's open sockets (re-creating any that went, e.g.
    /// while the database was unreachable for longer than their lifetime).</summary>
    public async Task RenewAsync(CancellationToken cancellationToken)
    {
        var sockets = hub.Sockets;
        if (sockets.Count == 0)
        {
            return;
        }

        var now = time.GetUtcNow().UtcDateTime;
        var renewals = sockets.Select(socket => new UpdateOneModel<ChatConnectionDocument>(
            Builders<ChatConnectionDocument>.Filter.Eq(c => c.Id, socket.Id),
            Builders<ChatConnectionDocument>.Update
                .Set(c => c.ExpiresAt, now + settings.ConnectionLifetime)
                .SetOnInsert(c => c.ChannelId, socket.ChannelId)
                .SetOnInsert(c => c.UserId, socket.UserId)
                .SetOnInsert(c => c.Ip, socket.Ip)
                .SetOnInsert(c => c.InstanceId, hub.InstanceId)
                .SetOnInsert(c => c.ConnectedAt, now))
        { IsUpsert = true });
        await Records.BulkWriteAsync(renewals, new BulkWriteOptions { IsOrdered = false }, cancellationToken);

        // A socket that closed while the renewal ran may have had its record re-created by it.
        var closed = sockets.Where(socket => !hub.Contains(socket)).Select(socket => socket.Id).ToList();
        if (closed.Count > 0)
        {
            await Records.DeleteManyAsync(Builders<ChatConnectionDocument>.Filter.In(c => c.Id, closed), cancellationToken);
        }
    }

    /// <summary>Distinct accounts with a live socket on each of <paramref name="channelIds"/>, over every instance.</summary>
    public async Task<IReadOnlyDictionary<string, long>> CountUsersAsync(IReadOnlyCollection<string> channelIds, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var counts = await db.Collection<BsonDocument>(ChatConnectionDocument.CollectionName)
            .Aggregate()
            .Match(new BsonDocument { ["channel_id"] = new BsonDocument("$in", new BsonArray(channelIds)), ["expires_at"] = new BsonDocument("$gt", now) })
            .Group(new BsonDocument { ["_id"] = new BsonDocument { ["c"] = "$channel_id", ["u"] = "$user_id" } })
            .Group(new BsonDocument { ["_id"] = "$_id.c", ["n"] = new BsonDocument("$sum", 1) })
            .ToListAsync(cancellationToken);
        var result = channelIds.ToDictionary(id => id, _ => 0L, StringComparer.Ordinal);
        foreach (var count in counts)
        {
            result[count["_id"].AsString] = count["n"].ToInt64();
        }

        return result;
    }
}
