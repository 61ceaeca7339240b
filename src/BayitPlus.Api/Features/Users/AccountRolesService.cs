using BayitPlus.Api.Infrastructure.Auth;
using BayitPlus.Api.Infrastructure.Errors;
using BayitPlus.Api.Infrastructure.Mongo;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.Users;

/// <summary>The Users slice's answer to <see cref="IAccountRoles"/>. Firebase vouches for the email
/// of the accounts it signs in; a password account's email was never verified.</summary>
public sealed class AccountRolesService(MongoContext db, AccountStatusLookup status, TimeProvider time) : IAccountRoles
{
    public async Task<AccountFacts?> FindActiveAsync(string userId, CancellationToken cancellationToken)
    {
        if (!Ids.IsValid(userId))
        {
            return null;
        }

        var user = await db.Users().Find(Accounts.ActiveFilter(userId.ToLowerInvariant())).FirstOrDefaultAsync(cancellationToken);
        return user is null ? null : new AccountFacts(user.Id, user.Email, user.Role, user.CreatedAt, user.FirebaseUid is not null);
    }

    public async Task<bool> ChangeRoleAsync(IClientSessionHandle session, string userId, string from, string to, CancellationToken cancellationToken)
    {
        if (!Ids.IsValid(userId))
        {
            return false;
        }

        var result = await db.Users().UpdateOneAsync(
            session,
            Builders<UserDocument>.Filter.Eq(u => u.Id, userId.ToLowerInvariant()) & Builders<UserDocument>.Filter.Eq(u => u.Role, from),
            Builders<UserDocument>.Update.Set(u => u.Role, to).Set(u => u.UpdatedAt, time.GetUtcNow().UtcDateTime),
            cancellationToken: cancellationToken);
        return result.ModifiedCount == 1;
    }

    public void Forget(string userId) => status.Forget(userId);
}
