using BayitPlus.Testing;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.MongoEmulator.Tests.Conformance;

/// <summary>Locale collations on queries, sorts, writes and aggregation.</summary>
public sealed class CollationTests(MongoDatabaseFixture fixture) : ConformanceTest(fixture)
{
    private static Collation En(CollationStrength strength, bool? caseLevel = null, bool? numericOrdering = null) =>
        new("en_US", strength: strength, caseLevel: caseLevel, numericOrdering: numericOrdering);

    private async Task<IMongoCollection<BsonDocument>> WordsAsync(string hint)
    {
        var collection = NewCollection(hint);
        await collection.InsertManyAsync(
            Docs("{_id: 1, w: 'cote'}", "{_id: 2, w: 'Cote'}", "{_id: 3, w: 'coté'}", "{_id: 4, w: 'côte'}", "{_id: 5, w: 'other'}", "{_id: 6, w: 7}"),
            cancellationToken: Ct);
        return collection;
    }

    private static async Task<int[]> IdsAsync(IMongoCollection<BsonDocument> collection, string filter, Collation? collation) =>
        [.. (await collection.Find(filter, new FindOptions { Collation = collation }).Sort("{_id: 1}").ToListAsync(Ct)).Select(d => d["_id"].AsInt32)];

    [Fact]
    public async Task Strength_decides_whether_case_and_accents_count_in_equality()
    {
        var collection = await WordsAsync(nameof(Strength_decides_whether_case_and_accents_count_in_equality));

        Assert.Equal(new[] { 1 }, await IdsAsync(collection, "{w: 'cote'}", null));
        Assert.Equal(new[] { 1 }, await IdsAsync(collection, "{w: 'cote'}", En(CollationStrength.Tertiary)));
        Assert.Equal(new[] { 1, 2 }, await IdsAsync(collection, "{w: 'COTE'}", En(CollationStrength.Secondary)));
        Assert.Equal(new[] { 1, 2, 3, 4 }, await IdsAsync(collection, "{w: 'COTE'}", En(CollationStrength.Primary)));
        Assert.Equal(new[] { 1, 3, 4 }, await IdsAsync(collection, "{w: 'cote'}", En(CollationStrength.Primary, caseLevel: true)));
        Assert.Equal(new[] { 1, 2, 3, 4 }, await IdsAsync(collection, "{w: {$in: ['COTE', 'x']}}", En(CollationStrength.Primary)));
        Assert.Equal(new[] { 5, 6 }, await IdsAsync(collection, "{w: {$ne: 'COTE'}}", En(CollationStrength.Primary)));
    }

    [Fact]
    public async Task Range_queries_and_sorts_follow_the_locale_order()
    {
        var collection = NewCollection();
        await collection.InsertManyAsync(Docs("{_id: 1, s: 'b'}", "{_id: 2, s: 'B'}", "{_id: 3, s: 'a'}", "{_id: 4, s: 'C'}", "{_id: 5, s: '10'}", "{_id: 6, s: '9'}"), cancellationToken: Ct);

        var binary = await collection.Find("{}").Sort("{s: 1}").ToListAsync(Ct);
        var locale = await collection.Find("{}", new FindOptions { Collation = En(CollationStrength.Tertiary) }).Sort("{s: 1}").ToListAsync(Ct);
        var numeric = await collection.Find("{_id: {$gte: 5}}", new FindOptions { Collation = En(CollationStrength.Tertiary, numericOrdering: true) }).Sort("{s: 1}").ToListAsync(Ct);
        var below = await IdsAsync(collection, "{s: {$lt: 'b'}, _id: {$lte: 4}}", En(CollationStrength.Secondary));

        Assert.Equal(["10", "9", "B", "C", "a", "b"], binary.Select(d => d["s"].AsString));
        Assert.Equal(["10", "9", "a", "b", "B", "C"], locale.Select(d => d["s"].AsString));
        Assert.Equal(["9", "10"], numeric.Select(d => d["s"].AsString));
        Assert.Equal([3], below);
    }

