using BayitPlus.Api.Infrastructure.Audit;
using BayitPlus.Api.Infrastructure.Auth;
using BayitPlus.Api.Infrastructure.Errors;
using BayitPlus.Api.Infrastructure.Mongo;
using Mediator;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.Payments;

/// <summary>
/// Ends the subscriptions whose access is over: active ones <c>Payments:GraceDays</c> after
/// <c>end_date</c> (no renewal came), past due ones at <c>grace_until</c> (or, without one, like
/// active ones), canceled ones at <c>end_date</c>. Each becomes <c>expired</c> and the account's
/// tier goes back to free, with an audit record (<c>subscription.expired</c>), in one transaction
/// per subscription. Runs every <c>Payments:JobInterval</c> on the injected clock. Each subscription
/// is claimed by a conditional update (still due, by status and dates), so several instances, or a
/// renewal webhook racing the job, expire it at most once, and never one a renewal just extended.
/// </summary>
public sealed partial class SubscriptionExpiryJob(
    MongoContext db, ISender sender, DatabaseReadiness readiness, PaymentsSettings settings, TimeProvider time, ILogger<SubscriptionExpiryJob> logger)
    : PeriodicDatabaseJob(readiness, settings.JobInterval, time, logger)
{
    protected override string Work => "Expiring ended subscriptions";

    /// <summary>One pass; returns how many subscriptions it expired.</summary>
    public override async Task<int> RunOnceAsync(CancellationToken ct)
    {
        var now = Time.GetUtcNow().UtcDateTime;
        var due = await SubscriptionStore.Subscriptions(db).Find(Due(now, settings.GraceDays)).Project(s => s.Id).ToListAsync(ct);
        var expired = 0;
        foreach (var id in due)
        {
            try
            {
                await sender.Send(new ExpireSubscription.Command(id, now), ct);
                expired++;
            }
            catch (ConflictException)
            {
                // Another instance expired it, or a renewal moved it out of reach, since the list was read.
            }
        }

        if (expired > 0)
        {
            LogExpired(logger, expired);
        }

        return expired;
    }

    /// <summary>The subscriptions whose access is over at <paramref name="now"/>.</summary>
    public static FilterDefinition<SubscriptionDocument> Due(DateTime now, int graceDays)
    {
        var filter = Builders<SubscriptionDocument>.Filter;
        var pastGrace = filter.Lte(s => s.EndDate, now.AddDays(-graceDays));
        return (filter.Eq(s => s.Status, SubscriptionStatuses.Active) & pastGrace)
            | (filter.Eq(s => s.Status, SubscriptionStatuses.PastDue) & filter.Lte(s => s.GraceUntil, now))
            | (filter.Eq(s => s.Status, SubscriptionStatuses.PastDue) & filter.Eq(s => s.GraceUntil, null) & pastGrace)
            | (filter.Eq(s => s.Status, SubscriptionStatuses.Canceled) & filter.Lte(s => s.EndDate, now));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Expired {Count} subscriptions")]
    private static partial void LogExpired(ILogger logger, int count);
}

/// <summary>One subscription of <see cref="SubscriptionExpiryJob"/>'s pass, as an atomic audited
/// command: the claim, the tier and the audit record commit together. A subscription no longer due
/// is a conflict, which aborts the transaction, so a lost race leaves no record.</summary>
public static class ExpireSubscription
{
    public sealed record Command(string SubscriptionId, DateTime Now) : ICommand<SubscriptionDocument>, IAuditedCommand
    {
        AuditTarget IAuditedCommand.Audit => new("subscription.expired", "subscription", SubscriptionDocument.CollectionName, SubscriptionId, Atomic: true);
    }

    public sealed class Handler(MongoContext db, IAccountTiers tiers, PaymentsSettings settings) : ICommandHandler<Command, SubscriptionDocument>
    {
        public async ValueTask<SubscriptionDocument> Handle(Command command, CancellationToken cancellationToken)
        {
            var session = AuditTransaction.Required;
            var expired = await SubscriptionStore.Subscriptions(db).FindOneAndUpdateAsync(
                session,
                Builders<SubscriptionDocument>.Filter.Eq(s => s.Id, command.SubscriptionId) & SubscriptionExpiryJob.Due(command.Now, settings.GraceDays),
                Builders<SubscriptionDocument>.Update
                    .Set(s => s.Status, SubscriptionStatuses.Expired)
                    .Set(s => s.AutoRenew, false)
                    .Set(s => s.UpdatedAt, command.Now),
                new FindOneAndUpdateOptions<SubscriptionDocument> { ReturnDocument = ReturnDocument.After },
                cancellationToken)
                ?? throw new ConflictException("subscription", "The subscription is no longer due to expire.");

            // A user who bought a new subscription before this one's grace ran out keeps that one's tier.
            await SubscriptionStore.RefreshTierAsync(db, tiers, session, expired.UserId, command.Now, cancellationToken);
            return expired;
        }
    }
}
