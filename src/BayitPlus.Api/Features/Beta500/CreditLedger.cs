using BayitPlus.Api.Infrastructure.Credits;
using BayitPlus.Api.Infrastructure.Mongo;
using BayitPlus.Api.Infrastructure.Security;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.Beta500;

/// <summary>
/// The Beta 500 credit ledger. Every change of a member's <c>credits_balance</c> writes one
/// <c>betacredittransaction</c> in the same MongoDB transaction, so for every member
/// <c>total_credits_granted − Σdeduct + Σrefund = credits_balance</c> and the latest entry's
/// <c>balance_after</c> is the balance. A deduction is a conditional update
/// (<c>credits_balance ≥ amount</c>), so the balance never goes below zero. Retried charges and
/// refunds are recognized by the unique <c>idempotency_key</c>: of two racing duplicates one
/// commits and the other finds it.
/// </summary>
/// <remarks>Low balance: a deduction that leaves the balance below <c>Beta:LowBalanceThreshold</c>
/// (or at 0) sets <c>low_balance</c> once and records a <c>beta_low_balance</c> security event
/// (severity low) for a notifier to act on; a grant that brings the balance back to the threshold
/// clears it. Reaching 0 also records <c>beta_credits_exhausted</c>. Spending: feature charges are
/// summed per clock hour (UTC); the first charge that takes an hour above
/// <c>Beta:HourlySpendAlert</c> records <c>beta_hourly_spend_exceeded</c> (high), once per hour.
/// Events are recorded only after the transaction commits.</remarks>
public sealed class CreditLedger(MongoContext db, BetaSettings settings, TimeProvider time, ISecurityEvents events) : ICreditLedger
{
    /// <summary>The idempotency keys of charges made through <see cref="ChargeAsync"/>: only those
    /// may be refunded, never a session's metering, an admin deduction or a forfeit.</summary>
    private const string ChargeKeyPrefix = "charge:";

    public IMongoCollection<BetaUserDocument> Members => Membership.Members(db);

    public IMongoCollection<BetaCreditTransactionDocument> Entries => Membership.Ledger(db);

    public Task<ChargeResult> ChargeAsync(string userId, string feature, int units, string idempotencyKey, CancellationToken cancellationToken) =>
        ChargeCoreAsync(userId, feature, units, idempotencyKey, null, cancellationToken);

    public Task<ChargeResult> ChargeWithAsync(
        string userId,
        string feature,
        int units,
        string idempotencyKey,
        Func<IClientSessionHandle, ChargeResult.Charged, CancellationToken, Task> alongside,
        CancellationToken cancellationToken) =>
        ChargeCoreAsync(userId, feature, units, idempotencyKey, alongside, cancellationToken);

    private async Task<ChargeResult> ChargeCoreAsync(
        string userId,
        string feature,
        int units,
        string idempotencyKey,
        Func<IClientSessionHandle, ChargeResult.Charged, CancellationToken, Task>? alongside,
        CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(units, 1);
        ArgumentException.ThrowIfNullOrEmpty(idempotencyKey);
        if (!settings.Prices.TryGetValue(feature, out var price))
        {
            return new ChargeResult.UnknownFeature();
        }

        var total = (long)price.Credits * units;
        if (total > int.MaxValue)
        {
            return new ChargeResult.Insufficient(await BalanceAsync(userId, cancellationToken), int.MaxValue);
        }

        var amount = (int)total;
        // No look-up first: a retry is rare, and the unique key finds it at the insert, which
        // aborts the transaction and so undoes the deduction (then the first charge is read).
        var key = $"{ChargeKeyPrefix}{userId}:{idempotencyKey}";
        var entry = new LedgerEntry(userId, BetaTransactionTypes.Deduct, amount, $"{feature} × {units}", feature,
            new BsonDocument { ["idempotency_key"] = idempotencyKey, ["units"] = units }, key);
        ChargeResult result;
        try
        {
            result = await InTransactionAsync<ChargeResult>(
                async (session, raised, token) =>
                {
                    var applied = await ApplyAsync(session, entry, requireActive: true, raised, token);
                    if (applied.Entry is { } written)
                    {
                        var charged = Charged(written);
                        if (alongside is not null)
                        {
                            await alongside(session, charged, token);
                        }

                        return charged;
                    }

                    return applied.Member is { IsActive: true } member
                        ? new ChargeResult.Insufficient(member.CreditsBalance, amount)
                        : new ChargeResult.NotAMember();
                },
                cancellationToken);
        }
        catch (MongoException error) when (MongoErrors.IsDuplicateKey(error))
        {
            // The racing duplicate committed first (with what it paid for): answer its charge. A
            // duplicate the purchase itself raised, with the key still free, is the caller's error.
            if (await FindByKeyAsync(key, cancellationToken) is { } earlier)
            {
                return Charged(earlier) with { Replayed = true };
            }

            throw;
        }

        // The balance is checked before the key: a retry of a charge that left too little for
        // another is refused by the balance, yet it was paid. A read on the refusal path only.
        return result is ChargeResult.Charged || await FindByKeyAsync(key, cancellationToken) is not { } paid
            ? result
            : Charged(paid) with { Replayed = true };
    }