    [Fact]
    public async Task Count_distinct_and_writes_apply_the_collation()
    {
        var collection = await WordsAsync(nameof(Count_distinct_and_writes_apply_the_collation));
        var secondary = En(CollationStrength.Secondary);

        var count = await collection.CountDocumentsAsync("{w: 'COTE'}", new CountOptions { Collation = secondary }, Ct);
        var distinct = await (await collection.DistinctAsync<BsonValue>("w", "{_id: {$lte: 4}}", new DistinctOptions { Collation = secondary }, Ct)).ToListAsync(Ct);
        var updated = await collection.UpdateManyAsync("{w: 'COTE'}", "{$set: {hit: 'update'}}", new UpdateOptions { Collation = secondary }, Ct);
        var found = await collection.FindOneAndUpdateAsync<BsonDocument>("{w: 'COTÉ'}", "{$set: {hit: 'fam'}}", new FindOneAndUpdateOptions<BsonDocument> { Collation = secondary }, Ct);
        var deleted = await collection.DeleteManyAsync("{w: 'OTHER'}", new DeleteOptions { Collation = secondary }, Ct);

        Assert.Equal(2, count);
        Assert.Equal(3, distinct.Count);
        Assert.Equal(2, updated.ModifiedCount);
        Assert.Equal(3, found["_id"].AsInt32);
        Assert.Equal(1, deleted.DeletedCount);
        Assert.Equal(new[] { 1, 2 }, await IdsAsync(collection, "{hit: 'update'}", null));
        Assert.Equal(new[] { 1, 2, 3, 4, 6 }, await IdsAsync(collection, "{}", null));
    }

    [Fact]
    public async Task Aggregation_matches_groups_sorts_and_compares_under_the_collation()
    {
        var collection = await WordsAsync(nameof(Aggregation_matches_groups_sorts_and_compares_under_the_collation));
        var options = new AggregateOptions { Collation = En(CollationStrength.Primary) };

        var groups = await AggregateAsync(collection, options,
            Doc("{$match: {w: {$type: 'string'}}}"), Doc("{$group: {_id: '$w', n: {$sum: 1}}}"), Doc("{$sort: {_id: 1}}"));
        var compared = await AggregateAsync(collection, options,
            Doc("{$match: {_id: 2}}"), Doc("{$project: {same: {$eq: ['$w', 'CÔTÉ']}, cmp: {$cmp: ['$w', 'other']}}}"));

        Assert.Equal([4, 1], groups.Select(g => g["n"].AsInt32));
        AssertSameFields(Doc("{_id: 2, same: true, cmp: -1}"), Assert.Single(compared));
    }

    [Fact]
    public async Task Array_and_set_expressions_and_min_max_add_to_set_compare_under_the_collation()
    {
        var collection = NewCollection();
        await collection.InsertManyAsync(
            Docs("{_id: 1, g: 'x', w: 'b', list: ['A', 'b', 'a']}", "{_id: 2, g: 'X', w: 'B', list: ['C']}", "{_id: 3, g: 'x', w: 'a', list: []}"),
            cancellationToken: Ct);
        var options = new AggregateOptions { Collation = En(CollationStrength.Secondary) };

        var projected = await AggregateAsync(collection, options,
            Doc("{$match: {_id: 1}}"),
            Doc("""
                {$project: {
                    in: {$in: ['B', '$list']}, at: {$indexOfArray: ['$list', 'B']},
                    union: {$size: {$setUnion: ['$list']}}, same: {$setEquals: ['$list', ['a', 'B']]},
                    subset: {$setIsSubset: [['a'], ['A']]}, diff: {$setDifference: ['$list', ['a']]},
                    inter: {$size: {$setIntersection: ['$list', ['B']]}},
                    sorted: {$sortArray: {input: ['b', 'C', 'a'], sortBy: 1}},
                    byField: {$sortArray: {input: [{k: 'b'}, {k: 'A'}], sortBy: {k: 1}}},
                    max: {$max: ['a', 'B']}, min: {$min: ['b', 'A']}}}
                """));
        var groups = await AggregateAsync(collection, options,
            Doc("{$group: {_id: '$g', max: {$max: '$w'}, min: {$min: '$w'}, set: {$addToSet: '$w'}}}"));
        var buckets = await AggregateAsync(collection, options,
            Doc("{$bucket: {groupBy: '$w', boundaries: ['A', 'B', 'z'], output: {ids: {$push: '$_id'}}}}"));
        var unsortedBoundaries = await Assert.ThrowsAsync<MongoCommandException>(() => AggregateAsync(collection, options,
            Doc("{$bucket: {groupBy: '$w', boundaries: ['B', 'b']}}")));

        AssertSameFields(
            Doc("""
                {_id: 1, in: true, at: 1, union: 2, same: true, subset: true, diff: ['b'], inter: 1,
                 sorted: ['a', 'b', 'C'], byField: [{k: 'A'}, {k: 'b'}], max: 'B', min: 'A'}
                """),
            Assert.Single(projected));
        var group = Assert.Single(groups);
        Assert.Equal("b", group["max"].AsString);
        Assert.Equal("a", group["min"].AsString);
        Assert.Equal(2, group["set"].AsBsonArray.Count);
        Assert.Equal(["A", "B"], buckets.Select(b => b["_id"].AsString));
        Assert.Equal([3], buckets[0]["ids"].AsBsonArray.Select(i => i.AsInt32));
        Assert.Equal(40194, unsortedBoundaries.Code);
    }

