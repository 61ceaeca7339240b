namespace BayitPlus.Api.Infrastructure.Security;

/// <summary>The <c>event_type</c> values this API records, in one place so admins can filter on them.</summary>
public static class SecurityEventTypes
{
    public const string SignInSucceeded = "sign_in_succeeded";
    public const string SignInFailed = "sign_in_failed";
    public const string AccountLocked = "account_locked";
    public const string SignInWhileLocked = "sign_in_while_locked";
    public const string RefreshTokenReuse = "refresh_token_reuse";
    public const string FirebaseTokenInvalid = "firebase_token_invalid";
    public const string InvalidToken = "invalid_token";
    public const string AccessDenied = "access_denied";
    public const string RateLimited = "rate_limited";
    public const string RoleChanged = "role_changed";
}