    public async Task<RefundResult> RefundAsync(string chargeId, string reason, int? amount, CancellationToken cancellationToken)
    {
        if (!ObjectId.TryParse(chargeId, out _))
        {
            return new RefundResult.ChargeNotFound();
        }

        var charge = await Entries.Find(e => e.Id == chargeId && e.TransactionType == BetaTransactionTypes.Deduct).FirstOrDefaultAsync(cancellationToken);
        if (charge?.IdempotencyKey is null || !charge.IdempotencyKey.StartsWith(ChargeKeyPrefix, StringComparison.Ordinal))
        {
            return new RefundResult.ChargeNotFound();
        }

        var refund = amount ?? charge.Amount;
        if (refund < 1 || refund > charge.Amount)
        {
            return new RefundResult.ExceedsCharge(charge.Amount);
        }

        var key = $"refund:{chargeId}";
        if (await FindByKeyAsync(key, cancellationToken) is { } earlier)
        {
            return Refunded(earlier);
        }

        var entry = new LedgerEntry(charge.UserId, BetaTransactionTypes.Refund, refund, reason, charge.FeatureUsed,
            new BsonDocument { ["charge_id"] = chargeId }, key);
        try
        {
            return await InTransactionAsync<RefundResult>(
                async (session, raised, token) => (await ApplyAsync(session, entry, requireActive: true, raised, token)).Entry is { } written
                    ? Refunded(written)
                    : new RefundResult.NotAMember(),
                cancellationToken);
        }
        catch (MongoException error) when (MongoErrors.IsDuplicateKey(error))
        {
            return Refunded(await FindByKeyAsync(key, cancellationToken) ?? throw new InvalidOperationException($"No entry holds {key} after a duplicate key.", error));
        }
    }

    public async Task<CreditQuote> QuoteAsync(string userId, string feature, int units, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(units, 1);
        if (!settings.Prices.TryGetValue(feature, out var price))
        {
            return new CreditQuote.UnknownFeature();
        }

        var member = await Members.Find(m => m.UserId == userId && m.IsActive).FirstOrDefaultAsync(cancellationToken);
        if (member is null)
        {
            return new CreditQuote.NotAMember();
        }

        var total = (long)price.Credits * units;
        return total <= member.CreditsBalance
            ? new CreditQuote.Affordable((int)total, member.CreditsBalance)
            : new CreditQuote.Insufficient(member.CreditsBalance, (int)Math.Min(total, int.MaxValue));
    }

