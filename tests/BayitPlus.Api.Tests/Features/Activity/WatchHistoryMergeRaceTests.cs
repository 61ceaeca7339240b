using System.Net;
using BayitPlus.Api.Features.Activity;
using BayitPlus.Api.Infrastructure.Mongo;
using BayitPlus.Api.Infrastructure.Mongo.Migrations;
using BayitPlus.Api.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using MongoDB.Bson;
using MongoDB.Driver;
using MongoDB.Driver.Core.Events;

namespace BayitPlus.Api.Tests.Features.Activity;

/// <summary>watchhistory_unique_pair_v1 while other writers are about: another instance holding the
/// migration, and duplicates inserted between the merge and the unique index.</summary>
public sealed class WatchHistoryMergeRaceTests(WatchHistoryMergeRaceTests.QuickPollFactory api)
    : IClassFixture<WatchHistoryMergeRaceTests.QuickPollFactory>
{
    private const string Migration = "watchhistory_unique_pair_v1";

    /// <summary>Its own database, whose migration state the tests rewind; instances waiting for
    /// another's migration look again every 100 ms.</summary>
    public sealed class QuickPollFactory : ApiFactory
    {
        protected override IReadOnlyDictionary<string, string?> Settings =>
            new Dictionary<string, string?>(base.Settings) { ["Mongo:Migrations:HeldPollInterval"] = "00:00:00.100" };
    }

    private static BsonDocument Entry(string user, string content, int watched) => new()
    {
        ["user_id"] = user,
        ["content_id"] = content,
        ["watched_at"] = DateTime.UtcNow.AddSeconds(-watched),
        ["duration_watched"] = watched,
        ["progress"] = 0.5,
    };

    private static async Task<bool> HasUniquePairAsync(IMongoCollection<BsonDocument> history) =>
        (await (await history.Indexes.ListAsync(Http.Ct)).ToListAsync(Http.Ct))
            .Any(i => i["key"].AsBsonDocument == new BsonDocument { { "user_id", 1 }, { "content_id", 1 } } && i.GetValue("unique", false).ToBoolean());

    [Fact]
    public async Task An_instance_stays_unready_while_another_holds_the_merge_and_takes_it_over_when_that_one_fails()
    {
        await api.Services.GetRequiredService<MigrationStartup>().ExecuteTask!;
        var history = api.Database.GetCollection<BsonDocument>(WatchHistoryDocument.CollectionName);
        var records = api.Database.GetCollection<BsonDocument>(MigrationRecord.CollectionName);
        // As before the merge: no unique index, a pair written twice, and the migration just claimed by another instance.
        await history.Indexes.DropOneAsync("user_id_1_content_id_1", Http.Ct);
        var (user, item) = (ObjectId.GenerateNewId().ToString(), ObjectId.GenerateNewId().ToString());
        await history.InsertManyAsync([Entry(user, item, 100), Entry(user, item, 200)], cancellationToken: Http.Ct);
        await records.UpdateOneAsync(
            new BsonDocument("migration_name", Migration),
            new BsonDocument("$set", new BsonDocument { { "status", "running" }, { "applied_at", DateTime.UtcNow } }),
            cancellationToken: Http.Ct);

        await using var second = api.WithWebHostBuilder(_ => { });
        var client = second.CreateClient();
        var startup = second.Services.GetRequiredService<MigrationStartup>();
        await second.Services.GetRequiredService<DatabaseReadiness>().WhenIndexesReady.WaitAsync(TimeSpan.FromSeconds(30), Http.Ct);
        await Task.Delay(TimeSpan.FromMilliseconds(500), Http.Ct);
        var whileHeld = await client.GetAsync("/health/ready", Http.Ct);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, whileHeld.StatusCode);
        Assert.False(startup.ExecuteTask!.IsCompleted);
        Assert.Equal(2, await history.CountDocumentsAsync(new BsonDocument("user_id", user), cancellationToken: Http.Ct));

        // The other instance's run fails (as its index creation would over a duplicate): this one takes it over.
        await records.UpdateOneAsync(new BsonDocument("migration_name", Migration), new BsonDocument("$set", new BsonDocument("status", "failed")), cancellationToken: Http.Ct);
        await startup.ExecuteTask.WaitAsync(TimeSpan.FromSeconds(30), Http.Ct);

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready", Http.Ct)).StatusCode);
        var merged = Assert.Single(await history.Find(new BsonDocument("user_id", user)).ToListAsync(Http.Ct));
        Assert.Equal(300, merged["duration_watched"].AsInt32);
        Assert.True(await HasUniquePairAsync(history));
        Assert.Equal("success", (await records.Find(new BsonDocument("migration_name", Migration)).SingleAsync(Http.Ct))["status"].AsString);
    }

    [Fact]
    public async Task Duplicates_inserted_between_the_merge_and_the_index_are_merged_by_another_pass()
    {
        var database = api.Backend.CreateUniqueDatabase("watchhistory_race");
        var history = database.GetCollection<BsonDocument>(WatchHistoryDocument.CollectionName);
        var (user, first, late) = (ObjectId.GenerateNewId().ToString(), ObjectId.GenerateNewId().ToString(), ObjectId.GenerateNewId().ToString());
        await history.InsertManyAsync([Entry(user, first, 100), Entry(user, first, 200)], cancellationToken: Http.Ct);
        var interleaved = 0;
        // Another writer's two first reports of one item land after the merge read the pairs, just before the index is created.
        using var migrating = api.Backend.CreateClient("watchhistory-race", settings => settings.ClusterConfigurator = cluster =>
            cluster.Subscribe<CommandStartedEvent>(e =>
            {
                if (e.CommandName == "createIndexes" && Interlocked.Exchange(ref interleaved, 1) == 0)
                {
                    history.InsertMany([Entry(user, late, 30), Entry(user, late, 40)], cancellationToken: Http.Ct);
                }
            }));

        try
        {
            var details = await new WatchHistoryMergeMigration().ApplyAsync(migrating.GetDatabase(database.DatabaseNamespace.DatabaseName), Http.Ct);

            Assert.Equal(1, interleaved);
            Assert.Equal(2, details["passes"].AsInt32);
            Assert.Equal(2, details["merged_pairs"].AsInt32);
            Assert.Equal(2, details["removed_documents"].ToInt64());
            Assert.Equal(300, Assert.Single(await history.Find(new BsonDocument("content_id", first)).ToListAsync(Http.Ct))["duration_watched"].AsInt32);
            Assert.Equal(70, Assert.Single(await history.Find(new BsonDocument("content_id", late)).ToListAsync(Http.Ct))["duration_watched"].AsInt32);
            Assert.True(await HasUniquePairAsync(history));
        }
        finally
        {
            await api.Backend.Client.DropDatabaseAsync(database.DatabaseNamespace.DatabaseName, Http.Ct);
        }
    }
}