    [Fact]
    public async Task Lookup_matches_local_and_foreign_fields_under_the_pipeline_collation()
    {
        string[] foreign = ["{_id: 1, k: 'key'}", "{_id: 2, k: 'KEY'}", "{_id: 3, k: 'other'}"];

        Assert.Empty(await LookedUpIdsAsync("lookup_binary", "{_id: 1, k: 'Key'}", foreign, null));
        Assert.Equal(new[] { 1, 2 }, await LookedUpIdsAsync("lookup_collated", "{_id: 1, k: 'Key'}", foreign, new AggregateOptions { Collation = En(CollationStrength.Secondary) }));
    }

    [Fact]
    public async Task Update_operators_that_compare_values_use_the_statement_collation()
    {
        var collection = NewCollection();
        await collection.InsertOneAsync(Doc("{_id: 1, tags: ['A', 'b'], pulled: ['x', 'X', 'y'], all: ['x', 'X', 'y'], low: 'B', ranked: ['b', 'C', 'a']}"), cancellationToken: Ct);
        var options = new UpdateOptions { Collation = En(CollationStrength.Secondary) };

        await collection.UpdateOneAsync("{_id: 1}", """
            {$addToSet: {tags: {$each: ['a', 'B', 'c', 'C']}}, $pull: {pulled: 'X'}, $pullAll: {all: ['X']},
             $min: {low: 'a'}, $push: {ranked: {$each: [], $sort: 1}}}
            """, options, Ct);
        var document = await collection.Find("{_id: 1}").SingleAsync(Ct);

        AssertSameFields(Doc("{_id: 1, tags: ['A', 'b', 'c'], pulled: ['y'], all: ['y'], low: 'a', ranked: ['a', 'b', 'C']}"), document);
    }

    [Fact]
    public async Task An_index_with_a_collation_enforces_uniqueness_under_it_and_answers_both_kinds_of_query()
    {
        var collection = NewCollection();
        var secondary = En(CollationStrength.Secondary);
        await collection.Indexes.CreateOneAsync(
            new CreateIndexModel<BsonDocument>(Doc("{w: 1}"), new CreateIndexOptions { Unique = true, Collation = secondary }), cancellationToken: Ct);
        await collection.InsertManyAsync(Docs("{_id: 1, w: 'straße'}", "{_id: 2, w: 'x'}", "{_id: 3, w: 'y'}"), cancellationToken: Ct);

        var duplicate = await Assert.ThrowsAsync<MongoWriteException>(() => collection.InsertOneAsync(Doc("{_id: 4, w: 'X'}"), cancellationToken: Ct));
        await collection.InsertOneAsync(Doc("{_id: 5, w: 'xy'}"), cancellationToken: Ct);
        var index = (await (await collection.Indexes.ListAsync(Ct)).ToListAsync(Ct)).Single(i => i["name"] == "w_1");

        Assert.Equal(ServerErrorCategory.DuplicateKey, duplicate.WriteError.Category);
        Assert.Equal("en_US", index["collation"]["locale"].AsString);
        Assert.Equal(2, index["collation"]["strength"].ToInt32());
        Assert.Equal(new[] { 2 }, await IdsAsync(collection, "{w: 'x'}", null));
        Assert.Empty(await IdsAsync(collection, "{w: 'X'}", null));
        Assert.Equal(new[] { 2 }, await IdsAsync(collection, "{w: 'X'}", secondary));
        Assert.Equal(new[] { 2, 3, 5 }, await IdsAsync(collection, "{w: {$gte: 'X'}}", secondary));
        Assert.Equal(new[] { 3, 5 }, await IdsAsync(collection, "{w: {$gt: 'x'}}", null));
    }

