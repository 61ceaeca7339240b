using BayitPlus.Api.Infrastructure.Errors;
using BayitPlus.Api.Infrastructure.Mongo;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.Beta500;

/// <summary>402: the member's credits do not cover the use.</summary>
public sealed class InsufficientCreditsException : ApiException
{
    public InsufficientCreditsException(string detail)
        : base(StatusCodes.Status402PaymentRequired, "Payment required", detail) => Type = EnrollmentProblems.InsufficientCredits;
}

/// <summary>
/// Metered sessions of per-second features. A checkpoint charges the whole seconds since the
/// previous one, in one transaction with the session's new checkpoint and the member's
/// <c>session_checkpoint</c>, so two racing checkpoints charge each second once. When the balance
/// does not cover the seconds due, the seconds it does cover are charged (the balance reaches what
/// no further second fits in, usually 0), the session ends (<c>credits_exhausted</c>) and the
/// checkpoint answers 402; <c>end</c> does the same but answers the ended session. A session
/// without a checkpoint for longer than <c>Beta:SessionTimeout</c> has timed out whether or not the
/// idle-session job has reached it yet: it ends charged up to its last checkpoint, as the job would.
/// </summary>
public sealed class MeteredSessions(MongoContext db, CreditLedger ledger, BetaSettings settings, TimeProvider time)
{
    public IMongoCollection<BetaMeteredSessionDocument> Sessions => db.Collection<BetaMeteredSessionDocument>(BetaMeteredSessionDocument.CollectionName);

    public async Task<BetaMeteredSessionDocument> StartAsync(string userId, string feature, CancellationToken cancellationToken)
    {
        var member = await ledger.Members.Find(m => m.UserId == userId).FirstOrDefaultAsync(cancellationToken);
        if (member is not { IsActive: true })
        {
            throw NotAMember("Only active Beta 500 members can use AI features.");
        }

        if (member.CreditsBalance < settings.Prices[feature].Credits)
        {
            throw new InsufficientCreditsException("Your AI credits are used up.");
        }

        var now = time.GetUtcNow().UtcDateTime;
        var session = new BetaMeteredSessionDocument
        {
            UserId = userId,
            Feature = feature,
            Status = MeteredSessionStatus.Active,
            StartedAt = now,
            LastCheckpointAt = now,
        };
        await Sessions.InsertOneAsync(session, cancellationToken: cancellationToken);
        return session;
    }

    public async Task<BetaMeteredSessionDocument> GetAsync(string userId, string sessionId, CancellationToken cancellationToken)
    {
        var id = Ids.Parse(sessionId, "Session").ToString();
        return await Sessions.Find(s => s.Id == id && s.UserId == userId).FirstOrDefaultAsync(cancellationToken) ?? throw new NotFoundException("Session");
    }

