namespace BayitPlus.Api.Infrastructure.Auth;

/// <summary>Access-token settings (<c>Jwt:*</c>). The signing key is a secret: it comes from
/// configuration (<c>Jwt__SigningKey</c>) or, in Development only, is generated at start.</summary>
public sealed class JwtSettings
{
    public const string Section = "Jwt";

    public string Issuer { get; init; } = "bayitplus";

    public string Audience { get; init; } = "bayitplus-clients";

    /// <summary>At least 32 bytes once UTF-8 encoded (HMAC-SHA256).</summary>
    public string SigningKey { get; init; } = "";

    public TimeSpan AccessTokenLifetime { get; init; } = TimeSpan.FromMinutes(15);

    public TimeSpan RefreshTokenLifetime { get; init; } = TimeSpan.FromDays(30);

    /// <summary>How long after a refresh token is rotated a duplicate use of it (two tabs refreshing
    /// at once) gets the same successor instead of counting as theft; zero turns the grace off.</summary>
    public TimeSpan RefreshReuseGracePeriod { get; init; } = TimeSpan.FromSeconds(10);
}
