using BayitPlus.Testing;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.MongoEmulator.Tests.Conformance;

public sealed class TextSearchTests(MongoDatabaseFixture fixture) : ConformanceTest(fixture)
{
    private async Task<IMongoCollection<BsonDocument>> ListingsAsync(string hint)
    {
        var collection = NewCollection(hint);
        await collection.InsertManyAsync(
        [
            new BsonDocument { { "_id", 1 }, { "title", "Sunny apartment in Tel Aviv" }, { "description", "Quiet street near the beach" } },
            new BsonDocument { { "_id", 2 }, { "title", "Quiet house" }, { "description", "Sunny garden and parking" } },
            new BsonDocument { { "_id", 3 }, { "title", "דירה מרווחת בירושלים" }, { "description", "קרוב לרכבת הקלה" } },
            new BsonDocument { { "_id", 4 }, { "title", "Casa luminosa con terraza" }, { "description", "Cerca de la playa" } },
            new BsonDocument { { "_id", 5 }, { "title", "Apartamento moderno" }, { "description", "Una casa pequeña y tranquila" } },
        ], cancellationToken: Ct);
        await collection.Indexes.CreateOneAsync(new CreateIndexModel<BsonDocument>(
            Doc("{title: 'text', description: 'text'}"),
            new CreateIndexOptions { Name = "listing_text", Weights = Doc("{title: 10, description: 1}") }), cancellationToken: Ct);
        return collection;
    }

    /// <summary>The <c>_id</c>s matching <paramref name="search"/>, best text score first, with their scores.</summary>
    private static async Task<List<(int Id, double Score)>> SearchAsync(IMongoCollection<BsonDocument> collection, string search, FilterDefinition<BsonDocument>? extra = null)
    {
        var filter = Builders<BsonDocument>.Filter.Text(search);
        if (extra is not null)
        {
            filter &= extra;
        }

        var found = await collection.Find(filter)
            .Project(Builders<BsonDocument>.Projection.Include("_id").MetaTextScore("score"))
            .Sort(Builders<BsonDocument>.Sort.MetaTextScore("score"))
            .ToListAsync(Ct);
        return [.. found.Select(d => (d["_id"].AsInt32, d["score"].AsDouble))];
    }

    [Fact]
    public async Task Heavier_field_ranks_higher()
    {
        var collection = await ListingsAsync("text_weights");

        var results = await SearchAsync(collection, "sunny");

        Assert.Equal([1, 2], results.Select(r => r.Id));
        Assert.True(results[0].Score > results[1].Score, $"title match scored {results[0].Score}, description match {results[1].Score}");
    }

    [Theory]
    [InlineData("SUNNY", 1, 2)]
    [InlineData("beach parking", 1, 2)]
    [InlineData("\"tel aviv\"", 1)]
    [InlineData("sunny -garden", 1)]
    [InlineData("מרווחת", 3)]
    [InlineData("לרכבת", 3)]
    [InlineData("playa", 4)]
    [InlineData("terraza tranquila", 4, 5)]
    [InlineData("pequena", 5)]
    [InlineData("nothingmatcheshere")]
    public async Task Search_matches_english_hebrew_and_spanish_words(string search, params int[] expected)
    {
        var collection = await ListingsAsync("text_words");

        var results = await SearchAsync(collection, search);

        Assert.Equal(expected, results.Select(r => r.Id).Order());
    }

    [Fact]
    public async Task Spanish_title_match_ranks_above_description_match()
    {
        var collection = await ListingsAsync("text_spanish");

        Assert.Equal([4, 5], (await SearchAsync(collection, "casa")).Select(r => r.Id));
    }

    [Fact]
    public async Task Text_search_combines_with_other_predicates()
    {
        var collection = await ListingsAsync("text_and");

        var results = await SearchAsync(collection, "sunny", Builders<BsonDocument>.Filter.Gt("_id", 1));

        Assert.Equal([2], results.Select(r => r.Id));
    }

    [Fact]
    public async Task Text_search_in_an_aggregation_sorts_by_text_score()
    {
        var collection = await ListingsAsync("text_agg");

        var results = await AggregateAsync(collection, null,
            Doc("{$match: {$text: {$search: 'casa'}}}"),
            Doc("{$sort: {score: {$meta: 'textScore'}}}"),
            Doc("{$project: {score: {$meta: 'textScore'}}}"));

        Assert.Equal([4, 5], results.Select(d => d["_id"].AsInt32));
        Assert.True(results[0]["score"].AsDouble > results[1]["score"].AsDouble);
    }

    [Fact]
    public async Task Text_search_without_a_text_index_fails_with_IndexNotFound()
    {
        var collection = NewCollection();
        await collection.InsertOneAsync(Doc("{_id: 1, title: 'sunny'}"), cancellationToken: Ct);

        var ex = await Assert.ThrowsAsync<MongoCommandException>(() => collection.Find("{$text: {$search: 'sunny'}}").ToListAsync(Ct));

        Assert.Equal(27, ex.Code);
    }
}
