using BayitPlus.Api.Infrastructure.Errors;
using BayitPlus.Api.Infrastructure.Mongo;
using BayitPlus.Api.Infrastructure.Security;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.Payments;

/// <summary>
/// Cancels at the provider the subscriptions a full refund ended here, or the webhook processor
/// refused (a second current subscription, a checkout whose price is not on sale)
/// (<c>provider_cancel_requested_at</c>), so the provider stops billing them, then clears the mark;
/// and refunds in full the payments of refused subscriptions (<c>auto_refund_requested_at</c>).
/// The webhook that ended them cannot call the provider itself: its transaction may be retried, and
/// a provider that is down would lose the cancellation. Runs every <c>Payments:JobInterval</c>. A
/// provider that cannot answer now (<see cref="ProviderFailure.Transient"/>) or is not configured
/// keeps the mark for the next pass; one that answers the subscription or payment is gone or already
/// as asked (<see cref="ProviderFailure.Gone"/>) is done; one that refuses for good
/// (<see cref="ProviderFailure.Refused"/>) is asked no more: the mark goes, the refusal is stored
/// with the record and an administrator is told (high). Cancelling twice (two instances, or a pass
/// after a crash) is harmless: the provider's subscription is already ended.
/// </summary>
public sealed partial class ProviderCancellationJob(
    MongoContext db, PaymentProviders providers, DatabaseReadiness readiness, PaymentsSettings settings, TimeProvider time, ISecurityEvents events,
    ILogger<ProviderCancellationJob> logger)
    : PeriodicDatabaseJob(readiness, settings.JobInterval, time, logger)
{
    protected override string Work => "Cancelling refunded or refused subscriptions at their provider";

    /// <summary>One pass; returns how many subscriptions the providers confirmed as cancelled and
    /// how many payments they accepted to refund.</summary>
    public override async Task<int> RunOnceAsync(CancellationToken ct) => await CancelAsync(ct) + await RefundAsync(ct);

    private async Task<int> CancelAsync(CancellationToken ct)
    {
        var filter = Builders<SubscriptionDocument>.Filter;
        var pending = await SubscriptionStore.Subscriptions(db)
            .Find(filter.Gt(s => s.ProviderCancelRequestedAt, DateTime.MinValue))
            .Project(s => new { s.Id, s.UserId, s.PaymentMethod, s.ProviderSubscriptionId, s.ProviderCancelRequestedAt })
            .ToListAsync(ct);
        var cancelled = 0;
        foreach (var subscription in pending)
        {
            var update = Builders<SubscriptionDocument>.Update.Unset(s => s.ProviderCancelRequestedAt);
            switch (await AskAsync(() => providers.Configured(subscription.PaymentMethod).CancelNowAsync(subscription.ProviderSubscriptionId!, ct)))
            {
                case Outcome.Later:
                    LogNotCancelled(logger, subscription.Id, subscription.PaymentMethod);
                    continue;
                case Outcome.Refused refused:
                    update = update.Set(s => s.ProviderCancelRefusal, refused.Reason);
                    GiveUp(subscription.UserId, subscription.PaymentMethod, "cancel", "subscription_id", subscription.Id, refused.Reason);
                    break;
                default:
                    cancelled++;
                    break;
            }

            // Only the mark that was read: a newer one is the next pass's.
            await SubscriptionStore.Subscriptions(db).UpdateOneAsync(
                filter.Eq(s => s.Id, subscription.Id) & filter.Eq(s => s.ProviderCancelRequestedAt, subscription.ProviderCancelRequestedAt),
                update,
                cancellationToken: ct);
        }

        return cancelled;
    }

    /// <summary>What became of one call to a provider.</summary>
    private abstract record Outcome
    {
        public sealed record Done : Outcome;

        public sealed record Later : Outcome;

        public sealed record Refused(string Reason) : Outcome;
    }

    /// <summary>Makes the call and reads its failure (<see cref="ProviderFailure"/>): gone counts as done.</summary>
    private static async Task<Outcome> AskAsync(Func<Task> call)
    {
        try
        {
            await call();
            return new Outcome.Done();
        }
        catch (ProviderUnavailableException error) when (error.Failure == ProviderFailure.Gone)
        {
            return new Outcome.Done();
        }
        catch (ProviderUnavailableException error) when (error.Failure == ProviderFailure.Refused)
        {
            return new Outcome.Refused(error.Reason ?? "refused");
        }
        catch (ApiException error) when (error is ProviderUnavailableException or ProviderNotConfiguredException)
        {
            return new Outcome.Later();
        }
    }

    private void GiveUp(string userId, string provider, string action, string recordField, string recordId, string reason)
    {
        LogRefused(logger, provider, action, recordId, reason);
        events.Record(new SecurityEvent(PaymentSecurityEvents.ProviderRefused, Severity.High, userId, null, new BsonDocument
        {
            ["provider"] = provider,
            ["action"] = action,
            [recordField] = recordId,
            ["reason"] = reason,
        }));
    }

    /// <summary>Refunds each marked payment in full under a key of its own: a pass repeated after a
    /// crash between the refund and clearing the mark asks again with the same key, which the
    /// provider answers with the same refund. A payment already refunded in part (an admin got there
    /// first) is left to the admin.</summary>
    private async Task<int> RefundAsync(CancellationToken ct)
    {
        var filter = Builders<PaymentTransactionDocument>.Filter;
        var transactions = SubscriptionStore.Transactions(db);
        var marked = await transactions.Find(filter.Gt(t => t.AutoRefundRequestedAt, DateTime.MinValue)).ToListAsync(ct);
        var refunded = 0;
        foreach (var payment in marked)
        {
            var update = Builders<PaymentTransactionDocument>.Update.Unset(t => t.AutoRefundRequestedAt);
            if (payment.AmountRefunded == 0 && payment.ProviderTransactionId is { } providerTransactionId)
            {
                switch (await AskAsync(() => providers.Configured(payment.PaymentProvider).RefundAsync(
                    providerTransactionId, null, "The payment was for a subscription this service refused.", $"auto-refund:{payment.Id}", ct)))
                {
                    case Outcome.Later:
                        LogNotRefunded(logger, payment.Id, payment.PaymentProvider);
                        continue;
                    case Outcome.Refused refused:
                        update = update.Set(t => t.AutoRefundRefusal, refused.Reason);
                        GiveUp(payment.UserId, payment.PaymentProvider, "refund", "payment_id", payment.Id, refused.Reason);
                        break;
                    default:
                        refunded++;
                        break;
                }
            }

            await transactions.UpdateOneAsync(
                filter.Eq(t => t.Id, payment.Id) & filter.Eq(t => t.AutoRefundRequestedAt, payment.AutoRefundRequestedAt),
                update,
                cancellationToken: ct);
        }

        return refunded;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "{Provider} refused for good to {Action} {RecordId} ({Reason}); no longer asked, left to an administrator")]
    private static partial void LogRefused(ILogger logger, string provider, string action, string recordId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Payment {PaymentId} of a refused subscription could not be refunded by {Provider}; retrying at the next interval")]
    private static partial void LogNotRefunded(ILogger logger, string paymentId, string provider);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Subscription {SubscriptionId} was ended here but {Provider} could not cancel it; retrying at the next interval")]
    private static partial void LogNotCancelled(ILogger logger, string subscriptionId, string provider);
}
