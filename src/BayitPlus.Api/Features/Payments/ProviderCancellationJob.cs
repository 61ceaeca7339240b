using BayitPlus.Api.Infrastructure.Errors;
using BayitPlus.Api.Infrastructure.Mongo;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.Payments;

/// <summary>
/// Cancels at the provider the subscriptions a full refund ended here, or the webhook processor
/// refused (a second current subscription, a checkout whose price is not on sale)
/// (<c>provider_cancel_requested_at</c>), so the provider stops billing them, then clears the mark;
/// and refunds in full the payments of refused subscriptions (<c>auto_refund_requested_at</c>).
/// The webhook that ended them cannot call the provider itself: its transaction may be retried, and
/// a provider that is down would lose the cancellation. Runs every <c>Payments:JobInterval</c>; a
/// provider that fails or is not configured keeps the mark for the next pass. Cancelling twice (two
/// instances, or a pass after a crash) is harmless: the provider's subscription is already ended.
/// </summary>
public sealed partial class ProviderCancellationJob(
    MongoContext db, PaymentProviders providers, DatabaseReadiness readiness, PaymentsSettings settings, TimeProvider time, ILogger<ProviderCancellationJob> logger)
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
            .Project(s => new { s.Id, s.PaymentMethod, s.ProviderSubscriptionId, s.ProviderCancelRequestedAt })
            .ToListAsync(ct);
        var cancelled = 0;
        foreach (var subscription in pending)
        {
            try
            {
                await providers.Configured(subscription.PaymentMethod).CancelNowAsync(subscription.ProviderSubscriptionId!, ct);
            }
            catch (ApiException error) when (error is ProviderUnavailableException or ProviderNotConfiguredException)
            {
                LogNotCancelled(logger, subscription.Id, subscription.PaymentMethod);
                continue;
            }

            // Only the mark that was read: a newer one is the next pass's.
            await SubscriptionStore.Subscriptions(db).UpdateOneAsync(
                filter.Eq(s => s.Id, subscription.Id) & filter.Eq(s => s.ProviderCancelRequestedAt, subscription.ProviderCancelRequestedAt),
                Builders<SubscriptionDocument>.Update.Unset(s => s.ProviderCancelRequestedAt),
                cancellationToken: ct);
            cancelled++;
        }

        return cancelled;
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
            if (payment.AmountRefunded == 0 && payment.ProviderTransactionId is { } providerTransactionId)
            {
                try
                {
                    await providers.Configured(payment.PaymentProvider).RefundAsync(
                        providerTransactionId, null, "The payment was for a subscription this service refused.", $"auto-refund:{payment.Id}", ct);
                }
                catch (ApiException error) when (error is ProviderUnavailableException or ProviderNotConfiguredException)
                {
                    LogNotRefunded(logger, payment.Id, payment.PaymentProvider);
                    continue;
                }

                refunded++;
            }

            await transactions.UpdateOneAsync(
                filter.Eq(t => t.Id, payment.Id) & filter.Eq(t => t.AutoRefundRequestedAt, payment.AutoRefundRequestedAt),
                Builders<PaymentTransactionDocument>.Update.Unset(t => t.AutoRefundRequestedAt),
                cancellationToken: ct);
        }

        return refunded;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Payment {PaymentId} of a refused subscription could not be refunded by {Provider}; retrying at the next interval")]
    private static partial void LogNotRefunded(ILogger logger, string paymentId, string provider);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Subscription {SubscriptionId} was ended here but {Provider} could not cancel it; retrying at the next interval")]
    private static partial void LogNotCancelled(ILogger logger, string subscriptionId, string provider);
}
