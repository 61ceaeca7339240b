using BayitPlus.Api.Infrastructure.Credits;
using BayitPlus.Api.Infrastructure.Errors;

namespace BayitPlus.Api.Features.AiSearch;

/// <summary>The problem <c>type</c>s AI search answers with, besides the credit ones
/// (<see cref="CreditProblems"/>).</summary>
public static class AiSearchProblems
{
    /// <summary>503: semantic search cannot run (nothing embedded yet, no price set, or the model
    /// or vector search failed); nothing stays charged.</summary>
    public const string Unavailable = "urn:bayitplus:problem:ai-search-unavailable";

    /// <summary>422: the query is in a script the model cannot read (Hebrew for the local model).</summary>
    public const string LanguageUnsupported = "urn:bayitplus:problem:ai-search-language-unsupported";

    /// <summary>404: the item exists but has no vector of the active model yet.</summary>
    public const string NotEmbedded = "urn:bayitplus:problem:ai-search-not-embedded";
}

/// <summary>An AI search answer that is not a result: its status and problem type.</summary>
public sealed class AiSearchException : ApiException
{
    private AiSearchException(int status, string title, string detail, string type)
        : base(status, title, detail) => Type = type;

    public static AiSearchException Insufficient(int balance, int required) => new(
        StatusCodes.Status402PaymentRequired, "Payment required",
        $"An AI search costs {required} credits and the balance is {balance}; nothing was charged.", CreditProblems.InsufficientCredits);

    public static AiSearchException NotAMember() => new(
        StatusCodes.Status403Forbidden, "Forbidden", "AI search is for active Beta 500 members; nothing was charged.", CreditProblems.NotMember);

    public static AiSearchException Unavailable(string detail) => new(
        StatusCodes.Status503ServiceUnavailable, "Semantic search unavailable", detail, AiSearchProblems.Unavailable);

    public static AiSearchException LanguageUnsupported(string model) => new(
        StatusCodes.Status422UnprocessableEntity, "Language not supported",
        $"The search model ({model}) reads queries in Latin script only (English, Spanish); nothing was charged. GET /api/search searches every language.",
        AiSearchProblems.LanguageUnsupported);

    public static AiSearchException NotEmbedded() => new(
        StatusCodes.Status404NotFound, "Not found", "The item has no embedding of the current model yet, so no similar items can be found.", AiSearchProblems.NotEmbedded);
}
