using BayitPlus.Testing;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.MongoEmulator.Tests.Conformance;

/// <summary>Read-only views (<c>create</c> with <c>viewOn</c> and <c>pipeline</c>).</summary>
public sealed class ViewTests(MongoDatabaseFixture fixture) : ConformanceTest(fixture)
{
    private async Task<(IMongoCollection<BsonDocument> Source, IMongoCollection<BsonDocument> View)> ViewAsync(string hint)
    {
        var source = NewCollection(hint + "_src");
        await source.InsertManyAsync(Docs("{_id: 1, x: 11}", "{_id: 2, x: 22}", "{_id: 3, x: 33}"), cancellationToken: Ct);
        var viewName = Fixture.NewCollectionName(hint + "_view");
        await Database.CreateViewAsync(viewName, source.CollectionNamespace.CollectionName,
            PipelineDefinition<BsonDocument, BsonDocument>.Create(new[] { Doc("{$match: {_id: {$gt: 1}}}"), Doc("{$set: {double: {$multiply: ['$x', 2]}}}") }),
            cancellationToken: Ct);
        return (source, Database.GetCollection<BsonDocument>(viewName));
    }

    [Fact]
    public async Task A_view_shows_its_pipeline_over_the_current_source_documents()
    {
        var (source, view) = await ViewAsync(nameof(A_view_shows_its_pipeline_over_the_current_source_documents));
        await source.InsertOneAsync(Doc("{_id: 4, x: 44}"), cancellationToken: Ct);

        var found = await view.Find("{double: {$gt: 50}}").Sort("{_id: -1}").ToListAsync(Ct);
        var count = await view.CountDocumentsAsync("{}", cancellationToken: Ct);
        var estimated = await view.EstimatedDocumentCountAsync(cancellationToken: Ct);
        var distinct = await (await view.DistinctAsync<int>("x", "{}", cancellationToken: Ct)).ToListAsync(Ct);
        var grouped = await AggregateAsync(view, null, Doc("{$group: {_id: null, total: {$sum: '$double'}}}"));

        Assert.Equal([4, 3], found.Select(d => d["_id"].AsInt32));
        Assert.Equal(3, count);
        Assert.Equal(3, estimated);
        Assert.Equal([22, 33, 44], distinct.Order());
        Assert.Equal(198, Assert.Single(grouped)["total"].ToInt32());
    }

    [Fact]
    public async Task A_view_is_listed_as_a_view_and_refuses_writes_and_indexes()
    {
        var (source, view) = await ViewAsync(nameof(A_view_is_listed_as_a_view_and_refuses_writes_and_indexes));

        var listed = await (await Database.ListCollectionsAsync(new ListCollectionsOptions
        {
            Filter = new BsonDocument("name", view.CollectionNamespace.CollectionName),
        }, Ct)).SingleAsync(Ct);
        var insert = await Assert.ThrowsAsync<MongoCommandException>(() => view.InsertOneAsync(Doc("{_id: 9}"), cancellationToken: Ct));
        var update = await Assert.ThrowsAsync<MongoCommandException>(() => view.UpdateManyAsync("{}", "{$set: {y: 1}}", cancellationToken: Ct));
        var index = await Assert.ThrowsAsync<MongoCommandException>(() =>
            view.Indexes.CreateOneAsync(new CreateIndexModel<BsonDocument>(Doc("{x: 1}")), cancellationToken: Ct));

        Assert.Equal("view", listed["type"].AsString);
        Assert.Equal(source.CollectionNamespace.CollectionName, listed["options"]["viewOn"].AsString);
        Assert.Equal(2, listed["options"]["pipeline"].AsBsonArray.Count);
        Assert.All(new[] { insert, update, index }, e => Assert.Equal(166, e.Code));
        Assert.Equal(3, await source.CountDocumentsAsync("{}", cancellationToken: Ct));
    }

    [Fact]
    public async Task A_view_can_be_built_on_another_view_and_dropped()
    {
        var (_, view) = await ViewAsync(nameof(A_view_can_be_built_on_another_view_and_dropped));
        var outerName = Fixture.NewCollectionName("outer");
        await Database.CreateViewAsync(outerName, view.CollectionNamespace.CollectionName,
            PipelineDefinition<BsonDocument, BsonDocument>.Create(new[] { Doc("{$project: {_id: 0, double: 1}}") }), cancellationToken: Ct);

        var outer = await Database.GetCollection<BsonDocument>(outerName).Find("{}").ToListAsync(Ct);
        await Database.DropCollectionAsync(outerName, Ct);
        var names = await (await Database.ListCollectionNamesAsync(cancellationToken: Ct)).ToListAsync(Ct);

        Assert.Equal(["{ \"double\" : 44 }", "{ \"double\" : 66 }"], outer.Select(d => d.ToJson()).Order());
        Assert.DoesNotContain(outerName, names);
        Assert.Contains(view.CollectionNamespace.CollectionName, names);
    }

