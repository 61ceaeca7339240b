using BayitPlus.Testing;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.MongoEmulator.Tests.Conformance;

/// <summary>Atlas Vector Search: search index commands, <c>$listSearchIndexes</c> and <c>$vectorSearch</c>.
/// Written for Atlas too, which builds search indexes asynchronously: every test waits until its index
/// is queryable. A plain <c>mongo:8.0</c> container has no search node, so these tests skip there.</summary>
public sealed class VectorSearchTests(MongoDatabaseFixture fixture) : ConformanceTest(fixture)
{
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(5);

    // Against the query [1, 0]: cosine ranks 1, 4, 2, 3 and euclidean ranks 1, 2, 4, 3. The "unit"
    // vectors are normalised, as dotProduct requires; against [0.6, 0.8] they rank 2, 3, 1, 4.
    private async Task<IMongoCollection<BsonDocument>> MoviesAsync(string hint)
    {
        Assert.SkipWhen(Backend.Kind == MongoBackendKind.Container, "a mongo:8.0 container has no search node");
        var collection = NewCollection(hint);
        await collection.InsertManyAsync(Docs(
            "{_id: 1, embedding: [1, 0], unit: [1, 0], genre: 'drama', year: 2000}",
            "{_id: 2, embedding: [0.6, 0.8], unit: [0.6, 0.8], genre: 'comedy', year: 2010}",
            "{_id: 3, embedding: [0, 1], unit: [0, 1], genre: 'drama', year: 2020}",
            "{_id: 4, embedding: [2, 0.5], unit: [-0.6, 0.8], genre: 'comedy', year: 2015}",
            "{_id: 5, embedding: 'not a vector', unit: [1, 'x'], genre: 'drama', year: 2001}",
            "{_id: 6, embedding: [1, 0, 0], genre: 'drama', year: 2002}",
            "{_id: 7, genre: 'drama', year: 2003}"), cancellationToken: Ct);
        await CreateAsync(collection, "cos", "{fields: [{type: 'vector', path: 'embedding', numDimensions: 2, similarity: 'cosine'}, {type: 'filter', path: 'genre'}]}");
        await CreateAsync(collection, "euc", "{fields: [{type: 'vector', path: 'embedding', numDimensions: 2, similarity: 'euclidean'}]}");
        await CreateAsync(collection, "dot", "{fields: [{type: 'vector', path: 'unit', numDimensions: 2, similarity: 'dotProduct'}]}");
        foreach (var name in new[] { "cos", "euc", "dot" })
        {
            await WaitQueryableAsync(collection, name);
        }

        return collection;
    }

    private async Task<BsonDocument> CreateAsync(IMongoCollection<BsonDocument> collection, string name, string definition) =>
        await Database.RunCommandAsync<BsonDocument>(
            new BsonDocument
            {
                { "createSearchIndexes", collection.CollectionNamespace.CollectionName },
                { "indexes", new BsonArray { new BsonDocument { { "name", name }, { "type", "vectorSearch" }, { "definition", Doc(definition) } } } },
            },
            cancellationToken: Ct);

    private static async Task<List<BsonDocument>> ListAsync(IMongoCollection<BsonDocument> collection, string? name = null) =>
        await collection.Aggregate<BsonDocument>(
            new[] { new BsonDocument("$listSearchIndexes", name is null ? [] : new BsonDocument("name", name)) },
            cancellationToken: Ct).ToListAsync(Ct);

    private static async Task<BsonDocument> WaitQueryableAsync(IMongoCollection<BsonDocument> collection, string name, Func<BsonDocument, bool>? until = null)
    {
        var deadline = DateTime.UtcNow + BuildTimeout;
        while (true)
        {
            var index = (await ListAsync(collection, name)).SingleOrDefault();
            if (index is not null && index.GetValue("queryable", false).AsBoolean && index.GetValue("status", "").AsString == "READY" && (until?.Invoke(index) ?? true))
            {
                return index;
            }

            Assert.True(DateTime.UtcNow < deadline, $"search index {name} did not become queryable: {index}");
            await Task.Delay(TimeSpan.FromSeconds(1), Ct);
        }
    }

    private static async Task<List<(int Id, double Score)>> SearchAsync(IMongoCollection<BsonDocument> collection, string vectorSearch, string? then = null)
    {
        var stages = new List<BsonDocument> { new("$vectorSearch", Doc(vectorSearch)) };
        if (then is not null)
        {
            stages.Add(Doc(then));
        }

        stages.Add(Doc("{$project: {_id: 1, score: {$meta: 'vectorSearchScore'}}}"));
        var found = await collection.Aggregate<BsonDocument>(stages.ToArray(), cancellationToken: Ct).ToListAsync(Ct);
        return [.. found.Select(d => (d["_id"].AsInt32, d["score"].AsDouble))];
    }

    private static void AssertRanked(List<(int Id, double Score)> actual, params (int Id, double Score)[] expected)
    {
        Assert.Equal(expected.Select(e => e.Id), actual.Select(a => a.Id));
        foreach (var (e, a) in expected.Zip(actual))
        {
            Assert.Equal(e.Score, a.Score, 4);
        }
    }

