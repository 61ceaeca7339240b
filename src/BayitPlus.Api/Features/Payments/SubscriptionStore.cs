using BayitPlus.Api.Infrastructure.Auth;
using BayitPlus.Api.Infrastructure.Mongo;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.Payments;

/// <summary>The subscription and transaction collections, and the one rule for which of a user's
/// subscriptions is the current one, shared by the user's endpoints, checkout and entitlements.</summary>
public static class SubscriptionStore
{
    public static IMongoCollection<SubscriptionDocument> Subscriptions(MongoContext db) =>
        db.Collection<SubscriptionDocument>(SubscriptionDocument.CollectionName);

    public static IMongoCollection<PaymentTransactionDocument> Transactions(MongoContext db) =>
        db.Collection<PaymentTransactionDocument>(PaymentTransactionDocument.CollectionName);

    /// <summary>The user's subscriptions that have not ended: active or past due (until the expiry
    /// job ends them), or canceled with paid time left. A user has at most one; checkout refuses a
    /// second while this matches.</summary>
    public static FilterDefinition<SubscriptionDocument> Current(string userId, DateTime now)
    {
        var filter = Builders<SubscriptionDocument>.Filter;
        return filter.Eq(s => s.UserId, userId.ToLowerInvariant())
            & (filter.In(s => s.Status, [SubscriptionStatuses.Active, SubscriptionStatuses.PastDue])
                | (filter.Eq(s => s.Status, SubscriptionStatuses.Canceled) & filter.Gt(s => s.EndDate, now)));
    }

    /// <summary>The user's current subscription (the newest, should the provider ever have left two), or null.</summary>
    public static Task<SubscriptionDocument?> FindCurrentAsync(MongoContext db, string userId, DateTime now, CancellationToken cancellationToken, IClientSessionHandle? session = null)
    {
        var find = session is null ? Subscriptions(db).Find(Current(userId, now)) : Subscriptions(db).Find(session, Current(userId, now));
        return find.SortByDescending(s => s.CreatedAt).FirstOrDefaultAsync(cancellationToken)!;
    }

    /// <summary>Sets the account's <c>subscription_tier</c> from the user's subscriptions as this
    /// transaction leaves them: the plan of the current one (<see cref="FindCurrentAsync"/>), or free.
    /// The one tier rule: every change to a subscription ends with it, so a change to one
    /// subscription never takes away the tier another one still pays for.</summary>
    public static async Task RefreshTierAsync(MongoContext db, IAccountTiers tiers, IClientSessionHandle session, string userId, DateTime now, CancellationToken cancellationToken)
    {
        var current = await FindCurrentAsync(db, userId, now, cancellationToken, session);
        await tiers.SetTierAsync(session, userId, current?.PlanId, cancellationToken);
    }

    /// <summary>Money as the API shows it: the stored double, to the cent.</summary>
    public static decimal Money(double amount) => decimal.Round((decimal)amount, 2);
}
