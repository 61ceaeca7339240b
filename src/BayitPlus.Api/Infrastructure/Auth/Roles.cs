namespace BayitPlus.Api.Infrastructure.Auth;

/// <summary>The spec's user roles, stored lowercase.</summary>
public static class Roles
{
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
