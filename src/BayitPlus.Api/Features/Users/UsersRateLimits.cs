namespace BayitPlus.Api.Features.Users;

/// <summary>The Users slice's rate-limit policies, per client IP (declared in <see cref="UsersServices"/>;
/// <c>RateLimits:&lt;name&gt;</c> overrides a default).</summary>
public static class UsersRateLimits
{
    /// <summary><c>POST /api/auth/register</c>: 3 per hour.</summary>
    public const string Register = "register";

    /// <summary>Password and Firebase sign-in: 5 per minute.</summary>
    public const string Login = "login";

    /// <summary><c>POST /api/auth/refresh</c>: 10 per minute.</summary>
    public const string Refresh = "refresh";
}
