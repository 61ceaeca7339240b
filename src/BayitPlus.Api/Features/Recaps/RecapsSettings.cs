namespace BayitPlus.Api.Features.Recaps;

/// <summary>Catch-up recaps of live channels: transcript ingestion, the recaps and their summarizers.</summary>
public sealed class RecapsSettings
{
    public const string Section = "Recaps";

    /// <summary>API keys a captioning service sends in <c>X-Api-Key</c> to push transcript segments
    /// (from a secret store, never a file in the repository); none: only admins may push.</summary>
    public List<string> IngestKeys { get; init; } = [];

    /// <summary>How long transcript segments are kept (TTL index on <c>livetranscriptsegment</c>).</summary>
    public TimeSpan TranscriptRetention { get; init; } = TimeSpan.FromHours(2);

    /// <summary>The most transcript text (characters) sent to a language model; the oldest goes first.</summary>
    public int MaxPromptCharacters { get; init; } = 24_000;

    /// <summary>Segments one ingestion request may carry.</summary>
    public int MaxSegmentsPerRequest { get; init; } = 200;

    /// <summary>Characters one segment's text may hold.</summary>
    public int MaxSegmentCharacters { get; init; } = 2_000;

    /// <summary>Seconds of speech a recap's window must hold; less is a 422, nothing charged.</summary>
    public int MinTranscriptSeconds { get; init; } = 60;

    /// <summary>How long a summary is reused by everyone asking for the same channel, window length
    /// and language, and how long a user's recap lives (<c>recapsession.expires_at</c>).</summary>
    public TimeSpan RecapLifetime { get; init; } = TimeSpan.FromMinutes(3);

    /// <summary>How long a summarization may take; longer is a 503, nothing charged.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>After a failed summarization, how long requests for it answer 503 (its
    /// <c>Retry-After</c>) rather than calling a failing model again.</summary>
    public TimeSpan RetryAfterFailure { get; init; } = TimeSpan.FromSeconds(15);
}