    [Fact]
    public async Task A_collection_default_collation_applies_to_ids_indexes_and_operations_that_name_none()
    {
        var name = Fixture.NewCollectionName("default_collation");
        await Database.CreateCollectionAsync(name, new CreateCollectionOptions { Collation = En(CollationStrength.Secondary) }, Ct);
        var collection = Database.GetCollection<BsonDocument>(name);
        await collection.InsertManyAsync(Docs("{_id: 'a', n: 'bob'}", "{_id: 'b', n: 'Bob'}", "{_id: 'c', n: 'ann'}"), cancellationToken: Ct);
        await collection.Indexes.CreateOneAsync(new CreateIndexModel<BsonDocument>(Doc("{n: 1}")), cancellationToken: Ct);

        var duplicate = await Assert.ThrowsAsync<MongoWriteException>(() => collection.InsertOneAsync(Doc("{_id: 'A'}"), cancellationToken: Ct));
        var byDefault = await collection.Find("{n: 'BOB'}").Sort("{_id: 1}").ToListAsync(Ct);
        var simple = await collection.Find("{n: 'bob'}", new FindOptions { Collation = Collation.Simple }).ToListAsync(Ct);
        var indexes = await (await collection.Indexes.ListAsync(Ct)).ToListAsync(Ct);
        var listed = await (await Database.ListCollectionsAsync(new ListCollectionsOptions { Filter = new BsonDocument("name", name) }, Ct)).SingleAsync(Ct);

        Assert.Equal(ServerErrorCategory.DuplicateKey, duplicate.WriteError.Category);
        Assert.Equal(["a", "b"], byDefault.Select(d => d["_id"].AsString));
        Assert.Equal("a", Assert.Single(simple)["_id"].AsString);
        Assert.All(indexes, i => Assert.Equal(2, i["collation"]["strength"].ToInt32()));
        Assert.Equal("en_US", listed["options"]["collation"]["locale"].AsString);
    }

    [Fact]
    public async Task A_collation_names_the_servers_icu_version_and_refuses_another()
    {
        var collection = NewCollection();
        var name = collection.CollectionNamespace.CollectionName;
        await collection.Indexes.CreateOneAsync(
            new CreateIndexModel<BsonDocument>(Doc("{w: 1}"), new CreateIndexOptions { Collation = En(CollationStrength.Secondary) }), cancellationToken: Ct);

        var index = (await (await collection.Indexes.ListAsync(Ct)).ToListAsync(Ct)).Single(i => i["name"] == "w_1");
        var sameVersion = await Database.RunCommandAsync<BsonDocument>(
            new BsonDocument { { "find", name }, { "collation", Doc("{locale: 'en', version: '57.1'}") } }, cancellationToken: Ct);
        var otherVersion = await Assert.ThrowsAsync<MongoCommandException>(() => Database.RunCommandAsync<BsonDocument>(
            new BsonDocument { { "find", name }, { "collation", Doc("{locale: 'en', version: '52.1'}") } }, cancellationToken: Ct));

        Assert.Equal(
            Doc("""
                {locale: 'en_US', caseLevel: false, caseFirst: 'off', strength: 2, numericOrdering: false,
                 alternate: 'non-ignorable', maxVariable: 'punct', normalization: false, backwards: false, version: '57.1'}
                """),
            index["collation"].AsBsonDocument);
        Assert.Equal(1, sameVersion["ok"].ToInt32());
        Assert.Equal(161, otherVersion.Code);
    }

