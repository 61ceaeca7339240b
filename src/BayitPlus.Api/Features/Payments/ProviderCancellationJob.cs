using BayitPlus.Api.Infrastructure.Errors;
using BayitPlus.Api.Infrastructure.Mongo;
using BayitPlus.Api.Infrastructure.Security;
using System.Linq.Expressions;
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
/// keeps the mark for the next pass; one that answers the payment is already refunded
/// (<see cref="ProviderFailure.AlreadyDone"/>) is done; one that refuses for good
/// (<see cref="ProviderFailure.Refused"/>), or does not know the payment to refund
/// (<see cref="ProviderFailure.Missing"/>), is asked no more: the mark goes, the refusal is stored
/// with the record and an administrator is told (high). A subscription it does not know is not asked
/// again either, but the answer is stored and told (medium): it may mean another account or key.
/// Cancelling twice (two instances, or a pass after a crash) is harmless: the provider's subscription
/// is already ended.
/// </summary>
public sealed partial class ProviderCancellationJob(
    MongoContext db, PaymentProviders providers, DatabaseReadiness readiness, PaymentsSettings settings, TimeProvider time, ISecurityEvents events,
    ILogger<ProviderCancellationJob> logger)
    : PeriodicDatabaseJob(readiness, settings.JobInterval, time, logger)
{
    /// <summary>How a stored cancellation answer starts when the provider did not know the subscription.</summary>
    public const string Gone = "gone: ";

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
            var (settled, done) = await AskAsync(
                new Asked(subscription.UserId, subscription.PaymentMethod, "cancel", "subscription_id", subscription.Id, MissingIsDone: true),
                () => providers.Configured(subscription.PaymentMethod).CancelNowAsync(subscription.ProviderSubscriptionId!, ct),
                Builders<SubscriptionDocument>.Update.Unset(s => s.ProviderCancelRequestedAt),
                s => s.ProviderCancelRefusal);
            if (settled is null)
            {
                continue;
            }

            // Only the mark that was read: a newer one is the next pass's.
            await SubscriptionStore.Subscriptions(db).UpdateOneAsync(
                filter.Eq(s => s.Id, subscription.Id) & filter.Eq(s => s.ProviderCancelRequestedAt, subscription.ProviderCancelRequestedAt),
                settled,
                cancellationToken: ct);
            cancelled += done ? 1 : 0;
        }

        return cancelled;
    }

    /// <summary>A record the job asks a provider about, for its logs and security events;
    /// <paramref name="MissingIsDone"/>: whether the provider not knowing it ends the asking as done
    /// (a subscription: nothing there to bill) rather than as refused (a payment: nothing refunded).</summary>
    private sealed record Asked(string UserId, string Provider, string Action, string RecordField, string RecordId, bool MissingIsDone);

    /// <summary>Makes the call and reads its failure (<see cref="ProviderFailure"/>). Answers the
    /// update that settles the record: <paramref name="clear"/> when done; with the reason in
    /// <paramref name="refusal"/> and a security event when refused for good (high) or not known
    /// there (medium when that counts as done); null to ask again at the next pass.</summary>
    private async Task<(UpdateDefinition<T>? Settled, bool Done)> AskAsync<T>(Asked asked, Func<Task> call, UpdateDefinition<T> clear, Expression<Func<T, string?>> refusal)
    {
        try
        {
            await call();
            return (clear, true);
        }
        catch (ProviderUnavailableException error) when (error.Failure == ProviderFailure.AlreadyDone)
        {
            return (clear, true);
        }
        catch (ProviderUnavailableException error) when (error.Failure == ProviderFailure.Missing && asked.MissingIsDone)
        {
            var reason = Gone + (error.Reason ?? "not found");
            LogMissing(logger, asked.Provider, asked.Action, asked.RecordId, reason);
            events.Record(new SecurityEvent(PaymentSecurityEvents.ProviderMissing, Severity.Medium, asked.UserId, null, Details(asked, reason)));
            return (Builders<T>.Update.Combine(clear, Builders<T>.Update.Set(refusal, reason)), true);
        }
        catch (ProviderUnavailableException error) when (error.Failure is ProviderFailure.Refused or ProviderFailure.Missing)
        {
            var reason = error.Reason ?? "refused";
            LogRefused(logger, asked.Provider, asked.Action, asked.RecordId, reason);
            events.Record(new SecurityEvent(PaymentSecurityEvents.ProviderRefused, Severity.High, asked.UserId, null, Details(asked, reason)));
            return (Builders<T>.Update.Combine(clear, Builders<T>.Update.Set(refusal, reason)), false);
        }
        catch (ApiException error) when (error is ProviderUnavailableException or ProviderNotConfiguredException)
        {
            LogNotDone(logger, asked.Provider, asked.Action, asked.RecordId);
            return (null, false);
        }
    }

    private static BsonDocument Details(Asked asked, string reason) => new()
    {
        ["provider"] = asked.Provider,
        ["action"] = asked.Action,
        [asked.RecordField] = asked.RecordId,
        ["reason"] = reason,
    };

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
            var clear = Builders<PaymentTransactionDocument>.Update.Unset(t => t.AutoRefundRequestedAt);
            var (settled, done) = payment.AmountRefunded == 0 && payment.ProviderTransactionId is { } providerTransactionId
                ? await AskAsync(
                    new Asked(payment.UserId, payment.PaymentProvider, "refund", "payment_id", payment.Id, MissingIsDone: false),
                    () => providers.Configured(payment.PaymentProvider).RefundAsync(
                        providerTransactionId, null, "The payment was for a subscription this service refused.", $"auto-refund:{payment.Id}", ct),
                    clear,
                    t => t.AutoRefundRefusal)
                : (clear, false);
            if (settled is null)
            {
                continue;
            }

            await transactions.UpdateOneAsync(
                filter.Eq(t => t.Id, payment.Id) & filter.Eq(t => t.AutoRefundRequestedAt, payment.AutoRefundRequestedAt),
                settled,
                cancellationToken: ct);
            refunded += done ? 1 : 0;
        }

        return refunded;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "{Provider} refused for good to {Action} {RecordId} ({Reason}); no longer asked, left to an administrator")]
    private static partial void LogRefused(ILogger logger, string provider, string action, string recordId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Provider} does not know what it was asked to {Action}, {RecordId} ({Reason}); no longer asked, told to an administrator")]
    private static partial void LogMissing(ILogger logger, string provider, string action, string recordId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Provider} could not {Action} {RecordId} now; retrying at the next interval")]
    private static partial void LogNotDone(ILogger logger, string provider, string action, string recordId);
}
