namespace BayitPlus.Api.Infrastructure.Auth;

/// <summary>The spec's user roles, stored lowercase.</summary>
public static class Roles
{
    /// <summary>The access token's claim that carries the role: the short JWT name, not the
    /// WS-Federation URI .NET would use by default.</summary>
    public const string Claim = "role";

    public const string User = "user";
    public const string Beta = "beta";
    public const string Admin = "admin";

    public static readonly IReadOnlyList<string> All = [User, Beta, Admin];
}

/// <summary>Named authorization policies endpoints ask for.</summary>
public static class Policies
{
    public const string Admin = "admin";
    public const string Beta = "beta";
}
