using BayitPlus.Api.Infrastructure.Audit;
using BayitPlus.Api.Infrastructure.Auth;
using BayitPlus.Api.Infrastructure.Errors;
using BayitPlus.Api.Infrastructure.Mongo;
using BayitPlus.Api.Infrastructure.Security;
using Mediator;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.Payments;

/// <summary>The security events the webhooks record.</summary>
public static class PaymentSecurityEvents
{
    /// <summary>A delivery whose signature is missing, forged or stale (high).</summary>
    public const string WebhookSignatureInvalid = "webhook_signature_invalid";

    /// <summary>A signed event whose plan, period, price or user does not match what this API sells
    /// (high): the plan is not granted.</summary>
    public const string PlanMismatch = "payment_plan_mismatch";

    /// <summary>A paid checkout or new subscription of a user who already has a current one (two
    /// checkouts both completed) (high): the new one is refused and cancelled at the provider.</summary>
    public const string DuplicateSubscription = "payment_duplicate_subscription";

    /// <summary>An event still naming nothing this API recorded after <see cref="WebhookEventEarlyException.Window"/>
    /// (medium): acknowledged and left for an operator, so the provider stops redelivering it.</summary>
    public const string OrphanedEvent = "payment_event_orphaned";

    /// <summary>The full refund that ended a subscription failed after the provider had already
    /// cancelled it (high): the customer gets the paid period back without renewal, and an
    /// administrator settles the renewal with them.</summary>
    public const string RefundFailedAfterCancellation = "payment_refund_failed_after_cancellation";

    /// <summary>The provider refused for good to cancel a subscription or refund a payment that
    /// <see cref="ProviderCancellationJob"/> asked for (high): it stops asking, an administrator acts.</summary>
    public const string ProviderRefused = "payment_provider_refused";

    /// <summary>The provider does not know a subscription <see cref="ProviderCancellationJob"/> asked
    /// it to cancel (medium): it stops asking, but an unknown subscription this API recorded usually
    /// means another account, mode or key, which would leave the real one billing.</summary>
    public const string ProviderMissing = "payment_provider_missing";
}

/// <summary>An event that names a subscription or payment this API has not recorded yet (its
/// creation is still on the way): answered 409, so the provider delivers it again later, when it applies.
/// Only while the event is younger than <see cref="Window"/>: what it names may never come (a
/// payment outside any subscription, a subscription this API never stored), and a provider gives up
/// on an endpoint that keeps refusing, so an older one is acknowledged and recorded instead.</summary>
public sealed class WebhookEventEarlyException()
    : ApiException(StatusCodes.Status409Conflict, "Event arrived early", "The event names a subscription this API has not recorded yet; the provider's next delivery applies it.")
{
    public const string ProblemType = "urn:bayitplus:problem:webhook-event-early";

    public static readonly TimeSpan Window = TimeSpan.FromHours(6);
}

/// <summary>
/// Applies one provider event exactly once: the event's marker (<c>paymentwebhookevent</c>, id
/// <c>&lt;provider&gt;:&lt;event id&gt;</c>), its effects on the <c>subscription</c>, the account's
/// <c>subscription_tier</c> and the <c>transaction</c> records, and its audit record commit in one
/// transaction, or none of them do. The marker is written first: a second delivery racing the first
/// conflicts with it and, retried, finds it committed (a duplicate key), so it changes nothing; a
/// delivery whose processing failed leaves no marker, and its redelivery applies it.
/// </summary>
/// <remarks>
/// Events can arrive in any order. The subscription keeps the provider's time of the newest event
/// about the subscription object applied (<c>provider_updated_at</c>) and of the newest payment
/// event (<c>payment_event_at</c>): an older subscription event changes no status, period or plan;
/// a payment event changes the status only when it is newer than both (a payment it reports is
/// still recorded, once), and never holds back a subscription event. A subscription event applies
/// at the same second as the last one unless it is a creation, which never overwrites a later
/// state. A checkout completion only fills in what is missing once the subscription's own events
/// have arrived. A subscription this API refused (<c>refused_reason</c>: a second current one of
/// the user, or a checkout whose price is not on sale) is stored expired, marked for cancellation
/// at the provider, and no later event grants it. The account's tier is recomputed from all the
/// user's subscriptions after every change (<see cref="SubscriptionStore.RefreshTierAsync"/>).
/// </remarks>
public static class ApplyPaymentEvent
{
    public sealed record Command(PaymentEvent Event) : ICommand<Applied>, IAuditedCommand
    {
        AuditTarget IAuditedCommand.Audit => Event switch
        {
            PaymentEvent.PaymentRefunded refunded =>
                new("payment.refunded", "transaction", PaymentTransactionDocument.CollectionName, refunded.ProviderTransactionId, KeyField: "provider_transaction_id", Atomic: true),
            _ => new(ActionType(Event), "subscription", SubscriptionDocument.CollectionName, ProviderSubscriptionId(Event), KeyField: "provider_subscription_id", Atomic: true),
        };
    }

