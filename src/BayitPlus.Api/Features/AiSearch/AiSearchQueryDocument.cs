namespace BayitPlus.Api.Features.AiSearch;

/// <summary>An AI search's record in the spec's <c>searchquery</c> collection (whose indexes the
/// catalog's search declares), with <c>search_type</c> <c>ai</c>; clicks on its results are
/// recorded against its id as for catalog searches.</summary>
public sealed class AiSearchQueryDocument
{
    public const string CollectionName = "searchquery";
    public const string Ai = "ai";

    public string Id { get; set; } = "";

    public required string UserId { get; set; }

    public required string QueryText { get; set; }

    public string SearchType { get; set; } = Ai;

    public int ResultsCount { get; set; }

    public int ResponseTimeMs { get; set; }

    public DateTime CreatedAt { get; set; }
}
