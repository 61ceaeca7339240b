namespace BayitPlus.Api.Features.Users;

/// <summary>The Users slice's settings (<c>Users:*</c>), each listed in the README.</summary>
public sealed class UsersSettings
{
    public const string Section = "Users";

    /// <summary>Devices one account may register; one more answers 409.</summary>
    public int MaxDevices { get; init; } = 10;

    /// <summary>Failed sign-ins within <see cref="LockoutWindow"/> that lock an email.</summary>
    public int LockoutThreshold { get; init; } = 5;

    public TimeSpan LockoutWindow { get; init; } = TimeSpan.FromMinutes(15);

    public TimeSpan LockoutDuration { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>The spec: deleted users are anonymized after 30 days.</summary>
    public TimeSpan AnonymizeAfter { get; init; } = TimeSpan.FromDays(30);

    /// <summary>How often the anonymization job looks for due accounts.</summary>
    public TimeSpan AnonymizationInterval { get; init; } = TimeSpan.FromHours(1);

    /// <summary>How long the authorization policies may reuse an account's looked-up state. Changes
    /// made through this instance take effect at once; other instances see them within this time.</summary>
    public TimeSpan AccountStatusCacheDuration { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>BCrypt cost; each step doubles the hashing time (tests lower it).</summary>
    public int BcryptWorkFactor { get; init; } = 12;
}
