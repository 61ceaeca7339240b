namespace BayitPlus.Api.Features.Recaps;

/// <summary>One line of a live transcript, as summarizers read it: in time order.</summary>
public sealed record TranscriptLine(string Text, DateTime StartTime, DateTime EndTime, string Language, string? Speaker);

/// <summary>A recap: a short summary and 3–5 key points in <see cref="Language"/>;
/// <see cref="Translated"/> is false when the summarizer could not answer in the language asked and
/// answered in the transcript's own (the local summarizer never translates).</summary>
public sealed record RecapSummary(string Summary, IReadOnlyList<string> KeyPoints, string Language, bool Translated);

/// <summary>Makes a recap of a window of transcript in a language (he, en or es). Throws
/// <see cref="SummarizerFailedException"/> when the model fails or answers something unusable.</summary>
public interface IRecapSummarizer
{
    /// <summary>Whether it answers in the language asked whatever the transcript's (a language model
    /// does; the local summarizer answers in the transcript's own, so one summary serves every
    /// language asked).</summary>
    bool Translates { get; }

    Task<RecapSummary> SummarizeAsync(IReadOnlyList<TranscriptLine> transcript, string language, CancellationToken cancellationToken);
}

/// <summary>The summarizer could not make a recap (the model failed, timed out or answered malformed JSON).</summary>
public sealed class SummarizerFailedException(string message, Exception? inner = null) : Exception(message, inner);
