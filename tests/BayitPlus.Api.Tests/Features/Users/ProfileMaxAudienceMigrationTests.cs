using BayitPlus.Api.Features.Users;
using BayitPlus.Api.Infrastructure.Mongo.Migrations;
using BayitPlus.Api.Tests.Features.Activity;
using BayitPlus.Api.Tests.Features.Content;
using BayitPlus.Api.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Tests.Features.Users;

/// <summary>profile_max_audience_to_preferences_v1 over limits the previous build stored at the
/// profile's top level.</summary>
public sealed class ProfileMaxAudienceMigrationTests(ProfileMaxAudienceMigrationTests.UpgradeFactory api)
    : IClassFixture<ProfileMaxAudienceMigrationTests.UpgradeFactory>
{
    private const string Migration = "profile_max_audience_to_preferences_v1";

    /// <summary>Its own database, whose migration state the test rewinds.</summary>
    public sealed class UpgradeFactory : ApiFactory;

    private IMongoCollection<BsonDocument> Profiles => api.Database.GetCollection<BsonDocument>(ProfileDocument.CollectionName);

    private Task<BsonDocument> ProfileAsync(string userId) => Profiles.Find(new BsonDocument("user_id", userId)).SingleAsync(Http.Ct);

    [Fact]
    public async Task A_top_level_limit_moves_into_preferences_unless_one_is_there_and_is_applied_again()
    {
        await api.Services.GetRequiredService<MigrationStartup>().ExecuteTask!;
        var limited = await api.SignUpAsync();
        var both = await api.SignUpAsync();
        var (kids, mature) = (await api.NewItemAsync(audience: "kids"), await api.NewItemAsync(audience: "mature"));
        await api.ClientFor(limited).ReportOkAsync(mature.Id, 300);
        await api.ClientFor(limited).ReportOkAsync(kids.Id, 300);
        // As the previous build stored them: the limit at the top level; for the second user a newer one in preferences too.
        await Profiles.InsertManyAsync(
            [
                new BsonDocument { { "user_id", limited.Id }, { "language_preference", "he" }, { "max_audience", "kids" } },
                new BsonDocument { { "user_id", both.Id }, { "language_preference", "he" }, { "max_audience", "mature" }, { "preferences", new BsonDocument("max_audience", "family") } },
            ],
            cancellationToken: Http.Ct);
        await api.Database.GetCollection<BsonDocument>(MigrationRecord.CollectionName).DeleteOneAsync(new BsonDocument("migration_name", Migration), Http.Ct);

        await using var upgraded = api.WithWebHostBuilder(_ => { });
        await upgraded.Services.GetRequiredService<MigrationStartup>().ExecuteTask!.WaitAsync(TimeSpan.FromSeconds(30), Http.Ct);
        var client = upgraded.CreateClient().WithToken(limited.AccessToken);

        Assert.Equal("kids", (await client.GetJsonAsync("/api/users/me/profile"))["maxAudience"]?.GetValue<string>());
        Assert.Equal([kids.Id], (await client.GetJsonAsync("/api/users/me/continue-watching")).ContentIds());
        var moved = await ProfileAsync(limited.Id);
        Assert.False(moved.Contains("max_audience"));
        Assert.Equal("kids", moved["preferences"]["max_audience"].AsString);
        var kept = await ProfileAsync(both.Id);
        Assert.False(kept.Contains("max_audience"));
        Assert.Equal("family", kept["preferences"]["max_audience"].AsString);
        var record = await api.Database.GetCollection<BsonDocument>(MigrationRecord.CollectionName).Find(new BsonDocument("migration_name", Migration)).SingleAsync(Http.Ct);
        Assert.Equal("success", record["status"].AsString);
        Assert.Equal(2, record["details"]["profiles"].ToInt64());
    }
}
