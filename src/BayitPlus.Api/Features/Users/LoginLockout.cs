using BayitPlus.Api.Infrastructure.Errors;
using BayitPlus.Api.Infrastructure.Mongo;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.Users;

/// <summary>Failed sign-ins of one email, counted per window, and the lock they lead to. Not in
/// the spec: this API's own collection, removed by TTL once neither window nor lock matters.</summary>
public sealed class LoginLockoutDocument
{
    public const string CollectionName = "loginlockout";

    public string Id { get; set; } = "";

    /// <summary>Normalized like <see cref="UserDocument.Email"/>; also unknown emails, so a lock
    /// does not tell whether an account exists.</summary>
    public required string Email { get; set; }

    public int Failures { get; set; }

    public DateTime WindowStartedAt { get; set; }

    public DateTime? LockedUntil { get; set; }

    public DateTime ExpiresAt { get; set; }
}

public sealed class LoginLockoutIndexes : ICollectionIndexes
{
    public string CollectionName => LoginLockoutDocument.CollectionName;

    public IEnumerable<CreateIndexModel<BsonDocument>> Indexes =>
    [
        IndexModels.Unique("email"),
        IndexModels.Ttl("expires_at", TimeSpan.Zero),
    ];
}

/// <summary><see cref="UsersSettings.LockoutThreshold"/> failures of one email within
/// <see cref="UsersSettings.LockoutWindow"/> lock it for <see cref="UsersSettings.LockoutDuration"/>.
/// Counting is one atomic server-side increment per failure, so parallel failures count exactly.</summary>
public sealed class LoginLockout(MongoContext db, UsersSettings settings, TimeProvider time)
{
    private static FilterDefinitionBuilder<LoginLockoutDocument> Filter => Builders<LoginLockoutDocument>.Filter;

    private static UpdateDefinitionBuilder<LoginLockoutDocument> Update => Builders<LoginLockoutDocument>.Update;

    private IMongoCollection<LoginLockoutDocument> Attempts => db.Collection<LoginLockoutDocument>(LoginLockoutDocument.CollectionName);

    /// <summary>A 429 with the time left when <paramref name="email"/> is locked.</summary>
    public async Task ThrowIfLockedAsync(string email, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var locked = await Attempts.Find(Filter.Eq(a => a.Email, email) & Filter.Gt(a => a.LockedUntil, now)).FirstOrDefaultAsync(ct);
        if (locked?.LockedUntil is { } until)
        {
            throw new TooManyRequestsException(until - now, "Too many failed sign-ins for this email; try again later.");
        }
    }

    /// <summary>Counts a failure; true when it started a lock.</summary>
    public async Task<bool> RecordFailureAsync(string email, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        if (await CountAsync(email, now, ct) < settings.LockoutThreshold)
        {
            return false;
        }

        // The lock restarts the count, so the first failure after it ends does not lock again.
        var until = now + settings.LockoutDuration;
        await Attempts.UpdateOneAsync(
            Filter.Eq(a => a.Email, email),
            Update.Set(a => a.LockedUntil, until).Set(a => a.Failures, 0).Set(a => a.WindowStartedAt, now).Max(a => a.ExpiresAt, until),
            cancellationToken: ct);
        return true;
    }

    public Task ClearAsync(string email, CancellationToken ct) =>
        Attempts.DeleteOneAsync(Filter.Eq(a => a.Email, email), ct);

    /// <summary>Counts one failure and returns the failures of the current window.</summary>
    private async Task<int> CountAsync(string email, DateTime now, CancellationToken ct)
    {
        var windowStart = now - settings.LockoutWindow;
        var after = new FindOneAndUpdateOptions<LoginLockoutDocument> { ReturnDocument = ReturnDocument.After };
        while (true)
        {
            var counted = await Attempts.FindOneAndUpdateAsync(
                Filter.Eq(a => a.Email, email) & Filter.Gt(a => a.WindowStartedAt, windowStart),
                Update.Inc(a => a.Failures, 1),
                after,
                ct);
            if (counted is not null)
            {
                return counted.Failures;
            }

            try
            {
                var started = await Attempts.FindOneAndUpdateAsync(
                    Filter.Eq(a => a.Email, email) & Filter.Not(Filter.Gt(a => a.WindowStartedAt, windowStart)),
                    Update.Set(a => a.Failures, 1).Set(a => a.WindowStartedAt, now).Max(a => a.ExpiresAt, now + settings.LockoutWindow),
                    new FindOneAndUpdateOptions<LoginLockoutDocument> { ReturnDocument = ReturnDocument.After, IsUpsert = true },
                    ct);
                return started.Failures;
            }
            catch (MongoCommandException error) when (MongoErrors.IsDuplicateKey(error))
            {
                // A parallel failure created this email's entry first: count on it.
            }
        }
    }
}
