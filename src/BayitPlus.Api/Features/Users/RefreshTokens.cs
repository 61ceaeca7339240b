using System.Security.Cryptography;
using System.Text;
using BayitPlus.Api.Infrastructure.Auth;
using BayitPlus.Api.Infrastructure.Mongo;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.Users;

/// <summary>The tokens a sign-in returns: a short-lived access token and a rotating refresh token.</summary>
public sealed record TokensResponse(string AccessToken, string RefreshToken, DateTime ExpiresAt);

/// <summary>A presented refresh token that was accepted (to be continued) or found reused (its family revoked).</summary>
public sealed record Redemption(RefreshTokenDocument Token, string PresentedToken, bool ReuseDetected);

/// <summary>Issues, rotates and revokes refresh tokens (stored hashed) and pairs them with access tokens.</summary>
public sealed class RefreshTokens(MongoContext db, AccessTokenIssuer accessTokens, JwtSettings jwt, TimeProvider time)
{
    private readonly byte[] _successorKey = HMACSHA256.HashData(Encoding.UTF8.GetBytes(jwt.SigningKey), "bayitplus refresh token successor"u8);

    private IMongoCollection<RefreshTokenDocument> Tokens => db.Collection<RefreshTokenDocument>(RefreshTokenDocument.CollectionName);

    /// <summary>Starts a new token family for a sign-in.</summary>
    public Task<TokensResponse> IssueAsync(UserDocument user, string? deviceId, CancellationToken ct) =>
        IssueAsync(user, deviceId, Guid.NewGuid().ToString("N"), ct);

    /// <summary>Exchanges a refresh token for a new pair. An unknown, expired or revoked token is
    /// refused (null: the caller answers 401). The first use rotates it; a second use within
    /// <see cref="JwtSettings.RefreshReuseGracePeriod"/> of the rotation, while its successor is still
    /// unused, is the same client racing itself and is answered with that same successor; any other
    /// use of a rotated token revokes its whole family.</summary>
    public async Task<Redemption?> RedeemAsync(string refreshToken, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var hash = Hash(refreshToken);
        var redeemed = await Tokens.FindOneAndUpdateAsync(
            t => t.TokenHash == hash && t.ReplacedAt == null && t.RevokedAt == null && t.ExpiresAt > now,
            Builders<RefreshTokenDocument>.Update.Set(t => t.ReplacedAt, now),
            new FindOneAndUpdateOptions<RefreshTokenDocument> { ReturnDocument = ReturnDocument.After },
            ct);
        if (redeemed is not null)
        {
            return new Redemption(redeemed, refreshToken, ReuseDetected: false);
        }

        var known = await Tokens.Find(t => t.TokenHash == hash).FirstOrDefaultAsync(ct);
        if (known is not { ReplacedAt: { } replacedAt, RevokedAt: null })
        {
            return null;
        }

        if (now - replacedAt <= jwt.RefreshReuseGracePeriod && known.ExpiresAt > now && await SuccessorUnusedAsync(refreshToken, ct))
        {
            return new Redemption(known, refreshToken, ReuseDetected: false);
        }

        await RevokeFamilyAsync(known.FamilyId, ct);
        return new Redemption(known, refreshToken, ReuseDetected: true);
    }

    /// <summary>Issues the successor of a redeemed token, in the same family. The successor is
    /// derived from the presented token (a keyed hash), so every use in the grace window gets the
    /// same one and whichever request comes first stores it.</summary>
    public async Task<TokensResponse> ContinueAsync(UserDocument user, Redemption redemption, CancellationToken ct)
    {
        var redeemed = redemption.Token;
        var raw = Successor(redemption.PresentedToken);
        var successorHash = Hash(raw);
        var rotatedAt = redeemed.ReplacedAt ?? time.GetUtcNow().UtcDateTime;
        try
        {
            await Tokens.UpdateOneAsync(
                t => t.TokenHash == successorHash,
                Builders<RefreshTokenDocument>.Update
                    .SetOnInsert(t => t.UserId, user.Id)
                    .SetOnInsert(t => t.FamilyId, redeemed.FamilyId)
                    .SetOnInsert(t => t.DeviceId, redeemed.DeviceId)
                    .SetOnInsert(t => t.CreatedAt, rotatedAt)
                    .SetOnInsert(t => t.ExpiresAt, rotatedAt + jwt.RefreshTokenLifetime),
                new UpdateOptions { IsUpsert = true },
                ct);
        }
        catch (MongoWriteException race) when (race.WriteError.Category == ServerErrorCategory.DuplicateKey)
        {
            // The other request of the pair stored the same successor between this upsert's lookup and its insert.
        }

        // A reuse of the redeemed token detected between its redemption and this insert revoked
        // the family without seeing the successor; checking after the insert means the successor
        // never outlives its family (either that revocation saw it, or this check sees the revocation).
        if (await Tokens.Find(t => t.Id == redeemed.Id && t.RevokedAt != null).AnyAsync(ct))
        {
            await RevokeFamilyAsync(redeemed.FamilyId, ct);
        }

        var (access, expiresAt) = accessTokens.Issue(user.Id, user.Email, user.Role, redeemed.DeviceId);
        return new TokensResponse(access, raw, expiresAt);
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

    private async Task<bool> SuccessorUnusedAsync(string refreshToken, CancellationToken ct)
    {
        var successorHash = Hash(Successor(refreshToken));
        var successor = await Tokens.Find(t => t.TokenHash == successorHash).FirstOrDefaultAsync(ct);
        return successor is null or { ReplacedAt: null, RevokedAt: null };
    }

    /// <summary>The successor of a token: an HMAC under a key derived from the signing key, so every
    /// instance derives the same one and nobody without the key can.</summary>
    private string Successor(string refreshToken) =>
        Microsoft.AspNetCore.WebUtilities.WebEncoders.Base64UrlEncode(HMACSHA256.HashData(_successorKey, Encoding.UTF8.GetBytes(refreshToken)));

    private async Task<TokensResponse> IssueAsync(UserDocument user, string? deviceId, string familyId, CancellationToken ct)
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
        return new TokensResponse(access, raw, expiresAt);
    }
}