    [Fact]
    public async Task Shifted_ignores_spaces_and_punctuation_or_spaces_only_but_never_symbols()
    {
        var collection = NewCollection();
        await collection.InsertManyAsync(
            Docs("{_id: 1, w: 'ab'}", "{_id: 2, w: 'a-b'}", "{_id: 3, w: 'a b'}", "{_id: 4, w: 'a$b'}", "{_id: 5, w: 'a+b'}", "{_id: 6, w: 'A.B'}"),
            cancellationToken: Ct);
        var punct = new Collation("en", strength: CollationStrength.Tertiary, alternate: CollationAlternate.Shifted);
        var space = new Collation("en", strength: CollationStrength.Tertiary, alternate: CollationAlternate.Shifted, maxVariable: CollationMaxVariable.Space);
        var primary = new Collation("en", strength: CollationStrength.Primary, alternate: CollationAlternate.Shifted);

        Assert.Equal(new[] { 1, 2, 3 }, await IdsAsync(collection, "{w: 'ab'}", punct));
        Assert.Equal(new[] { 1, 3 }, await IdsAsync(collection, "{w: 'ab'}", space));
        Assert.Equal(new[] { 1, 2, 3, 6 }, await IdsAsync(collection, "{w: 'a b'}", primary));
    }

    [Fact]
    public async Task Strength_5_breaks_ties_by_the_canonical_decomposition()
    {
        var collection = NewCollection();
        await collection.InsertManyAsync(
            [new BsonDocument { { "_id", 1 }, { "w", "\u00e9" } }, new BsonDocument { { "_id", 2 }, { "w", "e\u0301" } }, new BsonDocument { { "_id", 3 }, { "w", "\u00c9" } }],
            cancellationToken: Ct);

        Assert.Equal(new[] { 1, 2 }, await IdsAsync(collection, "{w: '\u00e9'}", En(CollationStrength.Identical)));
    }

    [Theory]
    [InlineData("{locale: 'en', strength: 1, caseFirst: 'lower'}")]
    [InlineData("{locale: 'en', strength: 2, caseFirst: 'upper'}")]
    [InlineData("{locale: 'en', strength: 1, backwards: true}")]
    [InlineData("{locale: 'da', strength: 1}")]
    [InlineData("{locale: 'mt', strength: 2}")]
    [InlineData("{locale: 'fr_CA', strength: 1}")]
    public async Task Collation_options_that_cannot_take_effect_together_are_refused(string collation)
    {
        var name = NewCollection().CollectionNamespace.CollectionName;

        var error = await Assert.ThrowsAsync<MongoCommandException>(() =>
            Database.RunCommandAsync<BsonDocument>(new BsonDocument { { "find", name }, { "collation", Doc(collation) } }, cancellationToken: Ct));

        Assert.Equal(2, error.Code);
    }

    /// <summary>The server takes a locale id only in ICU's canonical spelling.</summary>
    [Theory]
    [InlineData("EN")]
    [InlineData("fr-CA")]
    [InlineData("fr_ca")]
    public async Task Locale_ids_not_spelled_as_ICU_spells_them_are_refused(string locale)
    {
        var name = NewCollection().CollectionNamespace.CollectionName;

        var error = await Assert.ThrowsAsync<MongoCommandException>(() => Database.RunCommandAsync<BsonDocument>(
            new BsonDocument { { "find", name }, { "collation", new BsonDocument("locale", locale) } }, cancellationToken: Ct));

        Assert.Equal(2, error.Code);
    }

    [Fact]
    public async Task Invalid_collations_are_refused()
    {
        var collection = NewCollection();

        var name = collection.CollectionNamespace.CollectionName;

        foreach (var collation in new[] { "{strength: 2}", "{locale: 'en', strength: 6}", "{locale: 'en', strength: 'high'}", "{locale: 'en', bogus: 1}" })
        {
            await Assert.ThrowsAsync<MongoCommandException>(() =>
                Database.RunCommandAsync<BsonDocument>(new BsonDocument { { "find", name }, { "collation", Doc(collation) } }, cancellationToken: Ct));
        }
    }

