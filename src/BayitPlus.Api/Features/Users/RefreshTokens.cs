using System.Security.Cryptography;
using System.Text;
using BayitPlus.Api.Infrastructure.Auth;
using BayitPlus.Api.Infrastructure.Mongo;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.Users;

/// <summary>The tokens a sign-in returns: a short-lived access token and a rotating refresh token.</summary>
public sealed record AuthTokens(string AccessToken, string RefreshToken, DateTime ExpiresAt);

/// <summary>Issues, rotates and revokes refresh tokens (stored hashed) and pairs them with access tokens.</summary>
public sealed class RefreshTokens(MongoContext db, AccessTokenIssuer accessTokens, JwtSettings jwt, TimeProvider time)
{
    private IMongoCollection<RefreshTokenDocument> Tokens => db.Collection<RefreshTokenDocument>(RefreshTokenDocument.CollectionName);

    /// <summary>Starts a new token family for a sign-in.</summary>
    public Task<AuthTokens> IssueAsync(UserDocument user, string? deviceId, CancellationToken ct) =>
        IssueAsync(user, deviceId, Guid.NewGuid().ToString("N"), ct);

    /// <summary>Exchanges a refresh token for a new pair. An unknown, expired or revoked token is
    /// refused; a token that was already exchanged revokes its whole family. Returns the user id
    /// and device of the family, or null when refused (the caller answers 401).</summary>
    public async Task<(RefreshTokenDocument Token, bool ReuseDetected)?> RedeemAsync(string refreshToken, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var hash = Hash(refreshToken);
        var redeemed = await Tokens.FindOneAndUpdateAsync(
            t => t.TokenHash == hash && t.ReplacedAt == null && t.RevokedAt == null && t.ExpiresAt > now,
            Builders<RefreshTokenDocument>.Update.Set(t => t.ReplacedAt, now),
            cancellationToken: ct);
        if (redeemed is not null)
        {
            return (redeemed, false);
        }

        var known = await Tokens.Find(t => t.TokenHash == hash).FirstOrDefaultAsync(ct);
        if (known is { ReplacedAt: not null, RevokedAt: null })
        {
            await RevokeFamilyAsync(known.FamilyId, ct);
            return (known, true);
        }

        return null;
    }

    /// <summary>Issues the successor of a redeemed token, in the same family.</summary>
    public async Task<AuthTokens> ContinueAsync(UserDocument user, RefreshTokenDocument redeemed, CancellationToken ct)
    {
        var successor = await IssueAsync(user, redeemed.DeviceId, redeemed.FamilyId, ct);

        // A reuse of the redeemed token detected between its redemption and this insert revoked
        // the family without seeing the successor; checking after the insert means the successor
        // never outlives its family (either that revocation saw it, or this check sees the revocation).
        if (await Tokens.Find(t => t.Id == redeemed.Id && t.RevokedAt != null).AnyAsync(ct))
        {
            await RevokeFamilyAsync(redeemed.FamilyId, ct);
        }

        return successor;
    }

    /// <summary>Revokes the family of a token; false when the token is unknown.</summary>
    public async Task<bool> RevokeAsync(string refreshToken, CancellationToken ct)
    {
        var hash = Hash(refreshToken);
        var known = await Tokens.Find(t => t.TokenHash == hash).FirstOrDefaultAsync(ct);
        if (known is null)
        {
            return false;
        }

        await RevokeFamilyAsync(known.FamilyId, ct);
        return true;
    }

    public Task RevokeFamilyAsync(string familyId, CancellationToken ct) =>
        RevokeWhereAsync(t => t.FamilyId == familyId && t.RevokedAt == null, ct);

    public Task RevokeDeviceAsync(string userId, string deviceId, CancellationToken ct) =>
        RevokeWhereAsync(t => t.UserId == userId && t.DeviceId == deviceId && t.RevokedAt == null, ct);

    public Task RevokeAllAsync(string userId, CancellationToken ct) =>
        RevokeWhereAsync(t => t.UserId == userId && t.RevokedAt == null, ct);

    /// <summary>Revokes every token of the user inside <paramref name="session"/>'s transaction, so a
    /// deactivation that is undone leaves the sessions as they were.</summary>
    public Task RevokeAllAsync(IClientSessionHandle session, string userId, CancellationToken ct) =>
        Tokens.UpdateManyAsync(
            session,
            t => t.UserId == userId && t.RevokedAt == null,
            Builders<RefreshTokenDocument>.Update.Set(t => t.RevokedAt, time.GetUtcNow().UtcDateTime),
            cancellationToken: ct);

    public static string Hash(string refreshToken) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(refreshToken)));

    private async Task RevokeWhereAsync(System.Linq.Expressions.Expression<Func<RefreshTokenDocument, bool>> filter, CancellationToken ct) =>
        await Tokens.UpdateManyAsync(filter, Builders<RefreshTokenDocument>.Update.Set(t => t.RevokedAt, time.GetUtcNow().UtcDateTime), cancellationToken: ct);

    private async Task<AuthTokens> IssueAsync(UserDocument user, string? deviceId, string familyId, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var raw = Microsoft.AspNetCore.WebUtilities.WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32));
        await Tokens.InsertOneAsync(new RefreshTokenDocument
        {
            UserId = user.Id,
            TokenHash = Hash(raw),
            FamilyId = familyId,
            DeviceId = deviceId,
            CreatedAt = now,
            ExpiresAt = now + jwt.RefreshTokenLifetime,
        }, cancellationToken: ct);
        var (access, expiresAt) = accessTokens.Issue(user.Id, user.Email, user.Role, deviceId);
        return new AuthTokens(access, raw, expiresAt);
    }
}
