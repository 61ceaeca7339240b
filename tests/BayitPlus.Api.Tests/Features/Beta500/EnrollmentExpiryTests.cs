using System.Net;
using BayitPlus.Api.Features.Beta500;
using BayitPlus.Api.Infrastructure.Auth;
using BayitPlus.Api.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using MongoDB.Bson;

namespace BayitPlus.Api.Tests.Features.Beta500;

/// <summary>Memberships end <c>Beta:DurationDays</c> after enrollment, on the fake clock.</summary>
[Collection<FakeClockCollection>]
public sealed class EnrollmentExpiryTests(FakeClockApiFactory api)
{
    private async Task<int> FilledAsync() =>
        (await (await api.CreateClient().GetAsync("/api/beta/status", Http.Ct)).ReadJsonAsync())["filledSeats"]!.GetValue<int>();

    /// <summary>Active members, or only those whose access ended by <paramref name="expiredBy"/>.</summary>
    private async Task<int> ActiveAsync(DateTime? expiredBy = null)
    {
        var filter = new BsonDocument("is_active", true);
        if (expiredBy is { } end)
        {
            filter["expires_at"] = new BsonDocument("$lte", end);
        }

        return (int)await api.Database.GetCollection<BsonDocument>(BetaUserDocument.CollectionName).CountDocumentsAsync(filter, cancellationToken: Http.Ct);
    }

    [Fact]
    public async Task A_member_stored_without_expires_at_expires_from_its_enrollment()
    {
        // As the Python system stores members: no expires_at.
        var user = await api.SignUpAsync(role: Roles.Beta);
        await api.EnrollAsync(user, 100);
        var enrolled = api.Clock.GetUtcNow().UtcDateTime.AddDays(-89);
        await api.BetaUsers().UpdateOneAsync(new BsonDocument("user_id", user.Id), new BsonDocument
        {
            ["$unset"] = new BsonDocument("expires_at", ""),
            ["$set"] = new BsonDocument("enrolled_at", enrolled),
        }, cancellationToken: Http.Ct);

        var membership = await (await api.ClientFor(user).GetAsync("/api/beta/me", Http.Ct)).ReadJsonAsync();
        Assert.Equal(enrolled.AddDays(90), membership["expiresAt"]!.GetValue<DateTime>().ToUniversalTime(), TimeSpan.FromMilliseconds(1));
        api.Clock.Advance(TimeSpan.FromDays(2));
        await api.Services.GetRequiredService<BetaExpiryJob>().RunOnceAsync(Http.Ct);

        var member = (await api.MemberAsync(user.Id))!;
        Assert.False(member["is_active"].AsBoolean);
        Assert.Equal("expired", member["ended_reason"].AsString);
        Assert.Equal(Roles.User, await api.RoleAsync(user.Id));
    }

    [Fact]
    public async Task Expired_members_are_ended_once_even_by_parallel_runs()
    {
        var job = api.Services.GetRequiredService<BetaExpiryJob>();
        var users = new List<SignedInUser>();
        for (var i = 0; i < 3; i++)
        {
            var user = await api.SignUpAsync();
            Assert.Equal(HttpStatusCode.Created, (await api.ClientFor(user).FromIp(EnrollmentSupport.NewNetworkIp()).EnrollAsync()).StatusCode);
            users.Add(user);
        }

        api.Clock.Advance(TimeSpan.FromDays(89));
        await job.RunOnceAsync(Http.Ct);
        foreach (var user in users)
        {
            Assert.True((await api.MemberAsync(user.Id))!["is_active"].AsBoolean);
        }

        api.Clock.Advance(TimeSpan.FromDays(2));
        // Other classes on this shared host have members too, which expire with these: count them.
        var due = await ActiveAsync(expiredBy: api.Clock.GetUtcNow().UtcDateTime);
        var ended = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => job.RunOnceAsync(Http.Ct)));

        // Each ended once (the hosted job, woken by the clock, may have taken some of them).
        Assert.True(ended.Sum() <= due, $"ended {ended.Sum()} of {due}");
        Assert.Equal(0, await ActiveAsync(expiredBy: api.Clock.GetUtcNow().UtcDateTime));
        Assert.Equal(await ActiveAsync(), await FilledAsync());
        foreach (var user in users)
        {
            var member = (await api.MemberAsync(user.Id))!;
            Assert.False(member["is_active"].AsBoolean);
            Assert.Equal("expired", member["ended_reason"].AsString);
            Assert.Equal(5000, member["credits_balance"].AsInt32);
            Assert.Equal(Roles.User, await api.RoleAsync(user.Id));
        }

        Assert.Equal(0, await job.RunOnceAsync(Http.Ct));
        Assert.Equal(await ActiveAsync(), await FilledAsync());
        var token = api.MintAccessToken(users[0].Id, users[0].Email, Roles.User);
        var me = await (await api.CreateClient().WithToken(token).GetAsync("/api/beta/me", Http.Ct)).ReadJsonAsync();
        Assert.False(me["isActive"]!.GetValue<bool>());
    }
}
