using MongoDB.Bson;

namespace BayitPlus.Api.Tests.Support;

/// <summary>Live channels for the slices that hang off one (chat, transcripts, recaps).</summary>
public static class LiveChannels
{
    private static int _channelNumber = Random.Shared.Next(100_000, 900_000);

    /// <summary>A live channel stored as the admin endpoints would; its id.</summary>
    public static async Task<string> NewLiveChannelAsync(this ApiFactory api, bool active = true)
    {
        var id = ObjectId.GenerateNewId();
        await api.Database.GetCollection<BsonDocument>("livechannel").InsertOneAsync(new BsonDocument
        {
            ["_id"] = id,
            ["channel_name"] = $"Test channel {id}",
            ["channel_number"] = Interlocked.Increment(ref _channelNumber),
            ["stream_url"] = "https://streams.example/live.m3u8",
            ["is_active"] = active,
            ["created_at"] = DateTime.UtcNow,
        }, cancellationToken: Http.Ct);
        return id.ToString();
    }
}
