using BayitPlus.Api.Infrastructure.Auth;
using BayitPlus.Api.Infrastructure.Mongo;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.Beta500;

/// <summary>Ends the memberships whose <c>expires_at</c> (or, without one, <c>enrolled_at</c> plus
/// <c>Beta:DurationDays</c>) has passed: inactive with
/// <c>ended_reason</c> expired, the seat freed, the role back to <c>user</c>. Runs every
/// <c>Beta:JobInterval</c> on the injected clock. Each member is claimed by a conditional update
/// (still active, still expired) inside its own transaction, so several instances running at once,
/// or a withdrawal racing the job, end a membership and free its seat exactly once.</summary>
public sealed partial class BetaExpiryJob(
    MongoContext db, Membership membership, IAccountRoles accounts, DatabaseReadiness readiness, BetaSettings settings, TimeProvider time, ILogger<BetaExpiryJob> logger)
    : PeriodicDatabaseJob(readiness, settings.JobInterval, time, logger)
{
    protected override string Work => "Ending expired Beta 500 memberships";

    /// <summary>One pass; returns how many memberships it ended.</summary>
    public override async Task<int> RunOnceAsync(CancellationToken ct)
    {
        var now = Time.GetUtcNow().UtcDateTime;
        // Members the Python system enrolled carry no expires_at: theirs runs from enrolled_at.
        var filter = Builders<BetaUserDocument>.Filter;
        var expired = filter.Lte(m => m.ExpiresAt, now)
            | (filter.Exists(m => m.ExpiresAt, false) & filter.Lte(m => m.EnrolledAt, now.AddDays(-settings.DurationDays)));
        var due = await Membership.Members(db)
            .Find(Builders<BetaUserDocument>.Filter.Eq(m => m.IsActive, true) & expired)
            .Project(m => m.UserId)
            .ToListAsync(ct);
        var ended = 0;
        foreach (var userId in due)
        {
            using var session = await db.Client.StartSessionAsync(cancellationToken: ct);
            var member = await session.WithTransactionAsync(
                (transaction, token) => membership.EndAsync(transaction, userId, EndedReasons.Expired, now, token, expired),
                cancellationToken: ct);
            if (member is not null)
            {
                accounts.Forget(userId);
                ended++;
            }
        }

        if (ended > 0)
        {
            LogExpired(logger, ended);
        }

        return ended;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Ended {Count} expired Beta 500 memberships")]
    private static partial void LogExpired(ILogger logger, int count);
}
