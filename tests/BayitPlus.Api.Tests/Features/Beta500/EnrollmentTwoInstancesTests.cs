using System.Net;
using BayitPlus.Api.Infrastructure.Auth;
using BayitPlus.Api.Tests.Support;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Tests.Features.Beta500;

/// <summary>A program of 40 seats on a database of its own, which a second host (another API
/// instance, with its own enrollment queue) shares during the test.</summary>
public sealed class SmallProgramApiFactory : ApiFactory
{
    public const int Seats = 40;

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
    {
        ["Beta:Seats"] = Seats.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}

/// <summary>The second API instance: the same settings and database as <paramref name="first"/>.</summary>
public sealed class SecondInstanceApiFactory(SmallProgramApiFactory first) : ApiFactory
{
    protected override string? SharedDatabaseName => first.DatabaseName;

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
    {
        ["Beta:Seats"] = SmallProgramApiFactory.Seats.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}

/// <summary>Enrollment across two API instances: each queues only its own enrollments, so what keeps
/// the seats and the fraud screening right is the database alone (the seat counter written in every
/// enrollment transaction, and the screening read inside it).</summary>
public sealed class EnrollmentTwoInstancesTests(SmallProgramApiFactory api) : IClassFixture<SmallProgramApiFactory>
{
    [Fact]
    public async Task Two_instances_share_the_seats_and_the_fraud_screening()
    {
        await using var second = new SecondInstanceApiFactory(api);
        await second.InitializeAsync();
        ApiFactory[] instances = [api, second];

        // One device, ten accounts, enrolling through both instances at once: one gets in.
        var sameDevice = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => api.TrustedUserAsync()));
        var device = EnrollmentSupport.Fingerprint();
        var ip = EnrollmentSupport.NewNetworkIp();
        var deviceAnswers = await Task.WhenAll(sameDevice.Select((user, i) =>
            instances[i % 2].CreateClient().WithToken(user.AccessToken).FromIp(ip).EnrollAsync(device)));
        Assert.Single(deviceAnswers, r => r.StatusCode == HttpStatusCode.Created);
        Assert.Equal(9, deviceAnswers.Count(r => r.StatusCode == HttpStatusCode.Forbidden));

        // Then 80 accounts on their own devices for the 39 seats left, through both instances.
        var users = await Task.WhenAll(Enumerable.Range(0, 80).Select(_ => api.SignUpAsync()));
        var answers = await Task.WhenAll(users.Select((user, i) =>
            instances[i % 2].CreateClient().WithToken(user.AccessToken).FromIp(EnrollmentSupport.NewNetworkIp()).EnrollAsync()));

        var statuses = answers.GroupBy(r => r.StatusCode).ToDictionary(g => g.Key, g => g.Count());
        Assert.True(statuses.GetValueOrDefault(HttpStatusCode.Created) == SmallProgramApiFactory.Seats - 1, string.Join(", ", statuses));
        Assert.True(statuses.GetValueOrDefault(HttpStatusCode.Conflict) == 80 - (SmallProgramApiFactory.Seats - 1), string.Join(", ", statuses));
        Assert.Equal(SmallProgramApiFactory.Seats, await api.Raw("betauser").CountDocumentsAsync(new BsonDocument("is_active", true), cancellationToken: Http.Ct));
        Assert.Equal(SmallProgramApiFactory.Seats, await api.Raw("user").CountDocumentsAsync(new BsonDocument("role", Roles.Beta), cancellationToken: Http.Ct));
        var counter = await api.Raw("betaprogram").Find(new BsonDocument("_id", "seats")).SingleAsync(Http.Ct);
        Assert.Equal(SmallProgramApiFactory.Seats, counter["filled"].ToInt32());
    }
}
