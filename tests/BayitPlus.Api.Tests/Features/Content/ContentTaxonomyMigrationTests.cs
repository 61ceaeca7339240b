using BayitPlus.Api.Infrastructure.Mongo.Migrations;
using BayitPlus.Api.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Tests.Features.Content;

/// <summary>content_taxonomy_migration_v1 over a database that holds pre-taxonomy content, as the
/// Python services left it (raw documents with only a category_id).</summary>
public sealed class ContentTaxonomyMigrationTests(ContentTaxonomyMigrationTests.LegacyCatalogFactory api) : IClassFixture<ContentTaxonomyMigrationTests.LegacyCatalogFactory>
{
    public static readonly ObjectId LegacyMissing = ObjectId.GenerateNewId();
    public static readonly ObjectId LegacyEmpty = ObjectId.GenerateNewId();
    public static readonly ObjectId Modern = ObjectId.GenerateNewId();
    public static readonly ObjectId NoCategory = ObjectId.GenerateNewId();
    public static readonly ObjectId BlankCategory = ObjectId.GenerateNewId();

    public sealed class LegacyCatalogFactory : ApiFactory
    {
        protected override Task BeforeHostStartsAsync(IMongoDatabase database) =>
            database.GetCollection<BsonDocument>("content").InsertManyAsync(
            [
                new BsonDocument { { "_id", LegacyMissing }, { "title", "ישן" }, { "category_id", "movies" } },
                new BsonDocument { { "_id", LegacyEmpty }, { "title", "ישן 2" }, { "category_id", "kids" }, { "section_ids", new BsonArray() } },
                new BsonDocument { { "_id", Modern }, { "title", "חדש" }, { "category_id", "old" }, { "section_ids", new BsonArray { "docs", "judaism" } }, { "primary_section_id", "judaism" } },
                new BsonDocument { { "_id", NoCategory }, { "title", "בלי" } },
                new BsonDocument { { "_id", BlankCategory }, { "title", "ריק" }, { "category_id", "" } },
            ]);
    }

    private IMongoCollection<BsonDocument> Content => api.Database.GetCollection<BsonDocument>("content");

    private IMongoCollection<BsonDocument> Records => api.Database.GetCollection<BsonDocument>("migrationrecord");

    private Task<BsonDocument> StoredAsync(ObjectId id) => Content.Find(new BsonDocument("_id", id)).SingleAsync(Http.Ct);

    private static Task StartedAsync(IServiceProvider services) => services.GetRequiredService<MigrationStartup>().ExecuteTask!;

    [Fact]
    public async Task At_start_legacy_items_get_their_category_as_section_and_the_run_is_recorded()
    {
        await StartedAsync(api.Services);

        foreach (var (id, category) in new[] { (LegacyMissing, "movies"), (LegacyEmpty, "kids") })
        {
            var migrated = await StoredAsync(id);
            Assert.Equal(new BsonArray { category }, migrated["section_ids"]);
            Assert.Equal(category, migrated["primary_section_id"].AsString);
            Assert.Equal(category, migrated["category_id"].AsString);
        }

        var modern = await StoredAsync(Modern);
        Assert.Equal(new BsonArray { "docs", "judaism" }, modern["section_ids"]);
        Assert.Equal("judaism", modern["primary_section_id"].AsString);
        Assert.False((await StoredAsync(NoCategory)).Contains("section_ids"));
        Assert.False((await StoredAsync(BlankCategory)).Contains("section_ids"));

        var record = await Records.Find(new BsonDocument("migration_name", "content_taxonomy_migration_v1")).SingleAsync(Http.Ct);
        Assert.Equal("success", record["status"].AsString);
        Assert.Equal(BsonType.DateTime, record["applied_at"].BsonType);
        Assert.Equal(2, record["details"]["migrated_count"].ToInt64());
    }

    [Fact]
    public async Task A_second_start_of_the_api_does_not_run_it_again()
    {
        await StartedAsync(api.Services);
        var before = await Records.Find(new BsonDocument("migration_name", "content_taxonomy_migration_v1")).SingleAsync(Http.Ct);
        var arrivedLater = ObjectId.GenerateNewId();
        await Content.InsertOneAsync(new BsonDocument { { "_id", arrivedLater }, { "title", "מאוחר" }, { "category_id", "news" } }, cancellationToken: Http.Ct);

        await using (var second = api.WithWebHostBuilder(_ => { }))
        {
            await StartedAsync(second.Services);
        }

        Assert.False((await StoredAsync(arrivedLater)).Contains("section_ids"), "the migration ran a second time");
        var after = await Records.Find(new BsonDocument("migration_name", "content_taxonomy_migration_v1")).ToListAsync(Http.Ct);
        Assert.Equal(before, Assert.Single(after));
    }
}
