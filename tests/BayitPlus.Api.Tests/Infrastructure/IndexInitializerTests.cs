using BayitPlus.Api.Tests.Support;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Tests.Infrastructure;

/// <summary>The database is shared with the Python services: an index they created with other
/// options must not stop the API from starting.</summary>
public sealed class IndexInitializerTests(IndexInitializerTests.SharedDatabaseFactory api) : IClassFixture<IndexInitializerTests.SharedDatabaseFactory>
{
    public sealed class SharedDatabaseFactory : ApiFactory
    {
        protected override async Task BeforeHostStartsAsync(IMongoDatabase database) =>
            await database.GetCollection<BsonDocument>("user").Indexes.CreateOneAsync(
                new CreateIndexModel<BsonDocument>(Builders<BsonDocument>.IndexKeys.Ascending("role"), new CreateIndexOptions { Sparse = true }));
    }

    [Fact]
    public async Task An_existing_index_with_other_options_is_kept_and_the_rest_are_created()
    {
        var response = await api.CreateClient().GetAsync("/health/ready", Http.Ct);

        var indexes = await (await api.Database.GetCollection<BsonDocument>("user").Indexes.ListAsync(Http.Ct)).ToListAsync(Http.Ct);
        var byName = indexes.ToDictionary(i => i["name"].AsString);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.True(byName["role_1"].GetValue("sparse", false).ToBoolean(), "the pre-existing index was replaced");
        Assert.True(byName["email_1"]["unique"].ToBoolean());
        Assert.Contains("created_at_-1", byName.Keys);
    }
}