    /// <summary>What the event did; its id is the audit record's resource when the event names no subscription.</summary>
    public sealed record Applied(string Id) : IHasId;

    /// <summary>The audit action of an event: <c>payment.&lt;what happened&gt;</c>.</summary>
    public static string ActionType(PaymentEvent paymentEvent) => paymentEvent switch
    {
        PaymentEvent.CheckoutCompleted => "payment.checkout_completed",
        PaymentEvent.SubscriptionChanged => "payment.subscription_changed",
        PaymentEvent.SubscriptionEnded => "payment.subscription_ended",
        PaymentEvent.PaymentSucceeded => "payment.succeeded",
        PaymentEvent.PaymentFailed => "payment.failed",
        PaymentEvent.PaymentRefunded => "payment.refunded",
        _ => "payment.event",
    };

    public static string MarkerId(PaymentEvent paymentEvent) => $"{paymentEvent.Provider}:{paymentEvent.EventId}";

    private static string? ProviderSubscriptionId(PaymentEvent paymentEvent) => paymentEvent switch
    {
        PaymentEvent.CheckoutCompleted e => e.ProviderSubscriptionId,
        PaymentEvent.SubscriptionChanged e => e.ProviderSubscriptionId,
        PaymentEvent.SubscriptionEnded e => e.ProviderSubscriptionId,
        PaymentEvent.PaymentSucceeded e => e.ProviderSubscriptionId,
        PaymentEvent.PaymentFailed e => e.ProviderSubscriptionId,
        _ => null,
    };

    /// <summary>The event was applied before (its marker is committed): nothing was changed.</summary>
    public sealed class AlreadyAppliedException() : Exception("The event was applied before.");

