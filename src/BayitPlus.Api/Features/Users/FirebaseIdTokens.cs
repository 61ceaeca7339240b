using BayitPlus.Api.Infrastructure.Errors;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace BayitPlus.Api.Features.Users;

/// <summary>Who a valid Firebase ID token says the caller is.</summary>
public sealed record FirebaseIdentity(string Uid, string? Email, bool EmailVerified, string? Name);

/// <summary>503: a dependency this endpoint needs is not configured or not reachable.</summary>
public sealed class ServiceUnavailableException(string detail) : ApiException(StatusCodes.Status503ServiceUnavailable, "Service unavailable", detail);

/// <summary>Validates Firebase ID tokens as Firebase documents them: RS256 signed by one of Google's
/// published keys (fetched from <see cref="FirebaseSettings.JwksUrl"/> and cached), issuer and
/// audience naming the project, sane exp/iat/auth_time, a non-empty subject (the Firebase uid).</summary>
public sealed partial class FirebaseIdTokens(FirebaseSettings settings, IHttpClientFactory http, TimeProvider time, ILogger<FirebaseIdTokens> logger)
{
    public const string InvalidToken = "The Firebase ID token is not valid.";

    /// <summary>Firebase uids are at most 128 characters.</summary>
    private const int MaxUidLength = 128;

    private static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(30);

    private readonly JsonWebTokenHandler _handler = new();
    private readonly SemaphoreSlim _fetch = new(1, 1);
    private volatile KeySet? _keys;

    public async Task<FirebaseIdentity> ValidateAsync(string idToken, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(settings.ProjectId))
        {
            throw new ServiceUnavailableException("Firebase sign-in is not configured.");
        }

        var token = Read(idToken) ?? throw Refuse("malformed");
        if (token.Alg != SecurityAlgorithms.RsaSha256)
        {
            throw Refuse("algorithm is not RS256");
        }

        var key = await KeyAsync(token.Kid, ct) ?? throw Refuse("unknown key id");
        var result = await _handler.ValidateTokenAsync(idToken, new TokenValidationParameters
        {
            ValidIssuer = settings.Issuer,
            ValidAudience = settings.ProjectId,
            IssuerSigningKey = key,
            ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
            RequireSignedTokens = true,
            RequireExpirationTime = true,

            // Lifetime is checked below against the injected clock.
            ValidateLifetime = false,
        });
        if (!result.IsValid)
        {
            throw Refuse(result.Exception?.GetType().Name ?? "invalid");
        }

        var now = time.GetUtcNow().UtcDateTime;
        var authTime = token.TryGetPayloadValue<long>("auth_time", out var seconds) ? DateTimeOffset.FromUnixTimeSeconds(seconds).UtcDateTime : (DateTime?)null;
        if (token.ValidTo <= now - ClockSkew || token.IssuedAt == DateTime.MinValue || token.IssuedAt > now + ClockSkew
            || token.ValidTo <= token.IssuedAt || authTime is null || authTime > now + ClockSkew)
        {
            throw Refuse("expired or not yet valid");
        }

        if (string.IsNullOrWhiteSpace(token.Subject) || token.Subject.Length > MaxUidLength)
        {
            throw Refuse("no subject");
        }

        var email = token.TryGetPayloadValue<string>("email", out var address) && !string.IsNullOrWhiteSpace(address) ? Emails.Normalize(address) : null;
        var verified = token.TryGetPayloadValue<bool>("email_verified", out var isVerified) && isVerified;
        var name = token.TryGetPayloadValue<string>("name", out var displayName) && !string.IsNullOrWhiteSpace(displayName) ? displayName.Trim() : null;
        return new FirebaseIdentity(token.Subject, email, verified, name);
    }

    /// <summary>The token's parts, or null when it is not a compact JWT (CanReadToken checks only
    /// the shape, so decoding can still fail).</summary>
    private JsonWebToken? Read(string idToken)
    {
        if (!_handler.CanReadToken(idToken))
        {
            return null;
        }

        try
        {
            return _handler.ReadJsonWebToken(idToken);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private UnauthorizedException Refuse(string reason)
    {
        LogRefused(logger, reason);
        return new UnauthorizedException(InvalidToken);
    }

    /// <summary>The key named <paramref name="kid"/>: from the cache while it is fresh, else fetched;
    /// an unknown id causes one more fetch (Google rotates keys), at most once per interval.</summary>
    private async Task<SecurityKey?> KeyAsync(string? kid, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(kid))
        {
            return null;
        }

        var keys = _keys;
        if (keys is null || time.GetUtcNow() - keys.FetchedAt >= settings.KeysCacheDuration)
        {
            keys = await FetchAsync(keys, ct);
        }

        if (keys.Keys.TryGetValue(kid, out var key))
        {
            return key;
        }

        if (time.GetUtcNow() - keys.FetchedAt < settings.UnknownKeyRefetchInterval)
        {
            return null;
        }

        keys = await FetchAsync(keys, ct);
        return keys.Keys.GetValueOrDefault(kid);
    }

    private async Task<KeySet> FetchAsync(KeySet? stale, CancellationToken ct)
    {
        await _fetch.WaitAsync(ct);
        try
        {
            // Another request may have fetched while this one waited.
            if (_keys is { } current && !ReferenceEquals(current, stale))
            {
                return current;
            }

            var json = await http.CreateClient(FirebaseSettings.JwksHttpClient).GetStringAsync(settings.JwksUrl, ct);
            var keys = new JsonWebKeySet(json).Keys
                .Where(k => k.Kty == JsonWebAlgorithmsKeyTypes.RSA && !string.IsNullOrEmpty(k.Kid))
                .DistinctBy(k => k.Kid)
                .ToDictionary(k => k.Kid, SecurityKey (k) => k, StringComparer.Ordinal);
            var fetched = new KeySet(keys, time.GetUtcNow());
            _keys = fetched;
            return fetched;
        }
        catch (Exception error) when (error is HttpRequestException or ArgumentException or System.Text.Json.JsonException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            LogFetchFailed(logger, error, settings.JwksUrl);

            // Keys a little past their cache time are still Google's keys: better than refusing everyone.
            return stale ?? throw new ServiceUnavailableException("Firebase signing keys are unavailable; try again later.");
        }
        finally
        {
            _fetch.Release();
        }
    }

    private sealed record KeySet(IReadOnlyDictionary<string, SecurityKey> Keys, DateTimeOffset FetchedAt);

    [LoggerMessage(Level = LogLevel.Information, Message = "Firebase ID token refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not fetch the Firebase signing keys from {Url}")]
    private static partial void LogFetchFailed(ILogger logger, Exception error, Uri url);
}