    [Fact]
    public async Task Cosine_ranks_by_angle_with_score_one_plus_cosine_over_two()
    {
        var collection = await MoviesAsync("vs_cosine");

        var results = await SearchAsync(collection, "{index: 'cos', path: 'embedding', queryVector: [1, 0], limit: 10, exact: true}");

        AssertRanked(results, (1, 1.0), (4, 0.985071), (2, 0.8), (3, 0.5));
    }

    [Fact]
    public async Task Euclidean_ranks_by_distance_with_score_one_over_one_plus_distance()
    {
        var collection = await MoviesAsync("vs_euclidean");

        var results = await SearchAsync(collection, "{index: 'euc', path: 'embedding', queryVector: [1, 0], limit: 10, exact: true}");

        AssertRanked(results, (1, 1.0), (2, 0.527864), (4, 0.472136), (3, 0.414214));
    }

    [Fact]
    public async Task DotProduct_ranks_by_product_with_score_one_plus_product_over_two()
    {
        var collection = await MoviesAsync("vs_dot");

        var results = await SearchAsync(collection, "{index: 'dot', path: 'unit', queryVector: [0.6, 0.8], limit: 10, exact: true}");

        AssertRanked(results, (2, 1.0), (3, 0.9), (1, 0.8), (4, 0.64));
    }

    [Fact]
    public async Task Approximate_search_returns_limit_best_and_score_survives_later_stages()
    {
        var collection = await MoviesAsync("vs_ann");

        var results = await SearchAsync(collection, "{index: 'cos', path: 'embedding', queryVector: [1, 0], numCandidates: 10, limit: 2}", "{$addFields: {kept: {$meta: 'vectorSearchScore'}}}");
        var kept = await collection.Aggregate<BsonDocument>(
            new[] { Doc("{$vectorSearch: {index: 'cos', path: 'embedding', queryVector: [1, 0], numCandidates: 10, limit: 1}}"), Doc("{$addFields: {s: {$meta: 'vectorSearchScore'}}}") },
            cancellationToken: Ct).SingleAsync(Ct);

        AssertRanked(results, (1, 1.0), (4, 0.985071));
        Assert.Equal("drama", kept["genre"].AsString);
        Assert.Equal(1.0, kept["s"].AsDouble, 4);
    }

    [Theory]
    [InlineData("{genre: 'drama'}", 1, 3)]
    [InlineData("{genre: {$ne: 'drama'}}", 4, 2)]
    [InlineData("{$or: [{genre: {$in: ['comedy']}}, {genre: {$eq: 'drama'}}]}", 1, 4, 2, 3)]
    public async Task Filter_on_a_filter_field_prefilters(string filter, params int[] expected)
    {
        var collection = await MoviesAsync("vs_filter");

        var results = await SearchAsync(collection, $"{{index: 'cos', path: 'embedding', queryVector: [1, 0], numCandidates: 100, limit: 10, filter: {filter}}}");

        Assert.Equal(expected, results.Select(r => r.Id));
    }

    [Fact]
    public async Task Filter_on_an_undeclared_field_is_an_error()
    {
        var collection = await MoviesAsync("vs_filter_undeclared");

        var error = await Assert.ThrowsAsync<MongoCommandException>(() =>
            SearchAsync(collection, "{index: 'cos', path: 'embedding', queryVector: [1, 0], numCandidates: 100, limit: 10, filter: {year: {$gt: 2005}}}"));

        Assert.Contains("year", error.Message);
    }

    [Theory]
    [InlineData("{index: 'cos', path: 'embedding', queryVector: [1, 0, 0], numCandidates: 10, limit: 2}")]
    [InlineData("{index: 'cos', path: 'embedding', queryVector: [1, 0], numCandidates: 1, limit: 2}")]
    [InlineData("{index: 'cos', path: 'embedding', queryVector: [1, 0], numCandidates: 10001, limit: 2}")]
    [InlineData("{index: 'cos', path: 'embedding', queryVector: [1, 0], limit: 2}")]
    public async Task Invalid_query_is_an_error(string vectorSearch)
    {
        var collection = await MoviesAsync("vs_invalid");

        await Assert.ThrowsAsync<MongoCommandException>(() => SearchAsync(collection, vectorSearch));
    }

    [Fact]
    public async Task VectorSearch_must_be_the_first_stage()
    {
        var collection = await MoviesAsync("vs_not_first");

        await Assert.ThrowsAsync<MongoCommandException>(() => SearchAsync(collection, "{index: 'cos', path: 'embedding', queryVector: [1, 0], numCandidates: 10, limit: 2}", "{$vectorSearch: {index: 'cos', path: 'embedding', queryVector: [1, 0], numCandidates: 10, limit: 2}}"));
        await Assert.ThrowsAsync<MongoCommandException>(() => collection.Aggregate<BsonDocument>(
            new[] { Doc("{$match: {}}"), Doc("{$vectorSearch: {index: 'cos', path: 'embedding', queryVector: [1, 0], numCandidates: 10, limit: 2}}") },
            cancellationToken: Ct).ToListAsync(Ct));
    }

