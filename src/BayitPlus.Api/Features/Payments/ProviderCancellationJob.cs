using BayitPlus.Api.Infrastructure.Errors;
using BayitPlus.Api.Infrastructure.Mongo;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.Payments;

/// <summary>
/// Cancels at the provider the subscriptions a full refund ended here, or the webhook processor
/// refused (a second current subscription, a checkout whose price is not on sale)
/// (<c>provider_cancel_requested_at</c>), so the provider stops billing them, then clears the mark.
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

    /// <summary>One pass; returns how many subscriptions the providers confirmed as cancelled.</summary>
    public override async Task<int> RunOnceAsync(CancellationToken ct)
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Subscription {SubscriptionId} was ended here but {Provider} could not cancel it; retrying at the next interval")]
    private static partial void LogNotCancelled(ILogger logger, string subscriptionId, string provider);
}
