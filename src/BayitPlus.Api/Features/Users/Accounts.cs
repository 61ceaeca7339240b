using BayitPlus.Api.Infrastructure.Auth;
using BayitPlus.Api.Infrastructure.Errors;
using BayitPlus.Api.Infrastructure.Mongo;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.Users;

/// <summary>The accounts behind access tokens. A token outlives a deactivation by up to its
/// lifetime, so every handler that acts for the signed-in user loads the account through here and
/// answers 401 once it is inactive (deleted by its owner, or deactivated by an admin).</summary>
public static class Accounts
{
    public static IMongoCollection<UserDocument> Users(this MongoContext db) =>
        db.Collection<UserDocument>(UserDocument.CollectionName);

    public static IMongoCollection<ProfileDocument> Profiles(this MongoContext db) =>
        db.Collection<ProfileDocument>(ProfileDocument.CollectionName);

    /// <summary>The signed-in user's account, or 401 when it no longer exists or is inactive.</summary>
    public static async Task<UserDocument> GetActiveAsync(this MongoContext db, string userId, CancellationToken ct) =>
        await db.Users().Find(ActiveFilter(userId)).FirstOrDefaultAsync(ct) ?? throw Inactive();

    /// <summary>The signed-in admin's account: 401 when inactive, 403 when no longer an admin (the
    /// token's role claim may predate a demotion).</summary>
    public static async Task<UserDocument> GetActiveAdminAsync(this MongoContext db, string userId, CancellationToken ct)
    {
        var admin = await db.GetActiveAsync(userId, ct);
        return admin.Role == Roles.Admin ? admin : throw new ForbiddenException("This account is not an admin.");
    }

    /// <summary>Matches the account only while it is active, so a write never revives a deleted one.</summary>
    public static FilterDefinition<UserDocument> ActiveFilter(string userId) => Ids.IsValid(userId)
        ? Builders<UserDocument>.Filter.Eq(u => u.Id, userId) & Builders<UserDocument>.Filter.Eq(u => u.IsActive, true)
        : throw Inactive();

    public static UnauthorizedException Inactive() => new("This account does not exist or is no longer active.");
}