    [Fact]
    public async Task Unknown_index_returns_nothing()
    {
        var collection = await MoviesAsync("vs_unknown_index");

        var results = await SearchAsync(collection, "{index: 'missing', path: 'embedding', queryVector: [1, 0], numCandidates: 10, limit: 2}");

        Assert.Empty(results);
    }

    [Fact]
    public async Task Search_indexes_are_listed_updated_and_dropped_apart_from_regular_indexes()
    {
        var collection = await MoviesAsync("vs_lifecycle");

        var all = await ListAsync(collection);
        var cos = Assert.Single(all, i => i["name"] == "cos");
        Assert.Equal("vectorSearch", cos["type"].AsString);
        Assert.Equal(0, cos["latestDefinitionVersion"]["version"].ToInt32());
        Assert.Equal(Doc("{type: 'vector', path: 'embedding', numDimensions: 2, similarity: 'cosine'}"), cos["latestDefinition"]["fields"][0]);
        Assert.Equal(["cos", "dot", "euc"], all.Select(i => i["name"].AsString).Order());
        var byId = await collection.Aggregate<BsonDocument>(new[] { new BsonDocument("$listSearchIndexes", new BsonDocument("id", cos["id"])) }, cancellationToken: Ct).SingleAsync(Ct);
        Assert.Equal("cos", byId["name"].AsString);
        var regular = await (await collection.Indexes.ListAsync(Ct)).ToListAsync(Ct);
        Assert.Equal(["_id_"], regular.Select(i => i["name"].AsString));

        await Database.RunCommandAsync<BsonDocument>(
            Doc($"{{updateSearchIndex: '{collection.CollectionNamespace.CollectionName}', name: 'cos', definition: {{fields: [{{type: 'vector', path: 'embedding', numDimensions: 2, similarity: 'euclidean'}}]}}}}"),
            cancellationToken: Ct);
        var afterUpdate = await WaitQueryableAsync(collection, "cos", i => i["latestDefinition"]["fields"][0]["similarity"] == "euclidean");
        Assert.Equal(1, afterUpdate["latestDefinitionVersion"]["version"].ToInt32());
        var updated = await SearchAsync(collection, "{index: 'cos', path: 'embedding', queryVector: [1, 0], limit: 10, exact: true}");
        Assert.Equal([1, 2, 4, 3], updated.Select(r => r.Id));

        await Database.RunCommandAsync<BsonDocument>(Doc($"{{dropSearchIndex: '{collection.CollectionNamespace.CollectionName}', name: 'euc'}}"), cancellationToken: Ct);
        var deadline = DateTime.UtcNow + BuildTimeout;
        while ((await ListAsync(collection, "euc")).Count > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "dropped search index is still listed");
            await Task.Delay(TimeSpan.FromSeconds(1), Ct);
        }

        Assert.Equal(["cos", "dot"], (await ListAsync(collection)).Select(i => i["name"].AsString).Order());
    }

    [Fact]
    public async Task Search_indexes_are_dropped_with_their_collection()
    {
        var collection = await MoviesAsync("vs_drop_collection");

        await Database.DropCollectionAsync(collection.CollectionNamespace.CollectionName, Ct);
        await collection.InsertOneAsync(Doc("{_id: 1, embedding: [1, 0]}"), cancellationToken: Ct);

        Assert.Empty(await ListAsync(collection));
    }

    [Theory]
    [InlineData("{fields: [{type: 'vector', path: 'v', numDimensions: 2, similarity: 'manhattan'}]}")]
    [InlineData("{fields: [{type: 'vector', numDimensions: 2, similarity: 'cosine'}]}")]
    [InlineData("{fields: [{type: 'vector', path: 'v', numDimensions: 0, similarity: 'cosine'}]}")]
    [InlineData("{fields: [{type: 'vector', path: 'v', numDimensions: 8193, similarity: 'cosine'}]}")]
    [InlineData("{fields: [{type: 'filter', path: 'genre'}]}")]
    public async Task Invalid_definition_is_refused(string definition)
    {
        Assert.SkipWhen(Backend.Kind == MongoBackendKind.Container, "a mongo:8.0 container has no search node");
        var collection = NewCollection("vs_bad_definition");
        await collection.InsertOneAsync(Doc("{_id: 1}"), cancellationToken: Ct);

        await Assert.ThrowsAsync<MongoCommandException>(() => CreateAsync(collection, "bad", definition));
    }

    [Fact]
    public async Task Duplicate_name_is_refused()
    {
        var collection = await MoviesAsync("vs_duplicate");

        await Assert.ThrowsAsync<MongoCommandException>(() =>
            CreateAsync(collection, "cos", "{fields: [{type: 'vector', path: 'unit', numDimensions: 2, similarity: 'cosine'}]}"));
    }
}
