namespace BayitPlus.Api.Features.Users;

/// <summary>The <c>event_type</c> values the Users slice records, so admins can filter on them.</summary>
public static class UserSecurityEvents
{
    public const string SignInSucceeded = "sign_in_succeeded";
    public const string SignInFailed = "sign_in_failed";
    public const string AccountLocked = "account_locked";
    public const string SignInWhileLocked = "sign_in_while_locked";
    public const string RefreshTokenReuse = "refresh_token_reuse";
    public const string FirebaseTokenInvalid = "firebase_token_invalid";
    public const string RoleChanged = "role_changed";
}