    public sealed class Handler(MongoContext db, PaymentsSettings settings, PlanCatalog catalog, IAccountTiers tiers, ISecurityEvents events, TimeProvider time)
        : ICommandHandler<Command, Applied>
    {
        private IMongoCollection<SubscriptionDocument> Subscriptions => db.Collection<SubscriptionDocument>(SubscriptionDocument.CollectionName);

        private IMongoCollection<PaymentTransactionDocument> Transactions => db.Collection<PaymentTransactionDocument>(PaymentTransactionDocument.CollectionName);

        public async ValueTask<Applied> Handle(Command command, CancellationToken cancellationToken)
        {
            var session = AuditTransaction.Required;
            var paymentEvent = command.Event;
            var now = time.GetUtcNow().UtcDateTime;
            await MarkAsync(session, paymentEvent, now, cancellationToken);
            var run = new Run(session, now, [], cancellationToken);
            var subscription = paymentEvent switch
            {
                PaymentEvent.CheckoutCompleted e => await CheckoutCompletedAsync(run, e),
                PaymentEvent.SubscriptionChanged e => await SubscriptionChangedAsync(run, e),
                PaymentEvent.SubscriptionEnded e => await SubscriptionEndedAsync(run, e),
                PaymentEvent.PaymentSucceeded e => await PaymentSucceededAsync(run, e),
                PaymentEvent.PaymentFailed e => await PaymentFailedAsync(run, e),
                PaymentEvent.PaymentRefunded e => await RefundedAsync(run, e),
                _ => null,
            };
            var raised = run.Raised;
            AuditTransaction.AfterCommit(() => raised.ForEach(events.Record));
            return new Applied(subscription?.Id ?? MarkerId(paymentEvent));
        }

        private sealed record Run(IClientSessionHandle Session, DateTime Now, List<SecurityEvent> Raised, CancellationToken Token);

        /// <summary>Inserts the marker; one already committed is a duplicate key: the event is done.</summary>
        private async Task MarkAsync(IClientSessionHandle session, PaymentEvent paymentEvent, DateTime now, CancellationToken cancellationToken)
        {
            var marker = new BsonDocument
            {
                ["_id"] = MarkerId(paymentEvent),
                ["provider"] = paymentEvent.Provider,
                ["event_id"] = paymentEvent.EventId,
                ["event_type"] = paymentEvent.EventType,
                ["occurred_at"] = paymentEvent.OccurredAt,
                ["processed_at"] = now,
            };
            try
            {
                await db.Collection<BsonDocument>(PaymentWebhookEventDocument.CollectionName).InsertOneAsync(session, marker, cancellationToken: cancellationToken);
            }
            catch (MongoException error) when (MongoErrors.IsDuplicateKey(error))
            {
                throw new AlreadyAppliedException();
            }
        }

        private async Task<SubscriptionDocument?> FindAsync(Run run, string provider, string? providerSubscriptionId) => providerSubscriptionId is null
            ? null
            : await Subscriptions.Find(run.Session, s => s.PaymentMethod == provider && s.ProviderSubscriptionId == providerSubscriptionId).FirstOrDefaultAsync(run.Token);

        private async Task<SubscriptionDocument?> CheckoutCompletedAsync(Run run, PaymentEvent.CheckoutCompleted e)
        {
            var selection = e.PlanId is null || e.BillingPeriod is null || e.Currency is null ? null : catalog.Select(e.PlanId, e.BillingPeriod, e.Currency, e.Provider);
            var priceMatches = selection is not null && selection.IsBoughtBy(e.Items);
            if (!priceMatches || e.UserId is null || !Ids.IsValid(e.UserId) || e.ProviderSubscriptionId is null)
            {
                run.Raised.Add(Mismatch(e, e.UserId, e.PlanId, e.BillingPeriod, e.Amount, e.Currency));
            }

            if (e.UserId is null || !Ids.IsValid(e.UserId) || e.ProviderSubscriptionId is null)
            {
                return null;
            }

            var existing = await FindAsync(run, e.Provider, e.ProviderSubscriptionId);
            if (!priceMatches)
            {
                // The provider would go on billing a plan this API does not grant: it is cancelled there.
                return await RefuseAsync(run, existing, SubscriptionRefusals.PlanMismatch, new Refused(
                    e.Provider, e.ProviderSubscriptionId, e.UserId, e.PlanId, e.BillingPeriod, e.Amount, e.Currency, e.ProviderCustomerId, e.CheckoutSessionId, e.OccurredAt));
            }

            if (existing is null && await SubscriptionStore.FindCurrentAsync(db, e.UserId, run.Now, run.Token, run.Session) is not null)
            {
                run.Raised.Add(Duplicate(e, e.UserId));
                return await RefuseAsync(run, null, SubscriptionRefusals.AnotherCurrent, new Refused(
                    e.Provider, e.ProviderSubscriptionId, e.UserId, selection!.PlanId, selection.BillingPeriod, selection.Amount, selection.Currency, e.ProviderCustomerId,
                    e.CheckoutSessionId, e.OccurredAt));
            }

            if (existing is not null)
            {
                // The subscription's own events came first and are the better source: fill in only what they lack.
                await Subscriptions.UpdateOneAsync(run.Session, s => s.Id == existing.Id, Builders<SubscriptionDocument>.Update
                    .Set(s => s.CheckoutSessionId, e.CheckoutSessionId)
                    .Set(s => s.ProviderCustomerId, existing.ProviderCustomerId ?? e.ProviderCustomerId)
                    .Set(s => s.UpdatedAt, run.Now), cancellationToken: run.Token);
                return existing;
            }

            // A trial only as the provider reports it: a total of 0 may as well be a first period a
            // promotion code paid in full. A Stripe session says neither; its subscription's own
            // event (trial_end, trialing) then sets the trial and the period's end.
            var start = e.OccurredAt;
            var end = e.TrialEnd ?? (selection!.BillingPeriod == BillingPeriods.Yearly ? start.AddYears(1) : start.AddMonths(1));
            var created = new SubscriptionDocument
            {
                UserId = e.UserId.ToLowerInvariant(),
                PlanId = selection!.PlanId,
                Status = SubscriptionStatuses.Active,
                StartDate = start,
                EndDate = end,
                AutoRenew = true,
                PaymentMethod = e.Provider,
                Amount = (double)selection.Amount,
                Currency = selection.Currency,
                BillingPeriod = selection.BillingPeriod,
                ProviderSubscriptionId = e.ProviderSubscriptionId,
                ProviderCustomerId = e.ProviderCustomerId,
                CheckoutSessionId = e.CheckoutSessionId,
                TrialEnd = e.TrialEnd,
                CreatedAt = run.Now,
                UpdatedAt = run.Now,
            };
            await Subscriptions.InsertOneAsync(run.Session, created, cancellationToken: run.Token);
            await RefreshTierAsync(run, created.UserId);
            return created;
        }

        private async Task<SubscriptionDocument?> SubscriptionChangedAsync(Run run, PaymentEvent.SubscriptionChanged e)
        {
            var existing = await FindAsync(run, e.Provider, e.ProviderSubscriptionId);
            var creation = e.EventType is global::Stripe.EventTypes.CustomerSubscriptionCreated or PayPalEvents.SubscriptionCreated;
            if (existing?.RefusedReason is not null || (existing?.ProviderUpdatedAt is { } last && (e.OccurredAt < last || (creation && e.OccurredAt == last))))
            {
                return existing;
            }

            // Not yet paid (Stripe's incomplete) or a status this API does not know: nothing to grant or change.
            if (Status(e.ProviderStatus, e.CancelAtPeriodEnd) is not { } status)
            {
                return existing;
            }

            var selection = e.PlanId is null || e.BillingPeriod is null || e.Currency is null ? null : catalog.Select(e.PlanId, e.BillingPeriod, e.Currency, e.Provider);
            if (selection is not null && !selection.IsBoughtBy(e.Items))
            {
                selection = null;
            }

            var userId = existing?.UserId ?? e.UserId;
            if (selection is null && existing is null)
            {
                run.Raised.Add(Mismatch(e, e.UserId, e.PlanId, e.BillingPeriod, e.Amount, e.Currency));
                return null;
            }

            if (userId is null || !Ids.IsValid(userId))
            {
                return existing;
            }

            if (selection is null)
            {
                // A plan or price this API does not sell: the state still follows the provider, the plan stays.
                run.Raised.Add(Mismatch(e, userId, e.PlanId, e.BillingPeriod, e.Amount, e.Currency));
            }

            if (existing is null && status != SubscriptionStatuses.Expired && await SubscriptionStore.FindCurrentAsync(db, userId, run.Now, run.Token, run.Session) is not null)
            {
                run.Raised.Add(Duplicate(e, userId));
                return await RefuseAsync(run, null, SubscriptionRefusals.AnotherCurrent, new Refused(
                    e.Provider, e.ProviderSubscriptionId, userId, selection!.PlanId, selection.BillingPeriod, selection.Amount, selection.Currency, null, null, e.OccurredAt));
            }

            var after = existing ?? new SubscriptionDocument
            {
                UserId = userId.ToLowerInvariant(),
                PlanId = selection!.PlanId,
                Status = status,
                PaymentMethod = e.Provider,
                Currency = selection.Currency,
                BillingPeriod = selection.BillingPeriod,
                ProviderSubscriptionId = e.ProviderSubscriptionId,
                StartDate = e.CurrentPeriodStart ?? e.OccurredAt,
                EndDate = e.CurrentPeriodEnd ?? e.OccurredAt,
                CreatedAt = run.Now,
            };
            if (selection is not null)
            {
                (after.PlanId, after.BillingPeriod, after.Amount, after.Currency) = (selection.PlanId, selection.BillingPeriod, (double)selection.Amount, selection.Currency);
            }

            after.Status = status;
            after.AutoRenew = !e.CancelAtPeriodEnd && status is SubscriptionStatuses.Active or SubscriptionStatuses.PastDue;
            after.EndDate = e.CurrentPeriodEnd ?? after.EndDate;
            after.TrialEnd = e.TrialEnd ?? after.TrialEnd;
            after.GraceUntil = status == SubscriptionStatuses.PastDue ? after.GraceUntil ?? e.OccurredAt.AddDays(settings.GraceDays) : null;
            after.CanceledAt = status is SubscriptionStatuses.Canceled or SubscriptionStatuses.Expired ? after.CanceledAt ?? e.OccurredAt : null;
            after.ProviderUpdatedAt = e.OccurredAt;
            after.UpdatedAt = run.Now;
            if (status != SubscriptionStatuses.Expired)
            {
                // The provider's later state is the subscription's now: a failed refund no longer restores an older one.
                after.EndedByRefund = null;
            }

            await SaveAsync(run, after, existing is null);
            await RefreshTierAsync(run, after.UserId);
            return after;
        }

        private async Task<SubscriptionDocument?> SubscriptionEndedAsync(Run run, PaymentEvent.SubscriptionEnded e)
        {
            var existing = await FindAsync(run, e.Provider, e.ProviderSubscriptionId);
            if (existing is null || existing.RefusedReason is not null || (existing.ProviderUpdatedAt is { } last && e.OccurredAt < last))
            {
                return existing;
            }

            existing.Status = SubscriptionStatuses.Expired;
            existing.AutoRenew = false;
            existing.EndDate = e.OccurredAt < existing.EndDate ? e.OccurredAt : existing.EndDate;
            existing.GraceUntil = null;
            existing.CanceledAt ??= e.OccurredAt;
            existing.ProviderUpdatedAt = e.OccurredAt;
            existing.UpdatedAt = run.Now;
            await SaveAsync(run, existing, insert: false);
            await RefreshTierAsync(run, existing.UserId);
            return existing;
        }

        private async Task<SubscriptionDocument?> PaymentSucceededAsync(Run run, PaymentEvent.PaymentSucceeded e)
        {
            var existing = await FindAsync(run, e.Provider, e.ProviderSubscriptionId);
            if (existing is null)
            {
                return Orphaned(run, e);
            }
            if (e.Amount > 0)
            {
                await RecordOnceAsync(run, new PaymentTransactionDocument
                {
                    UserId = existing.UserId,
                    Amount = (double)e.Amount,
                    Currency = e.Currency,
                    TransactionType = PaymentTransactionTypes.Payment,
                    Status = PaymentTransactionStatuses.Success,
                    PaymentProvider = e.Provider,
                    ProviderTransactionId = e.ProviderTransactionId,
                    SubscriptionId = existing.Id,
                    PlanId = existing.PlanId,
                    CreatedAt = run.Now,
                    AutoRefundRequestedAt = existing.RefusedReason is null ? null : run.Now,
                });
            }

            if (existing.RefusedReason is not null)
            {
                return existing;
            }

            if (e.PeriodEnd is { } periodEnd && periodEnd > existing.EndDate)
            {
                // A period paid after a full refund ended the subscription is kept even if that refund fails.
                existing.EndDate = periodEnd;
                existing.EndedByRefund = null;
            }

            if (e.OccurredAt >= Latest(existing))
            {
                if (existing.Status == SubscriptionStatuses.PastDue || (existing.Status == SubscriptionStatuses.Expired && existing.EndDate > run.Now))
                {
                    existing.Status = existing.AutoRenew ? SubscriptionStatuses.Active : SubscriptionStatuses.Canceled;
                }

                existing.GraceUntil = null;
            }

            existing.PaymentEventAt = existing.PaymentEventAt is { } paidAt && paidAt > e.OccurredAt ? paidAt : e.OccurredAt;
            existing.UpdatedAt = run.Now;
            await SaveAsync(run, existing, insert: false);
            await RefreshTierAsync(run, existing.UserId);
            return existing;
        }

        private async Task<SubscriptionDocument?> PaymentFailedAsync(Run run, PaymentEvent.PaymentFailed e)
        {
            var existing = await FindAsync(run, e.Provider, e.ProviderSubscriptionId);
            if (existing is null)
            {
                return Orphaned(run, e);
            }
            if (existing.Status == SubscriptionStatuses.Expired || e.OccurredAt < Latest(existing))
            {
                return existing;
            }

            existing.Status = SubscriptionStatuses.PastDue;
            existing.GraceUntil ??= e.OccurredAt.AddDays(settings.GraceDays);
            existing.PaymentEventAt = e.OccurredAt;
            existing.UpdatedAt = run.Now;
            await SaveAsync(run, existing, insert: false);
            await RefreshTierAsync(run, existing.UserId);
            return existing;
        }

        private async Task<SubscriptionDocument?> RefundedAsync(Run run, PaymentEvent.PaymentRefunded e)
        {
            // The payment's own event (invoice.paid, PAYMENT.SALE.COMPLETED) is still on the way: 409,
            // so that the provider delivers the refund again once the payment is recorded.
            var payment = await Transactions.Find(run.Session, t => t.ProviderTransactionId == e.ProviderTransactionId && t.TransactionType == PaymentTransactionTypes.Payment)
                .FirstOrDefaultAsync(run.Token);
            if (payment is null)
            {
                return Orphaned(run, e);
            }

            var failed = false;
            foreach (var refund in e.Refunds)
            {
                failed |= await RecordRefundOnceAsync(run, payment, e, refund);
            }

            var refunded = await RefundedAmountAsync(run, payment, e, failed);
            if (refunded != payment.AmountRefunded)
            {
                await Transactions.UpdateOneAsync(run.Session, t => t.Id == payment.Id, Builders<PaymentTransactionDocument>.Update.Set(t => t.AmountRefunded, refunded),
                    cancellationToken: run.Token);
            }

            var covered = SubscriptionStore.Money(refunded) >= SubscriptionStore.Money(payment.Amount);
            if (payment.SubscriptionId is null || (failed && covered))
            {
                return null;
            }

            var subscription = await Subscriptions.Find(run.Session, s => s.Id == payment.SubscriptionId).FirstOrDefaultAsync(run.Token);
            if (failed)
            {
                return await RestoreAfterFailedRefundAsync(run, payment, subscription);
            }

            // Given back in full only when the provider says so and the refunds that count add up to it.
            if (!e.FullyRefunded || !covered)
            {
                return null;
            }

            if (subscription is null || subscription.Status == SubscriptionStatuses.Expired)
            {
                return subscription;
            }

            // A payment given back in full takes back what it paid for: the subscription ends now,
            // and the provider, which would renew it, is told so after this commits (the job).
            subscription.EndedByRefund = new RefundEnding
            {
                PaymentId = payment.ProviderTransactionId!,
                Status = subscription.Status,
                EndDate = subscription.EndDate,
                AutoRenew = subscription.AutoRenew,
                GraceUntil = subscription.GraceUntil,
                CanceledAt = subscription.CanceledAt,
            };
            if (subscription.AutoRenew && subscription.ProviderSubscriptionId is not null)
            {
                subscription.ProviderCancelRefusal = null;
                subscription.ProviderCancelRequestedAt = run.Now;
                subscription.EndedByRefund.CancelRequestedAt = run.Now;
            }

            subscription.Status = SubscriptionStatuses.Expired;
            subscription.AutoRenew = false;
            subscription.EndDate = run.Now < subscription.EndDate ? run.Now : subscription.EndDate;
            subscription.GraceUntil = null;
            subscription.CanceledAt ??= run.Now;
            subscription.UpdatedAt = run.Now;
            await SaveAsync(run, subscription, insert: false);
            await RefreshTierAsync(run, subscription.UserId);
            return subscription;
        }

        /// <summary>
        /// The full refund that ended the subscription failed: the customer kept paying for it. While
        /// the provider has not cancelled it (the mark the refund set is still there, it was not
        /// renewing, or the provider refused for good to cancel it), restoring is safe: the mark goes
        /// and the subscription is again what it was (a job pass already calling the provider may
        /// still cancel it there; the provider's deletion event then ends it here like any cancellation).
        /// Once the provider has cancelled it (the job ran, or its own end arrived), a subscription
        /// renewing here would never be billed there again, so it is given back its paid period without
        /// renewal, and an administrator is told (high) to settle the renewal with the customer.
        /// Either way it keeps the later of its end dates; a later event that renewed it or reported
        /// it running has already dropped the snapshot (<c>ended_by_refund</c>), and nothing is restored.
        /// </summary>
        private async Task<SubscriptionDocument?> RestoreAfterFailedRefundAsync(Run run, PaymentTransactionDocument payment, SubscriptionDocument? subscription)
        {
            if (subscription?.EndedByRefund is not { } ending || ending.PaymentId != payment.ProviderTransactionId)
            {
                return subscription;
            }

            var endDate = ending.EndDate > subscription.EndDate ? ending.EndDate : subscription.EndDate;
            var refusedToCancel = subscription.ProviderCancelRefusal is { } refusal && !refusal.StartsWith(ProviderCancellationJob.Gone, StringComparison.Ordinal);
            if (ending.CancelRequestedAt is null || subscription.ProviderCancelRequestedAt == ending.CancelRequestedAt || refusedToCancel)
            {
                (subscription.Status, subscription.EndDate, subscription.AutoRenew, subscription.GraceUntil, subscription.CanceledAt) =
                    (ending.Status, endDate, ending.AutoRenew, ending.GraceUntil, ending.CanceledAt);
                subscription.ProviderCancelRequestedAt = null;
            }
            else
            {
                subscription.Status = endDate > run.Now ? SubscriptionStatuses.Canceled : SubscriptionStatuses.Expired;
                (subscription.EndDate, subscription.AutoRenew, subscription.GraceUntil) = (endDate, false, null);
                run.Raised.Add(new SecurityEvent(PaymentSecurityEvents.RefundFailedAfterCancellation, Severity.High, subscription.UserId, null, new BsonDocument
                {
                    ["provider"] = subscription.PaymentMethod,
                    ["subscription_id"] = subscription.Id,
                    ["provider_subscription_id"] = (BsonValue?)subscription.ProviderSubscriptionId ?? BsonNull.Value,
                    ["payment_id"] = ending.PaymentId,
                }));
            }

            subscription.EndedByRefund = null;
            subscription.UpdatedAt = run.Now;
            await SaveAsync(run, subscription, insert: false);
            await RefreshTierAsync(run, subscription.UserId);
            return subscription;
        }

        /// <summary>What is known of a subscription this API refuses, from the event that started it.</summary>
        private sealed record Refused(
            string Provider, string ProviderSubscriptionId, string UserId, string? PlanId, string? BillingPeriod, decimal? Amount, string? Currency,
            string? ProviderCustomerId, string? CheckoutSessionId, DateTime OccurredAt);

        /// <summary>Stores the subscription as refused (expired, never granted) and marks it for
        /// <see cref="ProviderCancellationJob"/>, which stops the provider billing it. The money
        /// already taken is not given back here: the first payment's event may not have arrived yet
        /// (it is recorded under this subscription when it does), and an administrator refunds it
        /// through the refund endpoint after looking at the security event.</summary>
        private async Task<SubscriptionDocument> RefuseAsync(Run run, SubscriptionDocument? existing, string reason, Refused refused)
        {
            if (existing?.RefusedReason is not null)
            {
                return existing;
            }

            var subscription = existing ?? new SubscriptionDocument
            {
                UserId = refused.UserId.ToLowerInvariant(),
                PlanId = refused.PlanId ?? "",
                Status = SubscriptionStatuses.Expired,
                StartDate = refused.OccurredAt,
                EndDate = refused.OccurredAt,
                PaymentMethod = refused.Provider,
                Amount = (double)(refused.Amount ?? 0m),
                Currency = refused.Currency ?? "",
                BillingPeriod = refused.BillingPeriod ?? "",
                ProviderSubscriptionId = refused.ProviderSubscriptionId,
                ProviderCustomerId = refused.ProviderCustomerId,
                CheckoutSessionId = refused.CheckoutSessionId,
                CreatedAt = run.Now,
            };
            subscription.Status = SubscriptionStatuses.Expired;
            subscription.AutoRenew = false;
            subscription.EndDate = run.Now < subscription.EndDate ? run.Now : subscription.EndDate;
            subscription.GraceUntil = null;
            subscription.CanceledAt ??= run.Now;
            subscription.RefusedReason = reason;
            subscription.ProviderCancelRequestedAt = run.Now;
            subscription.UpdatedAt = run.Now;
            await SaveAsync(run, subscription, existing is null);
            if (existing is not null)
            {
                // Paid before it was refused: those payments go back too.
                await Transactions.UpdateManyAsync(
                    run.Session,
                    t => t.SubscriptionId == subscription.Id && t.TransactionType == PaymentTransactionTypes.Payment && t.Status == PaymentTransactionStatuses.Success && t.AmountRefunded == 0,
                    Builders<PaymentTransactionDocument>.Update.Set(t => t.AutoRefundRequestedAt, run.Now),
                    cancellationToken: run.Token);
            }

            await RefreshTierAsync(run, subscription.UserId);
            return subscription;
        }

        /// <summary>Inserts the record unless one already holds its <c>provider_transaction_id</c>
        /// (the unique index would abort the whole transaction, so it is looked for first).</summary>
        private async Task RecordOnceAsync(Run run, PaymentTransactionDocument record)
        {
            var exists = await Transactions.Find(run.Session, t => t.ProviderTransactionId == record.ProviderTransactionId).AnyAsync(run.Token);
            if (!exists)
            {
                await Transactions.InsertOneAsync(run.Session, record, cancellationToken: run.Token);
            }
        }

        /// <summary>A refund is recorded once; a later event carries its new status, which updates
        /// that record only forward (pending to succeeded or failed, succeeded to failed): a failed
        /// record never changes again, one whose failure arrived first is recorded failed, so a late
        /// event listing it pending or succeeded cannot bring it back, and a late event listing a
        /// succeeded one pending leaves it succeeded. Answers whether this event is the first to report it failed.</summary>
        private async Task<bool> RecordRefundOnceAsync(Run run, PaymentTransactionDocument payment, PaymentEvent.PaymentRefunded e, ProviderRefund refund)
        {
            var status = RefundStatus(refund.Status);
            var known = await Transactions.Find(run.Session, t => t.ProviderTransactionId == refund.ProviderRefundId).FirstOrDefaultAsync(run.Token);
            if (known is not null && (known.TransactionType != PaymentTransactionTypes.Refund || !Counts(known) || known.Status == status || status == PaymentTransactionStatuses.Pending))
            {
                return false;
            }

            DateTime? failedAt = status == PaymentTransactionStatuses.Failed ? e.OccurredAt : null;
            if (known is null)
            {
                await Transactions.InsertOneAsync(run.Session, new PaymentTransactionDocument
                {
                    UserId = payment.UserId,
                    Amount = (double)refund.Amount,
                    Currency = refund.Currency,
                    TransactionType = PaymentTransactionTypes.Refund,
                    Status = status,
                    PaymentProvider = e.Provider,
                    ProviderTransactionId = refund.ProviderRefundId,
                    SubscriptionId = payment.SubscriptionId,
                    PlanId = payment.PlanId,
                    RefundOf = payment.ProviderTransactionId,
                    FailedAt = failedAt,
                    CreatedAt = run.Now,
                }, cancellationToken: run.Token);
            }
            else
            {
                await Transactions.UpdateOneAsync(run.Session, t => t.Id == known.Id,
                    Builders<PaymentTransactionDocument>.Update.Set(t => t.Status, status).Set(t => t.FailedAt, failedAt), cancellationToken: run.Token);
            }

            if (failedAt is null)
            {
                return false;
            }

            await ReleaseFailedRequestAsync(run, payment.Id, refund.ProviderRefundId);
            return true;
        }

        /// <summary>The one rule of what counts as given back: a refund counts unless it is recorded failed.</summary>
        private static bool Counts(PaymentTransactionDocument refund) => refund.Status != PaymentTransactionStatuses.Failed;

        /// <summary>
        /// The payment's <c>amount_refunded</c> after the event: the provider's total less the refunds
        /// that total still counts though they failed (an event from before their failure, delivered
        /// late), and never lower than before (an older event lists fewer refunds). A refund failing
        /// now lowers it first to what the refunds that count add up to.
        /// </summary>
        private async Task<double> RefundedAmountAsync(Run run, PaymentTransactionDocument payment, PaymentEvent.PaymentRefunded e, bool failedNow)
        {
            var refunds = await Transactions.Find(run.Session, t => t.RefundOf == payment.ProviderTransactionId && t.TransactionType == PaymentTransactionTypes.Refund)
                .ToListAsync(run.Token);
            var failedSince = refunds.Where(t => !Counts(t) && t.FailedAt >= e.OccurredAt).Sum(t => SubscriptionStore.Money(t.Amount));
            var reported = Math.Max(0m, e.AmountRefunded - failedSince);
            var before = SubscriptionStore.Money(payment.AmountRefunded);
            if (failedNow)
            {
                before = Math.Min(before, refunds.Where(Counts).Sum(t => SubscriptionStore.Money(t.Amount)));
            }

            return (double)Math.Max(before, reported);
        }

        /// <summary>An admin's refund (<see cref="RefundTransaction"/>) that the provider reports failed
        /// gives its amount back to the payment's refundable rest: its request entry is marked
        /// <c>failed</c> and its amount leaves <c>requested</c>, once (an entry already failed is skipped).
        /// A failure reported before the entry was written (the provider's answer still on the way) is
        /// noted on the request document, and <see cref="RecordRefundRequest"/> releases the entry it writes.</summary>
        private async Task ReleaseFailedRequestAsync(Run run, string paymentId, string providerRefundId)
        {
            var requests = await RefundTransaction.Requests(db).Find(run.Session, r => r.Id == paymentId).FirstOrDefaultAsync(run.Token);
            if (requests is null)
            {
                return;
            }

            var entry = requests.Requests.FirstOrDefault(r => r.ProviderRefundId == providerRefundId);
            var update = Builders<PaymentRefundRequestDocument>.Update;
            if (entry is null)
            {
                await RefundTransaction.Requests(db).UpdateOneAsync(run.Session, r => r.Id == paymentId, update.AddToSet(r => r.FailedRefundIds, providerRefundId), cancellationToken: run.Token);
                return;
            }

            if (entry.Status == RefundRequestEntry.Failed)
            {
                return;
            }

            entry.Status = RefundRequestEntry.Failed;
            await RefundTransaction.Requests(db).UpdateOneAsync(run.Session, r => r.Id == paymentId,
                update.Inc(r => r.Requested, -entry.Amount).Set(r => r.Requests, requests.Requests), cancellationToken: run.Token);
        }

        /// <summary>A provider refund's status (Stripe's words; PayPal's are mapped to them) as a record's.
        /// <see cref="RecordRefundRequest"/> reads the provider's immediate answer the same way.
        /// Only the provider's own final words fail a refund: any other (<c>requires_action</c>, a
        /// status added later) is still pending, since a failed record never changes again and
        /// gives its reservation back.</summary>
        internal static string RefundStatus(string providerStatus) => providerStatus switch
        {
            "succeeded" => PaymentTransactionStatuses.Success,
            "failed" or "canceled" => PaymentTransactionStatuses.Failed,
            _ => PaymentTransactionStatuses.Pending,
        };

        private async Task SaveAsync(Run run, SubscriptionDocument subscription, bool insert)
        {
            if (insert)
            {
                await Subscriptions.InsertOneAsync(run.Session, subscription, cancellationToken: run.Token);
            }
            else
            {
                await Subscriptions.ReplaceOneAsync(run.Session, s => s.Id == subscription.Id, subscription, cancellationToken: run.Token);
            }
        }

        private Task RefreshTierAsync(Run run, string userId) => SubscriptionStore.RefreshTierAsync(db, tiers, run.Session, userId, run.Now, run.Token);

        /// <summary>The provider's time of the newest event applied to the subscription, of either kind.</summary>
        private static DateTime Latest(SubscriptionDocument subscription) =>
            new[] { subscription.ProviderUpdatedAt, subscription.PaymentEventAt }.Max() ?? DateTime.MinValue;

        /// <summary>Stripe's and PayPal's (normalized) subscription statuses in this API's four; null
        /// for one not paid yet (Stripe's <c>incomplete</c>) or unknown, which grants nothing.</summary>
        private static string? Status(string providerStatus, bool cancelAtPeriodEnd) => providerStatus.ToLowerInvariant() switch
        {
            "active" or "trialing" when cancelAtPeriodEnd => SubscriptionStatuses.Canceled,
            "active" or "trialing" => SubscriptionStatuses.Active,
            "past_due" or "unpaid" => SubscriptionStatuses.PastDue,
            "canceled" or "incomplete_expired" or "paused" => SubscriptionStatuses.Expired,
            _ => null,
        };

        /// <summary>What names nothing recorded: early (409, redelivered) while young, then
        /// acknowledged with a security event (the marker commits; nothing else changes).</summary>
        private static SubscriptionDocument? Orphaned(Run run, PaymentEvent e)
        {
            if (run.Now - e.OccurredAt < WebhookEventEarlyException.Window)
            {
                throw new WebhookEventEarlyException { Type = WebhookEventEarlyException.ProblemType };
            }

            run.Raised.Add(new SecurityEvent(PaymentSecurityEvents.OrphanedEvent, Severity.Medium, null, null, new BsonDocument
            {
                ["provider"] = e.Provider,
                ["event_id"] = e.EventId,
                ["event_type"] = e.EventType,
                ["occurred_at"] = e.OccurredAt,
            }));
            return null;
        }

        private static SecurityEvent Duplicate(PaymentEvent e, string userId) =>
            new(PaymentSecurityEvents.DuplicateSubscription, Severity.High, userId.ToLowerInvariant(), null, new BsonDocument
            {
                ["provider"] = e.Provider,
                ["event_id"] = e.EventId,
                ["event_type"] = e.EventType,
            });

        private static SecurityEvent Mismatch(PaymentEvent e, string? userId, string? planId, string? billingPeriod, decimal? amount, string? currency) =>
            new(PaymentSecurityEvents.PlanMismatch, Severity.High, userId is not null && Ids.IsValid(userId) ? userId.ToLowerInvariant() : null, null, new BsonDocument
            {
                ["provider"] = e.Provider,
                ["event_id"] = e.EventId,
                ["event_type"] = e.EventType,
                ["plan_id"] = (BsonValue?)planId ?? BsonNull.Value,
                ["billing_period"] = (BsonValue?)billingPeriod ?? BsonNull.Value,
                ["amount"] = amount is { } a ? (double)a : BsonNull.Value,
                ["currency"] = (BsonValue?)currency ?? BsonNull.Value,
            });
    }
}