    [Fact]
    public async Task A_view_runs_under_its_own_collation_and_refuses_another()
    {
        var source = NewCollection("collated_src");
        await source.InsertManyAsync(Docs("{_id: 1, name: 'apple'}", "{_id: 2, name: 'Apple'}", "{_id: 3, name: 'banana'}"), cancellationToken: Ct);
        var viewName = Fixture.NewCollectionName("collated_view");
        await Database.RunCommandAsync<BsonDocument>(new BsonDocument
        {
            { "create", viewName },
            { "viewOn", source.CollectionNamespace.CollectionName },
            { "pipeline", new BsonArray() },
            { "collation", Doc("{locale: 'en', strength: 2}") },
        }, cancellationToken: Ct);
        var view = Database.GetCollection<BsonDocument>(viewName);

        var matched = await IdsAsync(view, "{name: 'APPLE'}");
        var sameCollation = await view.Find("{name: 'apple'}", new FindOptions { Collation = new Collation("en", strength: CollationStrength.Secondary) }).CountDocumentsAsync(Ct);
        var otherCollation = await Assert.ThrowsAsync<MongoCommandException>(() =>
            view.Find("{}", new FindOptions { Collation = new Collation("fr") }).ToListAsync(Ct));
        var simpleCollation = await Assert.ThrowsAsync<MongoCommandException>(() =>
            view.CountDocumentsAsync("{}", new CountOptions { Collation = Collation.Simple }, Ct));
        var lookup = await Assert.ThrowsAsync<MongoCommandException>(() => AggregateAsync(source, null,
            Doc($"{{$lookup: {{from: '{viewName}', localField: 'name', foreignField: 'name', as: 'same'}}}}")));
        var simpleView = await Assert.ThrowsAsync<MongoCommandException>(() => Database.CreateViewAsync(Fixture.NewCollectionName("simple_on_collated"), viewName,
            PipelineDefinition<BsonDocument, BsonDocument>.Create(new[] { Doc("{$match: {}}") }), cancellationToken: Ct));
        var listed = await (await Database.ListCollectionsAsync(new ListCollectionsOptions { Filter = new BsonDocument("name", viewName) }, Ct)).SingleAsync(Ct);

        Assert.Equal([1, 2], matched);
        Assert.Equal(2, sameCollation);
        Assert.All(new[] { otherCollation, simpleCollation, lookup, simpleView }, e => Assert.Equal(167, e.Code));
        Assert.Equal("en", listed["options"]["collation"]["locale"].AsString);
        Assert.Equal(2, listed["options"]["collation"]["strength"].ToInt32());
    }

    [Fact]
    public async Task A_view_reading_a_view_of_another_collation_in_its_pipeline_is_refused_when_created()
    {
        var source = NewCollection("read_src");
        var collatedName = Fixture.NewCollectionName("read_collated");
        await Database.RunCommandAsync<BsonDocument>(new BsonDocument
        {
            { "create", collatedName },
            { "viewOn", source.CollectionNamespace.CollectionName },
            { "pipeline", new BsonArray() },
            { "collation", Doc("{locale: 'en', strength: 2}") },
        }, cancellationToken: Ct);
        Task<BsonDocument> CreateAsync(string hint, string stage) => Database.RunCommandAsync<BsonDocument>(new BsonDocument
        {
            { "create", Fixture.NewCollectionName(hint) },
            { "viewOn", source.CollectionNamespace.CollectionName },
            { "pipeline", new BsonArray { Doc(stage) } },
        }, cancellationToken: Ct);

        var lookup = await Assert.ThrowsAsync<MongoCommandException>(() => CreateAsync("reads_lookup",
            $"{{$lookup: {{from: '{collatedName}', localField: 'a', foreignField: 'a', as: 'b'}}}}"));
        var nested = await Assert.ThrowsAsync<MongoCommandException>(() => CreateAsync("reads_nested",
            $"{{$facet: {{f: [{{$lookup: {{from: '{source.CollectionNamespace.CollectionName}', pipeline: [{{$unionWith: '{collatedName}'}}], as: 'b'}}}}]}}}}"));
        var plainCollection = await CreateAsync("reads_collection", $"{{$unionWith: '{source.CollectionNamespace.CollectionName}'}}");

        Assert.Equal(167, lookup.Code);
        Assert.Equal(167, nested.Code);
        Assert.Equal(1, plainCollection["ok"].ToInt32());
    }
}