    [Fact]
    public async Task Options_left_out_take_the_locales_own_defaults()
    {
        var collection = NewCollection();
        await collection.InsertManyAsync(Docs("{_id: 1, w: 'a'}", "{_id: 2, w: 'A'}"), cancellationToken: Ct);
        foreach (var locale in new[] { "da", "fr_CA", "th", "vi", "en" })
        {
            await collection.Indexes.CreateOneAsync(
                new CreateIndexModel<BsonDocument>(new BsonDocument(locale, 1), new CreateIndexOptions { Collation = new Collation(locale) }), cancellationToken: Ct);
        }

        var indexes = (await (await collection.Indexes.ListAsync(Ct)).ToListAsync(Ct)).ToDictionary(i => i["name"].AsString, i => i.GetValue("collation", null));
        var danish = await collection.Find("{}", new FindOptions { Collation = new Collation("da") }).Sort("{w: 1}").ToListAsync(Ct);

        Assert.Equal("upper", indexes["da_1"]["caseFirst"].AsString);
        Assert.True(indexes["fr_CA_1"]["backwards"].AsBoolean);
        Assert.Equal("shifted", indexes["th_1"]["alternate"].AsString);
        Assert.True(indexes["th_1"]["normalization"].AsBoolean);
        Assert.True(indexes["vi_1"]["normalization"].AsBoolean);
        Assert.Equal(Doc("{caseFirst: 'off', alternate: 'non-ignorable', normalization: false, backwards: false}"),
            new BsonDocument(indexes["en_1"].AsBsonDocument.Where(e => e.Name is "caseFirst" or "backwards" or "alternate" or "normalization")));
        Assert.Equal(["A", "a"], danish.Select(d => d["w"].AsString));
    }

    [Fact]
    public async Task An_empty_collation_names_none_on_operations_but_not_on_an_index()
    {
        var collection = NewCollection();
        var name = collection.CollectionNamespace.CollectionName;
        await collection.InsertManyAsync(Docs("{_id: 1, w: 'a'}", "{_id: 2, w: 'A'}", "{_id: 3, w: 'b'}"), cancellationToken: Ct);
        var empty = new BsonDocument();
        Task<BsonDocument> RunAsync(BsonDocument command) => Database.RunCommandAsync<BsonDocument>(command, cancellationToken: Ct);

        var found = await RunAsync(new BsonDocument { { "find", name }, { "filter", Doc("{w: 'A'}") }, { "collation", empty } });
        var aggregated = await RunAsync(new BsonDocument
        {
            { "aggregate", name }, { "pipeline", new BsonArray { Doc("{$match: {w: 'A'}}") } }, { "cursor", empty }, { "collation", empty },
        });
        var updated = await RunAsync(new BsonDocument
        {
            { "update", name }, { "updates", new BsonArray { new BsonDocument { { "q", Doc("{w: 'A'}") }, { "u", Doc("{$set: {u: 1}}") }, { "collation", empty } } } },
        });
        var deleted = await RunAsync(new BsonDocument
        {
            { "delete", name }, { "deletes", new BsonArray { new BsonDocument { { "q", Doc("{w: 'b'}") }, { "limit", 0 }, { "collation", empty } } } },
        });
        var index = await Assert.ThrowsAsync<MongoCommandException>(() => RunAsync(new BsonDocument
        {
            { "createIndexes", name }, { "indexes", new BsonArray { new BsonDocument { { "key", Doc("{w: 1}") }, { "name", "w_1" }, { "collation", empty } } } },
        }));

        Assert.Equal([2], found["cursor"]["firstBatch"].AsBsonArray.Select(d => d["_id"].ToInt32()));
        Assert.Equal([2], aggregated["cursor"]["firstBatch"].AsBsonArray.Select(d => d["_id"].ToInt32()));
        Assert.Equal(1, updated["n"].ToInt32());
        Assert.Equal(1, deleted["n"].ToInt32());
        Assert.Equal(2, index.Code);
    }
}
