using System.Collections.Concurrent;
using BayitPlus.Api.Infrastructure.Mongo;
using BayitPlus.Api.Infrastructure.Mongo.Migrations;
using BayitPlus.Api.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Tests.Infrastructure;

public sealed class MigrationRunnerTests(MigrationRunnerTests.MigrationsFactory api) : IClassFixture<MigrationRunnerTests.MigrationsFactory>
{
    /// <summary>A migration that counts its runs and appends its name to a shared log; it fails
    /// the first <paramref name="failures"/> times.</summary>
    public sealed class TestMigration(string name, ConcurrentQueue<string>? log = null, int failures = 0) : IMigration
    {
        private int _calls;

        public string Name => name;

        public int Calls => _calls;

        public async Task<BsonDocument> ApplyAsync(IMongoDatabase database, CancellationToken cancellationToken)
        {
            var call = Interlocked.Increment(ref _calls);
            log?.Enqueue(name);
            await Task.Yield();
            if (call <= failures)
            {
                throw new InvalidOperationException($"{name} failed on purpose");
            }

            return new BsonDocument("call", call);
        }
    }

    /// <summary>The API with three migrations of its own besides the slices': the middle one fails
    /// at the first start.</summary>
    public sealed class MigrationsFactory : ApiFactory
    {
        public ConcurrentQueue<string> Log { get; } = new();

        public TestMigration First { get; }

        public TestMigration Flaky { get; }

        public TestMigration Last { get; }

        public MigrationsFactory()
        {
            First = new TestMigration("aaa_test_first", Log);
            Flaky = new TestMigration("mmm_test_flaky", Log, failures: 1);
            Last = new TestMigration("zzz_test_last", Log);
        }

        protected override void ConfigureServices(IServiceCollection services)
        {
            // Registered out of name order on purpose.
            services.AddSingleton<IMigration>(Last);
            services.AddSingleton<IMigration>(Flaky);
            services.AddSingleton<IMigration>(First);
        }
    }

    private IMongoCollection<BsonDocument> Records => api.Database.GetCollection<BsonDocument>("migrationrecord");

    private Task<BsonDocument?> RecordAsync(string name) =>
        Records.Find(new BsonDocument("migration_name", name)).FirstOrDefaultAsync(Http.Ct)!;

    private MigrationRunner Runner(params IMigration[] migrations) => new(
        api.Services.GetRequiredService<MongoContext>(), migrations, new MigrationSettings(), TimeProvider.System, NullLogger<MigrationRunner>.Instance);

    [Fact]
    public async Task Migrations_run_in_name_order_a_failure_is_recorded_and_retried_at_the_next_start()
    {
        await api.Services.GetRequiredService<MigrationStartup>().ExecuteTask!;

        Assert.Equal(["aaa_test_first", "mmm_test_flaky"], api.Log);
        var first = await RecordAsync("aaa_test_first");
        Assert.Equal("success", first!["status"].AsString);
        Assert.Equal(BsonType.DateTime, first["applied_at"].BsonType);
        Assert.Equal(1, first["details"]["call"].AsInt32);
        var failed = await RecordAsync("mmm_test_flaky");
        Assert.Equal("failed", failed!["status"].AsString);
        Assert.Equal("mmm_test_flaky failed on purpose", failed["details"]["message"].AsString);
        Assert.Null(await RecordAsync("zzz_test_last"));
        Assert.Equal("success", (await RecordAsync("content_taxonomy_migration_v1"))!["status"].AsString);

        await using (var restarted = api.WithWebHostBuilder(_ => { }))
        {
            await restarted.Services.GetRequiredService<MigrationStartup>().ExecuteTask!;
        }

        Assert.Equal(["aaa_test_first", "mmm_test_flaky", "mmm_test_flaky", "zzz_test_last"], api.Log);
        Assert.Equal("success", (await RecordAsync("mmm_test_flaky"))!["status"].AsString);
        Assert.Equal("success", (await RecordAsync("zzz_test_last"))!["status"].AsString);
        Assert.Equal(1, api.First.Calls);
        Assert.Single(await Records.Find(new BsonDocument("migration_name", "mmm_test_flaky")).ToListAsync(Http.Ct));
    }

    [Fact]
    public async Task Concurrent_instances_apply_a_migration_exactly_once()
    {
        var migration = new TestMigration($"ccc_test_concurrent_{Guid.NewGuid():N}");

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => Runner(migration).RunPendingAsync(Http.Ct), Http.Ct)));

        Assert.Equal(1, migration.Calls);
        Assert.Single(results, r => r.Applied.Contains(migration.Name));
        Assert.Equal("success", (await RecordAsync(migration.Name))!["status"].AsString);
    }

    [Fact]
    public async Task A_claim_abandoned_by_a_dead_instance_is_taken_over_but_a_live_claim_is_left_alone()
    {
        var suffix = Guid.NewGuid().ToString("N");
        var abandoned = new TestMigration($"ddd_test_abandoned_{suffix}");
        var live = new TestMigration($"eee_test_live_{suffix}");
        var now = DateTime.UtcNow;
        await Records.InsertManyAsync(
            [
                new BsonDocument { { "migration_name", abandoned.Name }, { "status", "running" }, { "applied_at", now.AddHours(-2) }, { "details", new BsonDocument() } },
                new BsonDocument { { "migration_name", live.Name }, { "status", "running" }, { "applied_at", now }, { "details", new BsonDocument() } },
            ],
            cancellationToken: Http.Ct);

        var result = await Runner(live, abandoned).RunPendingAsync(Http.Ct);

        Assert.Equal([abandoned.Name], result.Applied);
        Assert.Equal(1, abandoned.Calls);
        Assert.Equal(0, live.Calls);
        Assert.Equal("success", (await RecordAsync(abandoned.Name))!["status"].AsString);
        Assert.Equal("running", (await RecordAsync(live.Name))!["status"].AsString);
    }

    [Fact]
    public async Task The_migration_name_is_unique_in_migrationrecord()
    {
        var indexes = await (await Records.Indexes.ListAsync(Http.Ct)).ToListAsync(Http.Ct);

        Assert.Contains(indexes, i => i["key"].AsBsonDocument == new BsonDocument("migration_name", 1) && i.GetValue("unique", false).ToBoolean());
    }
}
