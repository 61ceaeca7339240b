using BayitPlus.Api.Infrastructure.Auth;
using BayitPlus.Api.Infrastructure.Mongo;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.Beta500;

/// <summary>Starting and ending memberships, shared by enrollment, withdrawal, expiry and the admin
/// actions. Each runs in the caller's transaction and moves the seat, the member's flags, its
/// ledger and the account's role together.</summary>
public sealed class Membership(MongoContext db, BetaSeats seats, IAccountRoles accounts, BetaSettings settings)
{
    public static IMongoCollection<BetaUserDocument> Members(MongoContext db) =>
        db.Collection<BetaUserDocument>(BetaUserDocument.CollectionName);

    public static IMongoCollection<BetaCreditTransactionDocument> Ledger(MongoContext db) =>
        db.Collection<BetaCreditTransactionDocument>(BetaCreditTransactionDocument.CollectionName);

    public static FilterDefinition<BetaUserDocument> Of(string userId) => Builders<BetaUserDocument>.Filter.Eq(m => m.UserId, userId);

    /// <summary>Ends the active membership of <paramref name="userId"/>: inactive with
    /// <paramref name="reason"/>, the seat freed, the role back to <c>user</c> (an admin keeps
    /// <c>admin</c>). Withdrawal forfeits the balance through a <c>deduct</c> of reason
    /// <c>withdrawn</c>, so the ledger still adds up. Null when no active membership matched
    /// <paramref name="alsoMatching"/> (already ended by another request or instance).</summary>
    public async Task<BetaUserDocument?> EndAsync(
        IClientSessionHandle session, string userId, string reason, DateTime now, CancellationToken cancellationToken, FilterDefinition<BetaUserDocument>? alsoMatching = null)
    {
        var filter = Of(userId) & Builders<BetaUserDocument>.Filter.Eq(m => m.IsActive, true);
        var update = Builders<BetaUserDocument>.Update
            .Set(m => m.IsActive, false)
            .Set(m => m.EndedReason, reason)
            .Set(m => m.EndedAt, now);
        var forfeit = reason == EndedReasons.Withdrawn;
        if (forfeit)
        {
            // The forfeit is the member's next ledger entry: numbered like every other, so the
            // latest entry is still the one that left the balance.
            update = update.Set(m => m.CreditsBalance, 0).Set(m => m.LastCreditUpdate, now).Inc(m => m.LedgerSeq, 1);
        }

        var before = await Members(db).FindOneAndUpdateAsync(
            session,
            alsoMatching is null ? filter : filter & alsoMatching,
            update,
            new FindOneAndUpdateOptions<BetaUserDocument> { ReturnDocument = ReturnDocument.Before },
            cancellationToken);
        if (before is null)
        {
            return null;
        }

        await seats.FreeAsync(session, cancellationToken);
        if (forfeit && before.CreditsBalance > 0)
        {
            await Ledger(db).InsertOneAsync(
                session,
                new BetaCreditTransactionDocument
                {
                    UserId = userId,
                    TransactionType = BetaTransactionTypes.Deduct,
                    Amount = before.CreditsBalance,
                    BalanceAfter = 0,
                    Reason = EndedReasons.Withdrawn,
                    CreatedAt = now,
                    Seq = before.LedgerSeq + 1,
                },
                cancellationToken: cancellationToken);
        }

        await accounts.ChangeRoleAsync(session, userId, Roles.Beta, Roles.User, cancellationToken);
        return before;
    }

    /// <summary>Makes an ended membership active again when a seat is free: a new
    /// <c>Beta:DurationDays</c> period when the old one has passed, the role <c>beta</c> again (an
    /// admin keeps <c>admin</c>). Credits are not granted again. Null when there is no inactive
    /// membership; throws the program-full conflict when every seat is filled.</summary>
    public async Task<BetaUserDocument?> ReactivateAsync(IClientSessionHandle session, string userId, DateTime now, CancellationToken cancellationToken)
    {
        var member = await Members(db).Find(session, Of(userId) & Builders<BetaUserDocument>.Filter.Eq(m => m.IsActive, false)).FirstOrDefaultAsync(cancellationToken);
        if (member is null)
        {
            return null;
        }

        if (!await seats.TakeAsync(session, cancellationToken))
        {
            throw Full();
        }

        var reactivated = await Members(db).FindOneAndUpdateAsync(
            session,
            Of(userId) & Builders<BetaUserDocument>.Filter.Eq(m => m.IsActive, false),
            Builders<BetaUserDocument>.Update
                .Set(m => m.IsActive, true)
                .Set(m => m.ExpiresAt, member.AccessEndsAt(settings) > now ? member.AccessEndsAt(settings) : now.AddDays(settings.DurationDays))
                .Unset(m => m.EndedReason)
                .Unset(m => m.EndedAt),
            new FindOneAndUpdateOptions<BetaUserDocument> { ReturnDocument = ReturnDocument.After },
            cancellationToken);
        await accounts.ChangeRoleAsync(session, userId, Roles.User, Roles.Beta, cancellationToken);
        return reactivated;
    }

    public static Infrastructure.Errors.ConflictException Full() =>
        new("program", "Every seat of the Beta 500 program is taken; try again when a member leaves.") { Type = EnrollmentProblems.ProgramFull };
}
