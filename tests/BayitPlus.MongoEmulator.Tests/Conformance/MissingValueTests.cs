using BayitPlus.Testing;
using MongoDB.Bson;

namespace BayitPlus.MongoEmulator.Tests.Conformance;

/// <summary>Aggregation expressions compare a missing field as a value of its own, equal only to
/// missing and undefined and below null (only MinKey is lower), whereas query matching, sorts and
/// <c>$group</c> keys take it for null.</summary>
public sealed class MissingValueTests(MongoDatabaseFixture fixture) : ConformanceTest(fixture)
{
    [Theory]
    [InlineData("{$eq: ['$nosuch', null]}", "false")]
    [InlineData("{$ne: ['$nosuch', null]}", "true")]
    [InlineData("{$lt: ['$nosuch', null]}", "true")]
    [InlineData("{$lte: ['$nosuch', null]}", "true")]
    [InlineData("{$gt: ['$nosuch', null]}", "false")]
    [InlineData("{$gte: ['$nosuch', null]}", "false")]
    [InlineData("{$cmp: ['$nosuch', null]}", "-1")]
    [InlineData("{$cmp: ['$n', '$nosuch']}", "1")]
    [InlineData("{$eq: ['$nosuch', '$alsoMissing']}", "true")]
    [InlineData("{$cmp: ['$nosuch', '$alsoMissing']}", "0")]
    [InlineData("{$gt: ['$nosuch', {$minKey: 1}]}", "true")]
    [InlineData("{$eq: ['$u', '$nosuch']}", "true")]
    [InlineData("{$eq: ['$u', null]}", "false")]
    [InlineData("{$lt: ['$u', '$n']}", "true")]
    [InlineData("{$eq: ['$n', null]}", "true")]
    [InlineData("{$in: ['$nosuch', [null]]}", "false")]
    [InlineData("{$in: ['$n', [null]]}", "true")]
    [InlineData("{$in: [null, ['$nosuch']]}", "true")]
    [InlineData("{$indexOfArray: [[1, null], '$nosuch']}", "-1")]
    [InlineData("{$indexOfArray: [[1, '$nosuch'], null]}", "1")]
    [InlineData("{$setEquals: [['$u'], [null]]}", "false")]
    [InlineData("{$setEquals: [['$u', '$n'], ['$n', '$u', '$n']]}", "true")]
    [InlineData("{$lt: [{x: '$u'}, {x: null}]}", "true")]
    [InlineData("{$sortArray: {input: [{k: 1}, {}, {k: '$u'}, {k: {$minKey: 1}}], sortBy: {k: 1}}}", "[{k: {$minKey: 1}}, {k: undefined}, {}, {k: 1}]")]
    [InlineData("{$sortArray: {input: [1, null, '$u'], sortBy: -1}}", "[1, null, undefined]")]
    [InlineData("{$switch: {branches: [{case: {$eq: ['$nosuch', null]}, then: 'null'}], default: 'missing'}}", "'missing'")]
    public async Task Expressions_compare_missing_below_null(string expression, string expected)
    {
        var collection = NewCollection("expr_missing");
        await collection.InsertOneAsync(Doc("{_id: 1, n: null, u: undefined}"), cancellationToken: Ct);

        var result = await AggregateAsync(collection, null, Doc("{$project: {_id: 0, r: " + expression + "}}"));

        Assert.Equal(Doc("{r: " + expected + "}"), Assert.Single(result));
    }

    [Theory]
    [InlineData("{$expr: {$eq: ['$a', null]}}", 1)]
    [InlineData("{$expr: {$ne: ['$a', null]}}", 2, 3, 4)]
    [InlineData("{$expr: {$lte: ['$a', null]}}", 1, 2, 4)]
    [InlineData("{$expr: {$lt: ['$a', null]}}", 2, 4)]
    [InlineData("{$expr: {$eq: ['$a', '$nosuch']}}", 2, 4)]
    [InlineData("{$expr: {$in: ['$a', [null, 3]]}}", 1, 3)]
    [InlineData("{a: null}", 1, 2)]
    [InlineData("{a: {$lte: null}}", 1, 2)]
    public async Task Expr_does_not_match_missing_to_null_as_a_query_does(string filter, params int[] expected)
    {
        var collection = NewCollection("expr_match");
        await collection.InsertManyAsync(Docs("{_id: 1, a: null}", "{_id: 2}", "{_id: 3, a: 3}", "{_id: 4, a: undefined}"), cancellationToken: Ct);

        Assert.Equal(expected, await IdsAsync(collection, filter));
    }

    [Theory]
    [InlineData("'$a'", "null", "undefined")]
    [InlineData("{k: '$a'}", "{k: null}", "{k: undefined}")]
    public async Task Group_keys_take_missing_for_null_but_not_undefined(string id, string nullKey, string undefinedKey)
    {
        var collection = NewCollection("group_missing");
        await collection.InsertManyAsync(Docs("{_id: 1, a: null}", "{_id: 2}", "{_id: 3, a: undefined}"), cancellationToken: Ct);

        var groups = await AggregateAsync(collection, null, Doc("{$group: {_id: " + id + ", ids: {$push: '$_id'}}}"));

        var byKey = groups.ToDictionary(g => g["_id"].ToJson(), g => g["ids"].AsBsonArray.Select(i => i.AsInt32).Order().ToArray());
        Assert.Equal(2, byKey.Count);
        Assert.Equal([1, 2], byKey[Doc("{v: " + nullKey + "}")["v"].ToJson()]);
        Assert.Equal([3], byKey[Doc("{v: " + undefinedKey + "}")["v"].ToJson()]);
    }

    [Fact]
    public async Task Add_to_set_skips_missing_and_keeps_undefined_apart_from_null()
    {
        var collection = NewCollection("add_to_set_missing");
        await collection.InsertManyAsync(Docs("{_id: 1, a: null}", "{_id: 2}", "{_id: 3, a: undefined}", "{_id: 4, a: null}"), cancellationToken: Ct);

        var result = Assert.Single(await AggregateAsync(collection, null, Doc("{$group: {_id: null, a: {$addToSet: '$a'}}}")));

        Assert.Equal([BsonType.Undefined, BsonType.Null], result["a"].AsBsonArray.Select(v => v.BsonType).Order());
    }
}