    /// <summary>Charges the whole seconds due and, when <paramref name="end"/>, ends the session.
    /// Another user's session is a 404; a checkpoint of an ended session a 409; ending an ended
    /// session answers it as it is.</summary>
    public async Task<BetaMeteredSessionDocument> AdvanceAsync(string userId, string sessionId, bool end, CancellationToken cancellationToken)
    {
        var id = Ids.Parse(sessionId, "Session").ToString();
        var (session, shortBy) = await ledger.InTransactionAsync<(BetaMeteredSessionDocument, string?)>(
            async (transaction, raised, token) =>
            {
                var current = await Sessions.Find(transaction, s => s.Id == id && s.UserId == userId).FirstOrDefaultAsync(token)
                    ?? throw new NotFoundException("Session");
                if (current.Status == MeteredSessionStatus.Ended)
                {
                    return end ? (current, (string?)null) : throw new ConflictException("sessionId", "This session has ended.");
                }

                var now = time.GetUtcNow().UtcDateTime;
                var timedOut = now - current.LastCheckpointAt > settings.SessionTimeout;
                var due = timedOut ? 0 : Math.Max(0, (int)Math.Floor((now - current.LastCheckpointAt).TotalSeconds));
                var price = settings.Prices.TryGetValue(current.Feature, out var set) ? set.Credits : 0;
                var member = await ledger.Members.Find(transaction, m => m.UserId == userId).FirstOrDefaultAsync(token);
                var active = member is { IsActive: true };
                var covered = !active ? 0 : price == 0 ? due : Math.Min(due, member!.CreditsBalance / price);
                string? stop = timedOut ? MeteredSessionEndReasons.Timeout
                    : !active ? MeteredSessionEndReasons.MembershipEnded
                    : covered < due ? MeteredSessionEndReasons.CreditsExhausted
                    : null;
                var checkpoint = stop is null or MeteredSessionEndReasons.Timeout ? current.LastCheckpointAt.AddSeconds(covered) : now;
                if (covered > 0 && price > 0)
                {
                    var entry = new LedgerEntry(userId, BetaTransactionTypes.Deduct, covered * price, $"{current.Feature} session, {covered} s", current.Feature,
                        new BsonDocument { ["session_id"] = id, ["seconds"] = covered }, $"session:{id}:{checkpoint.Ticks}");
                    // The balance was read in this transaction's snapshot, so the deduction fits.
                    _ = (await ledger.ApplyAsync(transaction, entry, requireActive: true, raised, token)).Entry
                        ?? throw new InvalidOperationException($"Session {id}: a covered deduction was refused.");
                    await ledger.Members.UpdateOneAsync(transaction, m => m.UserId == userId,
                        Builders<BetaUserDocument>.Update.Set(m => m.SessionCheckpoint, checkpoint), cancellationToken: token);
                }

                var update = Builders<BetaMeteredSessionDocument>.Update
                    .Set(s => s.LastCheckpointAt, checkpoint)
                    .Inc(s => s.SecondsCharged, covered)
                    .Inc(s => s.CreditsCharged, covered * price);
                if (end || stop is not null)
                {
                    update = update.Set(s => s.Status, MeteredSessionStatus.Ended).Set(s => s.EndedAt, now)
                        .Set(s => s.EndedReason, stop ?? MeteredSessionEndReasons.Ended);
                }

                var updated = await Sessions.FindOneAndUpdateAsync(transaction, Builders<BetaMeteredSessionDocument>.Filter.Eq(s => s.Id, id), update,
                    new FindOneAndUpdateOptions<BetaMeteredSessionDocument, BetaMeteredSessionDocument> { ReturnDocument = ReturnDocument.After }, token);
                return (updated, stop);
            },
            cancellationToken);
        if (!end && shortBy == MeteredSessionEndReasons.CreditsExhausted)
        {
            throw new InsufficientCreditsException($"Your AI credits ran out after {session.SecondsCharged} s; the session has ended.");
        }

        if (!end && shortBy == MeteredSessionEndReasons.MembershipEnded)
        {
            throw NotAMember("Your Beta 500 membership has ended; the session has ended.");
        }

        if (!end && shortBy == MeteredSessionEndReasons.Timeout)
        {
            throw new ConflictException("sessionId", $"This session had no checkpoint for longer than {settings.SessionTimeout}; it has ended, charged up to its last checkpoint.");
        }

        return session;
    }

    private static ForbiddenException NotAMember(string detail) => new(detail) { Type = EnrollmentProblems.NotMember };

    /// <summary>Ends the sessions without a checkpoint for longer than <c>Beta:SessionTimeout</c>;
    /// what ran after the last checkpoint is not charged. Each is claimed by a conditional update,
    /// so several instances end each once. Returns how many this call ended.</summary>
    public async Task<int> EndIdleAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var idle = Builders<BetaMeteredSessionDocument>.Filter.Eq(s => s.Status, MeteredSessionStatus.Active)
            & Builders<BetaMeteredSessionDocument>.Filter.Lt(s => s.LastCheckpointAt, now - settings.SessionTimeout);
        var ids = await Sessions.Find(idle).Project(s => s.Id).ToListAsync(cancellationToken);
        var ended = 0;
        foreach (var id in ids)
        {
            var result = await Sessions.UpdateOneAsync(
                Builders<BetaMeteredSessionDocument>.Filter.Eq(s => s.Id, id) & idle,
                Builders<BetaMeteredSessionDocument>.Update.Set(s => s.Status, MeteredSessionStatus.Ended).Set(s => s.EndedAt, now)
                    .Set(s => s.EndedReason, MeteredSessionEndReasons.Timeout),
                cancellationToken: cancellationToken);
            ended += (int)result.ModifiedCount;
        }

        return ended;
    }
}