    /// <summary>Writes one entry and its balance change through <paramref name="session"/>, which
    /// must be in a transaction. A deduct that the balance does not cover (or, with
    /// <paramref name="requireActive"/>, a member who is not active) writes nothing and returns no
    /// entry, with the member as read (null when there is none). Security events to record once the
    /// transaction commits are added to <paramref name="raised"/>.</summary>
    internal async Task<Applied> ApplyAsync(IClientSessionHandle session, LedgerEntry entry, bool requireActive, List<SecurityEvent> raised, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(entry.Amount, 1);
        var now = time.GetUtcNow().UtcDateTime;
        var member = Builders<BetaUserDocument>.Filter.Eq(m => m.UserId, entry.UserId);
        var filter = requireActive ? member & Builders<BetaUserDocument>.Filter.Eq(m => m.IsActive, true) : member;
        var update = Builders<BetaUserDocument>.Update.Inc(m => m.LedgerSeq, 1).Set(m => m.LastCreditUpdate, now);
        var deduct = entry.Type == BetaTransactionTypes.Deduct;
        if (deduct)
        {
            filter &= Builders<BetaUserDocument>.Filter.Gte(m => m.CreditsBalance, entry.Amount);
            update = update.Inc(m => m.CreditsBalance, -entry.Amount);
            if (entry.Feature is not null)
            {
                update = update.Inc(m => m.SpendHourCredits, entry.Amount);
            }
        }
        else
        {
            // int fields: $inc past int.MaxValue would silently turn them into longs.
            filter &= Builders<BetaUserDocument>.Filter.Lte(m => m.CreditsBalance, int.MaxValue - entry.Amount)
                & Builders<BetaUserDocument>.Filter.Lte(m => m.TotalCreditsGranted, int.MaxValue - entry.Amount);
            update = update.Inc(m => m.CreditsBalance, entry.Amount);
            if (entry.Type == BetaTransactionTypes.Grant)
            {
                update = update.Inc(m => m.TotalCreditsGranted, entry.Amount);
            }
        }

        var after = await Members.FindOneAndUpdateAsync(session, filter, update,
            new FindOneAndUpdateOptions<BetaUserDocument> { ReturnDocument = ReturnDocument.After }, cancellationToken);
        if (after is null)
        {
            return new Applied(null, await Members.Find(session, member).FirstOrDefaultAsync(cancellationToken));
        }

        var written = new BetaCreditTransactionDocument
        {
            UserId = entry.UserId,
            TransactionType = entry.Type,
            Amount = entry.Amount,
            BalanceAfter = after.CreditsBalance,
            Reason = entry.Reason,
            FeatureUsed = entry.Feature,
            Metadata = entry.Metadata,
            CreatedAt = now,
            Seq = after.LedgerSeq,
            IdempotencyKey = entry.Key,
        };
        await Entries.InsertOneAsync(session, written, cancellationToken: cancellationToken);
        await FollowUpAsync(session, entry, after, now, raised, cancellationToken);
        return new Applied(written, after);
    }

