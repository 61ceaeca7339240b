namespace BayitPlus.Api.Infrastructure.Security;

/// <summary>The <c>event_type</c> values the request pipeline itself records. A slice keeps the
/// names of the events it records in its own folder.</summary>
public static class SecurityEventTypes
{
    public const string InvalidToken = "invalid_token";
    public const string AccessDenied = "access_denied";
    public const string RateLimited = "rate_limited";
}
