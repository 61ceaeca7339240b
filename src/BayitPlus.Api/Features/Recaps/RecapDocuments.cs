using BayitPlus.Api.Infrastructure.Mongo;
using MongoDB.Bson;
using MongoDB.Bson.Serialization.Attributes;
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

/// <summary>A recap a user received (<c>recapsession</c>, as the schema reference describes it:
/// <c>summary</c>, the window as <c>start_time</c>/<c>end_time</c>, <c>credits_used</c>,
/// <c>transcript_length</c>, <c>expires_at</c> with a TTL). The other fields are this API's: the
/// key points, the languages and the shared summary it came from. Its id is derived from the user
/// and the summary (<see cref="SharedRecaps.SessionId"/>), so one user holds a summary once.</summary>
public sealed class RecapSessionDocument
{
    public const string CollectionName = "recapsession";

    public string Id { get; set; } = "";

    public required string UserId { get; set; }

    public required string ChannelId { get; set; }

    public required string Summary { get; set; }

    public List<string> KeyPoints { get; set; } = [];

    /// <summary>The window's start.</summary>
    public DateTime StartTime { get; set; }

    /// <summary>The window's end.</summary>
    public DateTime EndTime { get; set; }

    public int CreditsUsed { get; set; }

    /// <summary>Characters of transcript summarized.</summary>
    public int TranscriptLength { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime ExpiresAt { get; set; }

    /// <summary>The language of <see cref="Summary"/>: the one asked, or the transcript's when the
    /// summarizer cannot translate.</summary>
    public required string Language { get; set; }

    /// <summary>The language the user asked for.</summary>
    public required string RequestedLanguage { get; set; }

    public int WindowMinutes { get; set; }

    /// <summary>The computation (<see cref="RecapSummaryDocument.Computation"/>) the recap came from.</summary>
    public required string SummaryId { get; set; }
}

/// <summary>The schema reference's indexes: a user's recaps and a channel's, newest first, and gone
/// at <c>expires_at</c>.</summary>
public sealed class RecapSessionIndexes : ICollectionIndexes
{
    public string CollectionName => RecapSessionDocument.CollectionName;

    public IEnumerable<CreateIndexModel<BsonDocument>> Indexes =>
    [
        IndexModels.Compound(("user_id", 1), ("created_at", -1)),
        IndexModels.Compound(("channel_id", 1), ("created_at", -1)),
        IndexModels.Ttl("expires_at", TimeSpan.Zero),
    ];
}

/// <summary>The states of a <see cref="RecapSummaryDocument"/>.</summary>
public static class RecapSummaryStatus
{
    /// <summary>Claimed by one instance, which is summarizing; others wait for it.</summary>
    public const string Pending = "pending";

    public const string Ready = "ready";

    /// <summary>The summarizer failed; requests answer 503 until <c>expires_at</c>.</summary>
    public const string Failed = "failed";
}

/// <summary>A summary shared by everyone asking for a channel's window in a language
/// (<c>recapsummary</c>, a collection of this API's, features.md): the first request claims it by
/// its id (channel, window end to the minute, window length, language) and summarizes; the others
/// wait for it and reuse it until <c>expires_at</c>.</summary>
public sealed class RecapSummaryDocument
{
    public const string CollectionName = "recapsummary";

    /// <summary>The <see cref="Language"/> of a summary made by a summarizer that cannot translate:
    /// in the transcript's own language, whichever was asked.</summary>
    public const string OriginalLanguage = "original";

    /// <summary>How long after <see cref="ExpiresAt"/> the TTL monitor deletes a summary: expiry is
    /// decided by the instances' clock, deletion by the database's, and this margin keeps a skew
    /// between them from deleting a live claim or a failure being waited out.</summary>
    public static readonly TimeSpan PurgeDelay = TimeSpan.FromMinutes(10);

    /// <summary><c>channelId:window end (yyyyMMddTHHmm):window minutes:language</c>.</summary>
    [BsonRepresentation(BsonType.String)]
    public string Id { get; set; } = "";

    /// <summary>A new id for each claim: what charges and recaps name, so a summary made again
    /// under the same id is a different recap.</summary>
    public required string Computation { get; set; }

    public required string ChannelId { get; set; }

    public int WindowMinutes { get; set; }

    /// <summary>The language asked for, or <see cref="OriginalLanguage"/>.</summary>
    public required string Language { get; set; }

    public DateTime WindowStart { get; set; }

    public DateTime WindowEnd { get; set; }

    public required string Status { get; set; }

    public string? Summary { get; set; }

    public List<string> KeyPoints { get; set; } = [];

    /// <summary>The language <see cref="Summary"/> is in.</summary>
    public string? SummaryLanguage { get; set; }

    public int TranscriptLength { get; set; }

    /// <summary>When it was claimed.</summary>
    public DateTime CreatedAt { get; set; }

    /// <summary>Pending: when the claim lapses (another instance may claim it again); ready: the end
    /// of its reuse; failed: the end of the wait before trying again.</summary>
    public DateTime ExpiresAt { get; set; }

    /// <summary><see cref="ExpiresAt"/> + <see cref="PurgeDelay"/>: the TTL index's field.</summary>
    public DateTime PurgeAt { get; set; }
}

/// <summary>The newest summary of a channel's window length in a language, and gone at <c>purge_at</c>.</summary>
public sealed class RecapSummaryIndexes : ICollectionIndexes
{
    public string CollectionName => RecapSummaryDocument.CollectionName;

    public IEnumerable<CreateIndexModel<BsonDocument>> Indexes =>
    [
        IndexModels.Compound(("channel_id", 1), ("window_minutes", 1), ("language", 1), ("created_at", -1)),
        IndexModels.Ttl("purge_at", TimeSpan.Zero),
    ];
}