    /// <summary>The derived state a change may move: the hour's spending, the low-balance flag and
    /// the spending alert. Usually nothing, so usually no second write.</summary>
    private async Task FollowUpAsync(IClientSessionHandle session, LedgerEntry entry, BetaUserDocument after, DateTime now, List<SecurityEvent> raised, CancellationToken cancellationToken)
    {
        var sets = new List<UpdateDefinition<BetaUserDocument>>();
        var details = new BsonDocument { ["balance"] = after.CreditsBalance, ["threshold"] = settings.LowBalanceThreshold };
        if (entry.Type == BetaTransactionTypes.Deduct)
        {
            if (entry.Feature is not null)
            {
                var hour = new DateTime(now.Year, now.Month, now.Day, now.Hour, 0, 0, DateTimeKind.Utc);
                var spent = after.SpendHourCredits;
                if (after.SpendHour != hour)
                {
                    spent = entry.Amount;
                    sets.Add(Builders<BetaUserDocument>.Update.Set(m => m.SpendHour, hour).Set(m => m.SpendHourCredits, spent));
                }

                if (spent > settings.HourlySpendAlert && after.SpendAlertHour != hour)
                {
                    sets.Add(Builders<BetaUserDocument>.Update.Set(m => m.SpendAlertHour, hour));
                    raised.Add(new SecurityEvent(CreditLedgerEvents.HourlySpendExceeded, Severity.High, entry.UserId, null,
                        new BsonDocument { ["hour"] = hour, ["spent"] = spent, ["limit"] = settings.HourlySpendAlert }));
                }
            }

            if (!after.LowBalance && (after.CreditsBalance < settings.LowBalanceThreshold || after.CreditsBalance == 0))
            {
                sets.Add(Builders<BetaUserDocument>.Update.Set(m => m.LowBalance, true));
                raised.Add(new SecurityEvent(CreditLedgerEvents.LowBalance, Severity.Low, entry.UserId, null, details));
            }

            if (after.CreditsBalance == 0)
            {
                raised.Add(new SecurityEvent(CreditLedgerEvents.CreditsExhausted, Severity.Low, entry.UserId, null, details));
            }
        }
        else if (entry.Type == BetaTransactionTypes.Grant && after.LowBalance && after.CreditsBalance >= settings.LowBalanceThreshold && after.CreditsBalance > 0)
        {
            sets.Add(Builders<BetaUserDocument>.Update.Set(m => m.LowBalance, false));
        }

        if (sets.Count > 0)
        {
            await Members.UpdateOneAsync(session, m => m.Id == after.Id, Builders<BetaUserDocument>.Update.Combine(sets), cancellationToken: cancellationToken);
        }
    }

    /// <summary>Runs <paramref name="work"/> in a transaction (retried whole on a write conflict),
    /// then records the security events of the attempt that committed.</summary>
    internal async Task<T> InTransactionAsync<T>(Func<IClientSessionHandle, List<SecurityEvent>, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        using var session = await db.Client.StartSessionAsync(cancellationToken: cancellationToken);
        var raised = new List<SecurityEvent>();
        var result = await session.WithTransactionAsync(
            (transaction, token) =>
            {
                raised.Clear();
                return work(transaction, raised, token);
            },
            cancellationToken: cancellationToken);
        foreach (var raisedEvent in raised)
        {
            events.Record(raisedEvent);
        }

        return result;
    }

    /// <summary>Records events raised inside a transaction another component runs (the audit
    /// pipeline's), once it has committed.</summary>
    internal void Record(IEnumerable<SecurityEvent> raised)
    {
        foreach (var raisedEvent in raised)
        {
            events.Record(raisedEvent);
        }
    }

    private async Task<int> BalanceAsync(string userId, CancellationToken cancellationToken) =>
        await Members.Find(m => m.UserId == userId).Project(m => m.CreditsBalance).FirstOrDefaultAsync(cancellationToken);

    private Task<BetaCreditTransactionDocument?> FindByKeyAsync(string key, CancellationToken cancellationToken) =>
        Entries.Find(e => e.IdempotencyKey == key).FirstOrDefaultAsync(cancellationToken)!;

    private static ChargeResult.Charged Charged(BetaCreditTransactionDocument entry) => new(entry.Id, entry.Amount, entry.BalanceAfter);

    private static RefundResult.Refunded Refunded(BetaCreditTransactionDocument entry) => new(entry.Id, entry.Amount, entry.BalanceAfter);
}

/// <summary>One ledger entry to write: who, which way, how much, why, and its idempotency key.</summary>
internal sealed record LedgerEntry(string UserId, string Type, int Amount, string Reason, string? Feature, BsonDocument Metadata, string? Key);

/// <summary>What <see cref="CreditLedger.ApplyAsync"/> did: the entry written (null when nothing
/// was), and the member after it (or as read, when nothing was written; null for a non-member).</summary>
internal sealed record Applied(BetaCreditTransactionDocument? Entry, BetaUserDocument? Member);

/// <summary>The security events the ledger records, by their stored <c>event_type</c>.</summary>
public static class CreditLedgerEvents
{
    public const string LowBalance = "beta_low_balance";
    public const string CreditsExhausted = "beta_credits_exhausted";
    public const string HourlySpendExceeded = "beta_hourly_spend_exceeded";
}
