using BayitPlus.Api.Infrastructure.Errors;
using BayitPlus.Api.Infrastructure.Mongo;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.Users;

/// <summary>The accounts behind access tokens. The authorization policies already refuse a token
/// whose account is inactive (<see cref="AccountStatusLookup"/>); handlers that read or write the
/// account still match it only while active, so a request racing a deactivation cannot act on it.</summary>
public static class Accounts
{
    public static IMongoCollection<UserDocument> Users(this MongoContext db) =>
        db.Collection<UserDocument>(UserDocument.CollectionName);

    public static IMongoCollection<ProfileDocument> Profiles(this MongoContext db) =>
        db.Collection<ProfileDocument>(ProfileDocument.CollectionName);

    /// <summary>The signed-in user's account, or 401 when it no longer exists or is inactive.</summary>
    public static async Task<UserDocument> GetActiveAsync(this MongoContext db, string userId, CancellationToken ct) =>
        await db.Users().Find(ActiveFilter(userId)).FirstOrDefaultAsync(ct) ?? throw Inactive();

    /// <summary>Matches the account only while it is active, so a write never revives a deleted one.</summary>
    public static FilterDefinition<UserDocument> ActiveFilter(string userId) => Ids.IsValid(userId)
        ? Builders<UserDocument>.Filter.Eq(u => u.Id, userId) & Builders<UserDocument>.Filter.Eq(u => u.IsActive, true)
        : throw Inactive();

    public static UnauthorizedException Inactive() => new("This account does not exist or is no longer active.");
}
