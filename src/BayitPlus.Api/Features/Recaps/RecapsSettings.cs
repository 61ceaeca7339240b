namespace BayitPlus.Api.Features.Recaps;

/// <summary>Catch-up recaps of live channels: transcript ingestion and the summarizers (the recap
/// endpoint and its settings follow, issue 16).</summary>
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
}
