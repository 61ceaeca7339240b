using System.Net;
using BayitPlus.Api.Infrastructure.Mongo.Migrations;
using BayitPlus.Api.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Tests.Features.Activity;

/// <summary>watchhistory_unique_pair_v1 over a history the Python system left with several documents
/// for one user and item.</summary>
public sealed class WatchHistoryMergeMigrationTests(WatchHistoryMergeMigrationTests.DuplicatedHistoryFactory api)
    : IClassFixture<WatchHistoryMergeMigrationTests.DuplicatedHistoryFactory>
{
    public const string User = "65f000000000000000000001";
    public const string Item = "65f0000000000000000000a1";
    public const string Other = "65f0000000000000000000b2";
    public static readonly DateTime Latest = new(2026, 11, 30, 20, 0, 0, DateTimeKind.Utc);

    public sealed class DuplicatedHistoryFactory : ApiFactory
    {
        protected override Task BeforeHostStartsAsync(IMongoDatabase database) =>
            database.GetCollection<BsonDocument>("watchhistory").InsertManyAsync(
            [
                Entry(Item, Latest.AddDays(-2), 0.95, 3000, "tv"),
                Entry(Item, Latest, 0.2, 600, "mobile"),
                Entry(Item, Latest.AddDays(-1), 0.5, 1500, "desktop"),
                Entry(Other, Latest, 0.4, 900, "tv"),
            ]);

        private static BsonDocument Entry(string content, DateTime watchedAt, double progress, int watched, string device) => new()
        {
            ["user_id"] = User,
            ["content_id"] = content,
            ["watched_at"] = watchedAt,
            ["duration_watched"] = watched,
            ["progress"] = progress,
            ["device_type"] = device,
            ["platform"] = "web",
        };
    }

    private IMongoCollection<BsonDocument> History => api.Database.GetCollection<BsonDocument>("watchhistory");

    [Fact]
    public async Task Duplicates_merge_into_the_latest_with_the_watched_time_summed_the_unique_index_exists_and_the_api_is_ready()
    {
        await api.Services.GetRequiredService<MigrationStartup>().ExecuteTask!;

        var ready = await api.CreateClient().GetAsync("/health/ready", Http.Ct);
        var merged = Assert.Single(await History.Find(new BsonDocument { { "user_id", User }, { "content_id", Item } }).ToListAsync(Http.Ct));
        var untouched = Assert.Single(await History.Find(new BsonDocument { { "user_id", User }, { "content_id", Other } }).ToListAsync(Http.Ct));
        var indexes = await (await History.Indexes.ListAsync(Http.Ct)).ToListAsync(Http.Ct);
        var record = await api.Database.GetCollection<BsonDocument>("migrationrecord")
            .Find(new BsonDocument("migration_name", "watchhistory_unique_pair_v1")).SingleAsync(Http.Ct);

        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal(Latest, merged["watched_at"].ToUniversalTime());
        Assert.Equal(0.2, merged["progress"].AsDouble);
        Assert.Equal("mobile", merged["device_type"].AsString);
        Assert.Equal(3000 + 600 + 1500, merged["duration_watched"].AsInt32);
        Assert.Equal(900, untouched["duration_watched"].AsInt32);
        var unique = Assert.Single(indexes, i => i["key"].AsBsonDocument == new BsonDocument { { "user_id", 1 }, { "content_id", 1 } });
        Assert.True(unique.GetValue("unique", false).ToBoolean());
        Assert.Equal("success", record["status"].AsString);
        Assert.Equal(1, record["details"]["merged_pairs"].ToInt32());
        Assert.Equal(2, record["details"]["removed_documents"].ToInt64());
        var duplicate = await Assert.ThrowsAsync<MongoWriteException>(() => History.InsertOneAsync(
            new BsonDocument { { "user_id", User }, { "content_id", Item }, { "watched_at", Latest } }, cancellationToken: Http.Ct));
        Assert.Equal(ServerErrorCategory.DuplicateKey, duplicate.WriteError.Category);
    }
}
