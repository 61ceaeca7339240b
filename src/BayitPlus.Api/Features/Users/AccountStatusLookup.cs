using System.Security.Claims;
using BayitPlus.Api.Infrastructure.Auth;
using BayitPlus.Api.Infrastructure.Errors;
using BayitPlus.Api.Infrastructure.Mongo;
using Microsoft.Extensions.Caching.Memory;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.Users;

/// <summary>The Users slice's answer to <see cref="IAccountStatus"/>: the account's active flag,
/// role and name, read from <c>user</c> and kept for <see cref="UsersSettings.AccountStatusCacheDuration"/> so
/// a burst of requests costs one read. Every use case that changes either calls
/// <see cref="Forget"/> once its change is committed.</summary>
public sealed class AccountStatusLookup(MongoContext db, UsersSettings settings) : IAccountStatus, IDisposable
{
    // Bounded: one small entry per recently seen account, so a flood of distinct tokens cannot grow it without limit.
    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = 100_000 });

    public async ValueTask<AccountState?> FindAsync(ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var userId = user.Id();
        if (!Ids.IsValid(userId))
        {
            return null;
        }

        userId = userId.ToLowerInvariant();
        if (_cache.TryGetValue(userId, out AccountState? cached))
        {
            return cached;
        }

        var state = await db.Users()
            .Find(u => u.Id == userId)
            .Project(u => new AccountState(u.IsActive, u.Role, u.Name))
            .FirstOrDefaultAsync(cancellationToken);
        if (settings.AccountStatusCacheDuration > TimeSpan.Zero)
        {
            _cache.Set(userId, state, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = settings.AccountStatusCacheDuration });
        }

        return state;
    }

    /// <summary>Drops what is known of an account, so this instance's next request reads it again.</summary>
    public void Forget(string userId) => _cache.Remove(userId.ToLowerInvariant());

    public void Dispose() => _cache.Dispose();
}
