using BayitPlus.Api.Infrastructure.Auth;
using BayitPlus.Api.Infrastructure.Mongo;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.Users;

/// <summary>Anonymizes deleted accounts once their <c>anonymize_after</c> has passed (the spec:
/// deleted users are anonymized after 30 days). The account document stays, so references to its
/// id elsewhere remain valid, but nothing in it identifies the person any more, and its email is
/// free to register again; every slice's <see cref="IUserDataEraser"/> deletes what it keeps about
/// the user (the watch history). Runs every <c>Users:AnonymizationInterval</c> on the injected clock.</summary>
public sealed partial class AnonymizationJob(
    MongoContext db, IEnumerable<IUserDataEraser> erasers, DatabaseReadiness readiness, UsersSettings settings, TimeProvider time, ILogger<AnonymizationJob> logger)
    : PeriodicDatabaseJob(readiness, settings.AnonymizationInterval, time, logger)
{
    public const string DeletedName = "Deleted user";

    protected override string Work => "Anonymizing deleted accounts";

    /// <summary>One pass: anonymizes every account that is due; returns how many it changed. Safe
    /// to run again or concurrently: an account is anonymized once, and only while it is due.</summary>
    public override async Task<int> RunOnceAsync(CancellationToken ct)
    {
        var now = Time.GetUtcNow().UtcDateTime;
        var due = Builders<UserDocument>.Filter.Lte(u => u.AnonymizeAfter, now);
        var ids = await db.Users().Find(due).Project(u => u.Id).ToListAsync(ct);
        var anonymized = 0;
        foreach (var id in ids)
        {
            // Other slices' data goes first: if erasing fails, the account is still due and the next
            // pass tries again (erasing twice finds nothing the second time), and the other due
            // accounts go on meanwhile.
            try
            {
                foreach (var eraser in erasers)
                {
                    await eraser.EraseAsync(id, ct);
                }
            }
            catch (Exception error) when (error is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                LogEraseFailed(logger, id, error);
                continue;
            }

            var update = Builders<UserDocument>.Update
                .Set(u => u.Email, $"deleted-{id}@anonymized.invalid")
                .Set(u => u.Name, DeletedName)
                .Set(u => u.IsActive, false)
                .Set(u => u.UpdatedAt, now)
                .Unset(u => u.PasswordHash)
                .Unset(u => u.FirebaseUid)
                .Unset(u => u.Devices)
                .Unset(u => u.Preferences)
                .Unset(u => u.SubscriptionTier)
                .Unset(u => u.AnonymizeAfter);
            var result = await db.Users().UpdateOneAsync(Builders<UserDocument>.Filter.Eq(u => u.Id, id) & due, update, cancellationToken: ct);
            await db.Profiles().DeleteManyAsync(p => p.UserId == id, ct);
            anonymized += (int)result.ModifiedCount;
        }

        if (anonymized > 0)
        {
            LogAnonymized(logger, anonymized);
        }

        return anonymized;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Erasing the data of deleted account {UserId} failed; it stays due for the next pass")]
    private static partial void LogEraseFailed(ILogger logger, string userId, Exception error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Anonymized {Count} deleted accounts")]
    private static partial void LogAnonymized(ILogger logger, int count);
}
