using BayitPlus.Api.Features.Payments;
using BayitPlus.Api.Infrastructure.Mongo;
using BayitPlus.Api.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Tests.Features.Payments;

/// <summary>The expiry job on the payments host's fake clock, with subscriptions seeded as the
/// webhooks leave them.</summary>
[Collection<PaymentsCollection>]
public sealed class SubscriptionExpiryTests(PaymentsApiFactory api)
{
    private async Task<(string UserId, string SubscriptionId)> SeedAsync(string status, TimeSpan endsIn, TimeSpan? graceIn = null, string planId = "premium")
    {
        var user = await api.SignUpAsync();
        var now = api.ClockNow();
        var id = await api.SeedSubscriptionAsync(user.Id, planId, status, now + endsIn, autoRenew: status == "active", graceUntil: graceIn is { } g ? now + g : null);
        await api.SetTierAsync(user.Id, planId);
        return (user.Id, id);
    }

    private async Task<string> StatusAsync(string id) => (await api.SubscriptionAsync(id))["status"].AsString;

    private Task<long> DueAsync() => api.Services.GetRequiredService<MongoContext>().Collection<SubscriptionDocument>(SubscriptionDocument.CollectionName)
        .CountDocumentsAsync(SubscriptionExpiryJob.Due(api.ClockNow(), 3), cancellationToken: Http.Ct);

    [Fact]
    public async Task Ended_subscriptions_expire_once_even_with_parallel_runs_and_the_tier_goes_back_to_free()
    {
        var job = api.Services.GetRequiredService<SubscriptionExpiryJob>();
        var lateRenewal = await SeedAsync("active", TimeSpan.FromDays(1));
        var pastDue = await SeedAsync("past_due", TimeSpan.FromDays(-2), graceIn: TimeSpan.FromDays(1));
        var canceled = await SeedAsync("canceled", TimeSpan.FromDays(2));
        var renewing = await SeedAsync("active", TimeSpan.FromDays(30));

        // A user who bought again while the old subscription's grace ran: the new plan's tier stays.
        var rebought = await SeedAsync("canceled", TimeSpan.FromDays(1));
        await api.SeedSubscriptionAsync(rebought.UserId, "family", "active", api.ClockNow().AddDays(30));
        await api.SetTierAsync(rebought.UserId, "family");

        api.Clock.Advance(TimeSpan.FromDays(3));
        var due = await DueAsync();
        var expired = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => job.RunOnceAsync(Http.Ct)));

        // Each expired once (the hosted job, woken by the clock, may have taken some of them).
        Assert.True(expired.Sum() <= due, $"expired {expired.Sum()} of {due}");
        Assert.Equal(0, await DueAsync());
        Assert.Equal("expired", await StatusAsync(pastDue.SubscriptionId));
        Assert.Equal("expired", await StatusAsync(canceled.SubscriptionId));
        Assert.Equal("expired", await StatusAsync(rebought.SubscriptionId));
        Assert.Null(await api.TierAsync(pastDue.UserId));
        Assert.Null(await api.TierAsync(canceled.UserId));
        Assert.Equal("family", await api.TierAsync(rebought.UserId));
        var record = Assert.Single(await api.AuditAsync("subscription.expired", pastDue.SubscriptionId));
        Assert.Equal("expired", record["changes"]["after"]["status"].AsString);
        Assert.Equal("past_due", record["changes"]["before"]["status"].AsString);

        // Two days after its end, an active subscription is still in its grace (Payments:GraceDays is 3).
        Assert.Equal("active", await StatusAsync(lateRenewal.SubscriptionId));
        Assert.Equal("premium", await api.TierAsync(lateRenewal.UserId));
        Assert.Equal("active", await StatusAsync(renewing.SubscriptionId));
        Assert.Equal(0, await job.RunOnceAsync(Http.Ct));

        api.Clock.Advance(TimeSpan.FromDays(1.5));
        await job.RunOnceAsync(Http.Ct);
        Assert.Equal("expired", await StatusAsync(lateRenewal.SubscriptionId));
        Assert.Null(await api.TierAsync(lateRenewal.UserId));
        Assert.Equal("active", await StatusAsync(renewing.SubscriptionId));
        Assert.Equal("premium", await api.TierAsync(renewing.UserId));
        Assert.Single(await api.AuditAsync("subscription.expired", lateRenewal.SubscriptionId));
        var me = await api.ClientFor(await UserAsync(lateRenewal.UserId)).GetAsync("/api/subscriptions/me", Http.Ct);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, me.StatusCode);
    }

    [Fact]
    public async Task A_renewal_that_moved_the_end_date_wins_over_a_stale_list()
    {
        var (userId, id) = await SeedAsync("active", TimeSpan.FromDays(-4));
        await api.Raw("subscription").UpdateOneAsync(
            new BsonDocument("_id", ObjectId.Parse(id)), new BsonDocument("$set", new BsonDocument("end_date", api.ClockNow().AddDays(30))), cancellationToken: Http.Ct);

        // The command the job sends for a subscription it listed before the renewal landed.
        var sender = api.Services.GetRequiredService<Mediator.ISender>();
        await Assert.ThrowsAsync<BayitPlus.Api.Infrastructure.Errors.ConflictException>(async () =>
            await sender.Send(new ExpireSubscription.Command(id, api.ClockNow()), Http.Ct));

        Assert.Equal("active", await StatusAsync(id));
        Assert.Equal("premium", await api.TierAsync(userId));
        Assert.Empty(await api.AuditAsync("subscription.expired", id));
    }

    private async Task<SignedInUser> UserAsync(string userId)
    {
        var user = await api.Raw("user").Find(new BsonDocument("_id", ObjectId.Parse(userId))).SingleAsync(Http.Ct);
        return new SignedInUser(userId, user["email"].AsString, "user", null, api.MintAccessToken(userId, user["email"].AsString, "user"));
    }
}
