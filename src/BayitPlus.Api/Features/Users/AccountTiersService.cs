using BayitPlus.Api.Infrastructure.Auth;
using BayitPlus.Api.Infrastructure.Errors;
using BayitPlus.Api.Infrastructure.Mongo;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.Users;

/// <summary>The Users slice's answer to <see cref="IAccountTiers"/>.</summary>
public sealed class AccountTiersService(MongoContext db, TimeProvider time) : IAccountTiers
{
    public async Task<bool> SetTierAsync(IClientSessionHandle session, string userId, string? tier, CancellationToken cancellationToken)
    {
        if (!Ids.IsValid(userId))
        {
            return false;
        }

        var update = tier is null
            ? Builders<UserDocument>.Update.Unset(u => u.SubscriptionTier)
            : Builders<UserDocument>.Update.Set(u => u.SubscriptionTier, tier);
        var result = await db.Users().UpdateOneAsync(
            session,
            Builders<UserDocument>.Filter.Eq(u => u.Id, userId.ToLowerInvariant()),
            update.Set(u => u.UpdatedAt, time.GetUtcNow().UtcDateTime),
            cancellationToken: cancellationToken);
        return result.MatchedCount == 1;
    }
}
