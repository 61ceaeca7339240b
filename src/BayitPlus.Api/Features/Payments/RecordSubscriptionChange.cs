using BayitPlus.Api.Infrastructure.Audit;
using BayitPlus.Api.Infrastructure.Auth;
using BayitPlus.Api.Infrastructure.Errors;
using BayitPlus.Api.Infrastructure.Mongo;
using Mediator;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.Payments;

/// <summary>
/// Writes what a provider answered to a cancel, resume or plan change onto the local subscription,
/// with its audit record, in one transaction (<c>Atomic</c>). Sent by those use cases only after the
/// provider call succeeded: the provider is called outside any transaction (a transaction retried
/// on a write conflict must not call it twice), so a provider failure changes nothing here. Should
/// this local write fail after the provider accepted, the provider's own webhook
/// (<c>customer.subscription.updated</c>) brings the subscription to the same state.
/// </summary>
public static class RecordSubscriptionChange
{
    public const string Canceled = "subscription.cancel_at_period_end";
    public const string Resumed = "subscription.resumed";
    public const string PlanChanged = "subscription.plan_changed";

    /// <summary>How far the provider's clock may run behind ours: its event for a change made here,
    /// dated up to this much before our answer, still applies.</summary>
    public static readonly TimeSpan ProviderClockAllowance = TimeSpan.FromSeconds(5);

    /// <param name="Action">The audit action: <see cref="Canceled"/>, <see cref="Resumed"/> or <see cref="PlanChanged"/>.</param>
    /// <param name="SubscriptionId">The local subscription changed.</param>
    /// <param name="Answer">The subscription as the provider has it after the change.</param>
    /// <param name="Selection">The plan asked for, for a plan change; the provider's answer wins where it says otherwise.</param>
    public sealed record Command(string Action, string SubscriptionId, ProviderSubscription Answer, PlanSelection? Selection) : ICommand<SubscriptionDocument>, IAuditedCommand
    {
        AuditTarget IAuditedCommand.Audit => new(Action, "subscription", SubscriptionDocument.CollectionName, SubscriptionId, Atomic: true);
    }

    public sealed class Handler(MongoContext db, IAccountTiers tiers, TimeProvider time) : ICommandHandler<Command, SubscriptionDocument>
    {
        public async ValueTask<SubscriptionDocument> Handle(Command command, CancellationToken cancellationToken)
        {
            var session = AuditTransaction.Required;
            var now = time.GetUtcNow().UtcDateTime;
            var answer = command.Answer;

            // Only a subscription that has not ended meanwhile (the expiry job, a webhook): an
            // ended one keeps its final state, and the user sees the conflict.
            var ended = new ConflictException("subscription", "The subscription ended while the change was being made; the provider's records will settle it.");
            var current = await SubscriptionStore.Subscriptions(db)
                .Find(session, s => s.Id == command.SubscriptionId && s.Status != SubscriptionStatuses.Expired)
                .FirstOrDefaultAsync(cancellationToken) ?? throw ended;
            var update = Builders<SubscriptionDocument>.Update
                .Set(s => s.AutoRenew, !answer.CancelAtPeriodEnd)
                .Set(s => s.UpdatedAt, now);
            if (answer.CurrentPeriodEnd is { } periodEnd)
            {
                update = update.Set(s => s.EndDate, periodEnd);
            }

            update = answer.CancelAtPeriodEnd ? update.Set(s => s.CanceledAt, now) : update.Unset(s => s.CanceledAt);
            // The state the provider's webhook gives the same change: canceled at period end is
            // `canceled` (access until end_date), renewing again is `active`; past due stays past due.
            if (answer.CancelAtPeriodEnd && current.Status == SubscriptionStatuses.Active)
            {
                update = update.Set(s => s.Status, SubscriptionStatuses.Canceled);
            }
            else if (!answer.CancelAtPeriodEnd && current.Status == SubscriptionStatuses.Canceled)
            {
                update = update.Set(s => s.Status, SubscriptionStatuses.Active);
            }

            // The provider's answer is its newest state: a webhook older than it, delivered late,
            // must not take the change back. But the provider's own event for this very change (its
            // whole-second time, by a clock that may run behind ours) must still apply, to settle what
            // it confirms (the plan after proration): the mark is our time in whole seconds, less
            // ProviderClockAllowance, and an event at the mark or later applies.
            var mark = new DateTime(now.Ticks - now.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc) - ProviderClockAllowance;
            update = update.Set(s => s.ProviderUpdatedAt, current.ProviderUpdatedAt is { } last && last > mark ? last : mark);

            if (command.Selection is { } selection)
            {
                update = update
                    .Set(s => s.PlanId, answer.PlanId ?? selection.PlanId)
                    .Set(s => s.BillingPeriod, answer.BillingPeriod ?? selection.BillingPeriod)
                    .Set(s => s.Amount, (double)(answer.Amount ?? selection.Amount))
                    .Set(s => s.Currency, answer.Currency ?? selection.Currency);
            }

            var changed = await SubscriptionStore.Subscriptions(db).FindOneAndUpdateAsync(
                session,
                Builders<SubscriptionDocument>.Filter.Eq(s => s.Id, command.SubscriptionId) & Builders<SubscriptionDocument>.Filter.Eq(s => s.Status, current.Status),
                update,
                new FindOneAndUpdateOptions<SubscriptionDocument> { ReturnDocument = ReturnDocument.After },
                cancellationToken) ?? throw ended;
            await SubscriptionStore.RefreshTierAsync(db, tiers, session, changed.UserId, now, cancellationToken);

            return changed;
        }
    }

    /// <summary>The provider's id of the subscription; a subscription the provider has not yet
    /// confirmed (its webhook not yet arrived) cannot be changed there.</summary>
    public static string ProviderIdOf(SubscriptionDocument subscription) =>
        subscription.ProviderSubscriptionId
        ?? throw new ConflictException("subscription", "The provider has not confirmed this subscription yet; try again in a minute.");
}
