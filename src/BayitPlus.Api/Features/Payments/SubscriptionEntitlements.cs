using BayitPlus.Api.Infrastructure.Entitlements;
using BayitPlus.Api.Infrastructure.Mongo;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.Payments;

/// <summary>
/// Entitlements from the user's subscription and its plan's features (<c>Payments:Plans</c>):
/// an active subscription until <c>end_date</c> plus <c>Payments:GraceDays</c> (a renewal's webhook
/// may come late), a past due one until its <c>grace_until</c>, a canceled one until its
/// <c>end_date</c>. Judged on the clock, not on the expiry job having run, so nothing is given
/// away between its passes. Anything else, or a plan no longer configured, is the free tier.
/// </summary>
public sealed class SubscriptionEntitlements(MongoContext db, PaymentsSettings settings, TimeProvider time) : IEntitlements
{
    public async Task<Entitlements> ForUserAsync(string userId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var subscriptions = await SubscriptionStore.Subscriptions(db)
            .Find(SubscriptionStore.Current(userId, now))
            .SortByDescending(s => s.CreatedAt)
            .ToListAsync(cancellationToken);
        foreach (var subscription in subscriptions)
        {
            if (ValidUntil(subscription) is { } until && until > now && settings.Plans.TryGetValue(subscription.PlanId, out var plan))
            {
                var features = plan.Features;
                return new Entitlements(subscription.PlanId, features.Streams, features.Quality, features.LiveTv, features.AiFeatures, features.Downloads, until);
            }
        }

        return Entitlements.Free;
    }

    /// <summary>When the subscription's access ends, grace included.</summary>
    public DateTime? ValidUntil(SubscriptionDocument subscription) => subscription.Status switch
    {
        SubscriptionStatuses.Active => subscription.EndDate.AddDays(settings.GraceDays),
        SubscriptionStatuses.PastDue => subscription.GraceUntil ?? subscription.EndDate.AddDays(settings.GraceDays),
        SubscriptionStatuses.Canceled => subscription.EndDate,
        _ => null,
    };
}
