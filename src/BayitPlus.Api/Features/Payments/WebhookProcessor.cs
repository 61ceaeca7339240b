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
}

/// <summary>An event that names a subscription or payment this API has not recorded yet (its
/// creation is still on the way): answered 409, so the provider delivers it again later, when it applies.</summary>
public sealed class WebhookEventEarlyException()
    : ApiException(StatusCodes.Status409Conflict, "Event arrived early", "The event names a subscription this API has not recorded yet; the provider's next delivery applies it.")
{
    public const string ProblemType = "urn:bayitplus:problem:webhook-event-early";
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
/// applied to its state (<c>provider_updated_at</c>); an older one changes no status, period or plan
/// (a payment it reports is still recorded, once). A subscription event applies at the same second
/// as the last one unless it is a creation, which never overwrites a later state. A checkout
/// completion only fills in what is missing once the subscription's own events have arrived.
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
            catch (MongoException error) when (IsDuplicateKey(error))
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
            // With a trial Checkout charges nothing up front: the price is checked on the subscription's own event.
            var priceMatches = selection is not null && (e.Amount == selection.Amount || (e.Amount is 0m && settings.TrialDays > 0));
            if (!priceMatches || e.UserId is null || !Ids.IsValid(e.UserId) || e.ProviderSubscriptionId is null)
            {
                run.Raised.Add(Mismatch(e, e.UserId, e.PlanId, e.BillingPeriod, e.Amount, e.Currency));
                return null;
            }

            var existing = await FindAsync(run, e.Provider, e.ProviderSubscriptionId);
            if (existing is not null)
            {
                // The subscription's own events came first and are the better source: fill in only what they lack.
                await Subscriptions.UpdateOneAsync(run.Session, s => s.Id == existing.Id, Builders<SubscriptionDocument>.Update
                    .Set(s => s.CheckoutSessionId, e.CheckoutSessionId)
                    .Set(s => s.ProviderCustomerId, existing.ProviderCustomerId ?? e.ProviderCustomerId)
                    .Set(s => s.UpdatedAt, run.Now), cancellationToken: run.Token);
                return existing;
            }

            var trial = e.Amount is 0m ? settings.TrialDays : 0;
            var start = e.OccurredAt;
            var end = trial > 0 ? start.AddDays(trial) : selection!.BillingPeriod == BillingPeriods.Yearly ? start.AddYears(1) : start.AddMonths(1);
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
                TrialEnd = trial > 0 ? end : null,
                CreatedAt = run.Now,
                UpdatedAt = run.Now,
            };
            await Subscriptions.InsertOneAsync(run.Session, created, cancellationToken: run.Token);
            await SetTierAsync(run, created, null, isNew: true);
            return created;
        }

        private async Task<SubscriptionDocument?> SubscriptionChangedAsync(Run run, PaymentEvent.SubscriptionChanged e)
        {
            var existing = await FindAsync(run, e.Provider, e.ProviderSubscriptionId);
            var creation = e.EventType.EndsWith(".created", StringComparison.Ordinal) || e.EventType.EndsWith(".CREATED", StringComparison.Ordinal);
            if (existing?.ProviderUpdatedAt is { } last && (e.OccurredAt < last || (creation && e.OccurredAt == last)))
            {
                return existing;
            }

            var selection = e.PlanId is null || e.BillingPeriod is null || e.Currency is null ? null : catalog.Select(e.PlanId, e.BillingPeriod, e.Currency, e.Provider);
            if (selection is not null && e.Amount is { } amount && amount != selection.Amount)
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

            var status = Status(e.ProviderStatus, e.CancelAtPeriodEnd);
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
            var tierBefore = existing is null ? null : Tier(existing);
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
            await SaveAsync(run, after, existing is null);
            await SetTierAsync(run, after, tierBefore, isNew: existing is null);
            return after;
        }

        private async Task<SubscriptionDocument?> SubscriptionEndedAsync(Run run, PaymentEvent.SubscriptionEnded e)
        {
            var existing = await FindAsync(run, e.Provider, e.ProviderSubscriptionId);
            if (existing is null || (existing.ProviderUpdatedAt is { } last && e.OccurredAt < last))
            {
                return existing;
            }

            var tierBefore = Tier(existing);
            existing.Status = SubscriptionStatuses.Expired;
            existing.AutoRenew = false;
            existing.EndDate = e.OccurredAt < existing.EndDate ? e.OccurredAt : existing.EndDate;
            existing.GraceUntil = null;
            existing.CanceledAt ??= e.OccurredAt;
            existing.ProviderUpdatedAt = e.OccurredAt;
            existing.UpdatedAt = run.Now;
            await SaveAsync(run, existing, insert: false);
            await SetTierAsync(run, existing, tierBefore, isNew: false);
            return existing;
        }

        private async Task<SubscriptionDocument?> PaymentSucceededAsync(Run run, PaymentEvent.PaymentSucceeded e)
        {
            var existing = await FindAsync(run, e.Provider, e.ProviderSubscriptionId) ?? throw new WebhookEventEarlyException { Type = WebhookEventEarlyException.ProblemType };
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
                });
            }

            var tierBefore = Tier(existing);
            if (e.PeriodEnd is { } periodEnd && periodEnd > existing.EndDate)
            {
                existing.EndDate = periodEnd;
            }

            if (existing.ProviderUpdatedAt is not { } last || e.OccurredAt >= last)
            {
                if (existing.Status == SubscriptionStatuses.PastDue || (existing.Status == SubscriptionStatuses.Expired && existing.EndDate > run.Now))
                {
                    existing.Status = existing.AutoRenew ? SubscriptionStatuses.Active : SubscriptionStatuses.Canceled;
                }

                existing.GraceUntil = null;
                existing.ProviderUpdatedAt = e.OccurredAt;
            }

            existing.UpdatedAt = run.Now;
            await SaveAsync(run, existing, insert: false);
            await SetTierAsync(run, existing, tierBefore, isNew: false);
            return existing;
        }

        private async Task<SubscriptionDocument?> PaymentFailedAsync(Run run, PaymentEvent.PaymentFailed e)
        {
            var existing = await FindAsync(run, e.Provider, e.ProviderSubscriptionId) ?? throw new WebhookEventEarlyException { Type = WebhookEventEarlyException.ProblemType };
            if (existing.Status == SubscriptionStatuses.Expired || (existing.ProviderUpdatedAt is { } last && e.OccurredAt < last))
            {
                return existing;
            }

            var tierBefore = Tier(existing);
            existing.Status = SubscriptionStatuses.PastDue;
            existing.GraceUntil ??= e.OccurredAt.AddDays(settings.GraceDays);
            existing.ProviderUpdatedAt = e.OccurredAt;
            existing.UpdatedAt = run.Now;
            await SaveAsync(run, existing, insert: false);
            await SetTierAsync(run, existing, tierBefore, isNew: false);
            return existing;
        }

        private async Task<SubscriptionDocument?> RefundedAsync(Run run, PaymentEvent.PaymentRefunded e)
        {
            var payment = await Transactions.Find(run.Session, t => t.ProviderTransactionId == e.ProviderTransactionId && t.TransactionType == PaymentTransactionTypes.Payment)
                .FirstOrDefaultAsync(run.Token);
            if (payment is null)
            {
                // Not a payment of a subscription this API sold (the provider's invoice events record every one first).
                return null;
            }

            foreach (var refund in e.Refunds)
            {
                await RecordOnceAsync(run, new PaymentTransactionDocument
                {
                    UserId = payment.UserId,
                    Amount = (double)refund.Amount,
                    Currency = refund.Currency,
                    TransactionType = PaymentTransactionTypes.Refund,
                    Status = refund.Status == "pending" ? PaymentTransactionStatuses.Pending : PaymentTransactionStatuses.Success,
                    PaymentProvider = e.Provider,
                    ProviderTransactionId = refund.ProviderRefundId,
                    SubscriptionId = payment.SubscriptionId,
                    PlanId = payment.PlanId,
                    RefundOf = payment.ProviderTransactionId,
                    CreatedAt = run.Now,
                });
            }

            // The provider's total so far; a late, older event never lowers it.
            if ((double)e.AmountRefunded > payment.AmountRefunded)
            {
                await Transactions.UpdateOneAsync(run.Session, t => t.Id == payment.Id, Builders<PaymentTransactionDocument>.Update.Set(t => t.AmountRefunded, (double)e.AmountRefunded),
                    cancellationToken: run.Token);
            }

            if (!e.FullyRefunded || payment.SubscriptionId is null)
            {
                return null;
            }

            var subscription = await Subscriptions.Find(run.Session, s => s.Id == payment.SubscriptionId).FirstOrDefaultAsync(run.Token);
            if (subscription is null || subscription.Status == SubscriptionStatuses.Expired)
            {
                return subscription;
            }

            // A payment given back in full takes back what it paid for: the subscription ends now,
            // and the provider, which would renew it, is told so after this commits (the job).
            var tierBefore = Tier(subscription);
            if (subscription.AutoRenew && subscription.ProviderSubscriptionId is not null)
            {
                subscription.ProviderCancelRequestedAt = run.Now;
            }

            subscription.Status = SubscriptionStatuses.Expired;
            subscription.AutoRenew = false;
            subscription.EndDate = run.Now < subscription.EndDate ? run.Now : subscription.EndDate;
            subscription.GraceUntil = null;
            subscription.CanceledAt ??= run.Now;
            subscription.UpdatedAt = run.Now;
            await SaveAsync(run, subscription, insert: false);
            await SetTierAsync(run, subscription, tierBefore, isNew: false);
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

        /// <summary>Sets the account's tier when the change moved it: the plan while the subscription
        /// is active, past due (in its grace) or canceled but paid for; free once it has expired.</summary>
        private async Task SetTierAsync(Run run, SubscriptionDocument after, string? tierBefore, bool isNew)
        {
            var tier = Tier(after);
            if (isNew || tierBefore != tier)
            {
                await tiers.SetTierAsync(run.Session, after.UserId, tier, run.Token);
            }
        }

        private static string? Tier(SubscriptionDocument subscription) => subscription.Status == SubscriptionStatuses.Expired ? null : subscription.PlanId;

        /// <summary>Stripe's and PayPal's subscription statuses in this API's four.</summary>
        private static string Status(string providerStatus, bool cancelAtPeriodEnd) => providerStatus.ToLowerInvariant() switch
        {
            "active" or "trialing" when cancelAtPeriodEnd => SubscriptionStatuses.Canceled,
            "active" or "trialing" => SubscriptionStatuses.Active,
            "past_due" or "unpaid" or "incomplete" or "suspended" => SubscriptionStatuses.PastDue,
            "approval_pending" or "approved" => SubscriptionStatuses.Active,
            _ => SubscriptionStatuses.Expired,
        };

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

    internal static bool IsDuplicateKey(MongoException error) => error switch
    {
        MongoWriteException write => write.WriteError?.Category == ServerErrorCategory.DuplicateKey,
        MongoCommandException command => command.Code == 11000,
        _ => false,
    };
}
