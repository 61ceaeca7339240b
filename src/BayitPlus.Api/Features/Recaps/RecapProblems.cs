using BayitPlus.Api.Infrastructure.Credits;
using BayitPlus.Api.Infrastructure.Errors;

namespace BayitPlus.Api.Features.Recaps;

/// <summary>The problem <c>type</c>s a recap request answers with, besides the credit ones
/// (<see cref="CreditProblems"/>).</summary>
public static class RecapProblems
{
    /// <summary>422: the window holds less speech (captions with words) than
    /// <c>Recaps:MinTranscriptSeconds</c>, at most half the window.</summary>
    public const string NotEnoughTranscript = "urn:bayitplus:problem:recap-not-enough-transcript";

    /// <summary>503: the summarizer failed or timed out, or no price is set; nothing charged.</summary>
    public const string Unavailable = "urn:bayitplus:problem:recap-unavailable";
}

/// <summary>A recap answer that is not a recap: its status and problem type.</summary>
public sealed class RecapException : ApiException
{
    private RecapException(int status, string title, string detail, string type)
        : base(status, title, detail) => Type = type;

    public static RecapException Insufficient(int balance, int required) => new(
        StatusCodes.Status402PaymentRequired, "Payment required",
        $"A recap costs {required} credits and the balance is {balance}; nothing was charged.", CreditProblems.InsufficientCredits);

    public static RecapException NotAMember() => new(
        StatusCodes.Status403Forbidden, "Forbidden", "Recaps are for active Beta 500 members; nothing was charged.", CreditProblems.NotMember);

    public static RecapException NotEnoughTranscript(double seconds, int required, int windowMinutes) => new(
        StatusCodes.Status422UnprocessableEntity, "Not enough transcript",
        $"The last {windowMinutes} minutes of this channel hold {Math.Floor(seconds)} seconds of transcript, and a recap needs at least {required}; nothing was charged.",
        RecapProblems.NotEnoughTranscript);

    public static RecapException Unavailable(string detail, TimeSpan retryAfter) => new(
        StatusCodes.Status503ServiceUnavailable, "Recap unavailable", detail, RecapProblems.Unavailable)
    {
        RetryAfter = retryAfter < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : retryAfter,
    };
}
