namespace BayitPlus.Api.Features.Content;

/// <summary>Sentences the catalog's operation descriptions share, so the rules they state are
/// written once.</summary>
internal static class OperationNotes
{
    public const string Language =
        "Titles and descriptions are in the language of the lang query parameter (he, en or es), else the best match of Accept-Language, else Hebrew; " +
        "a missing translation falls back to the Hebrew text. Content-Language names the language used.";

    public const string Cached =
        "Anonymous answers are cached per URL and Accept-Language for a short time (Content:CatalogCacheDuration, 30 s by default); " +
        "any admin change to the catalog clears the cache at once. A request with a bearer token is never served from the cache.";

    public const string Durations =
        "duration is the stored text H:MM:SS (\"1:45:00\"); durationSeconds is the same in whole seconds, null when unknown or unreadable.";

    public const string WholeList =
        "The whole list is returned in one answer, { items } with no nextCursor: it takes no cursor or limit.";

    public const string NotFoundById = "404 when the id is unknown or not a 24-hex-digit id.";
}
