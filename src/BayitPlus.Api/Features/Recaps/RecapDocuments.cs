using BayitPlus.Api.Infrastructure.Mongo;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.Recaps;

/// <summary>One segment of a live channel's transcript, as a captioning service pushed it
/// (<c>livetranscriptsegment</c>, a collection of this API's, features.md). <see cref="SegmentKey"/>
/// (channel, start time, text hash) makes a repeated push store nothing more.</summary>
public sealed class LiveTranscriptSegmentDocument
{
    public const string CollectionName = "livetranscriptsegment";

    public string Id { get; set; } = "";

    /// <summary><c>channelId:startTime ticks:SHA-256 of the text</c>, unique.</summary>
    public required string SegmentKey { get; set; }

    public required string ChannelId { get; set; }

    public required string Text { get; set; }

    public DateTime StartTime { get; set; }

    public DateTime EndTime { get; set; }

    /// <summary>he, en or es.</summary>
    public required string Language { get; set; }

    public string? Speaker { get; set; }

    public DateTime ReceivedAt { get; set; }
}

/// <summary>A segment per key, a channel's segments by time, and gone <c>Recaps:TranscriptRetention</c>
/// after it was spoken.</summary>
public sealed class LiveTranscriptSegmentIndexes(RecapsSettings settings) : ICollectionIndexes
{
    public string CollectionName => LiveTranscriptSegmentDocument.CollectionName;

    public IEnumerable<CreateIndexModel<BsonDocument>> Indexes =>
    [
        IndexModels.Unique("segment_key"),
        IndexModels.Compound(("channel_id", 1), ("start_time", 1)),
        IndexModels.Ttl("start_time", settings.TranscriptRetention),
    ];
}
