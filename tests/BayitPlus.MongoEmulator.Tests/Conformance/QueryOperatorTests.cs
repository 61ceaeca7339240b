using BayitPlus.Testing;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.MongoEmulator.Tests.Conformance;

public sealed class QueryOperatorTests(MongoDatabaseFixture fixture) : ConformanceTest(fixture)
{
    private async Task<IMongoCollection<BsonDocument>> SeededAsync()
    {
        var collection = NewCollection("query");
        var first = Doc("{_id: 1, name: 'alpha', qty: 5, price: 10.5, tags: ['a', 'b'], nums: [1, 10], size: {h: 10, w: 15}, items: [{k: 'x', v: 1}, {k: 'y', v: 5}]}");
        first["note"] = "first line\nSecond line";
        await collection.InsertManyAsync(
        [
            first,
            Doc("{_id: 2, name: 'beta', qty: 15, price: 12, tags: ['b', 'c', 'd'], nums: [4], items: [{k: 'x', v: 7}], nul: null}"),
            Doc("{_id: 3, name: 'Gamma', qty: 25, price: NumberLong(30), tags: []}"),
            Doc("{_id: 4, name: 'delta', qty: '25', tags: 'a'}"),
            Doc("{_id: 5, name: 'epsilon'}"),
        ], cancellationToken: Ct);
        return collection;
    }

    [Theory]
    [InlineData("{qty: 15}", 2)]
    [InlineData("{qty: {$eq: 15}}", 2)]
    [InlineData("{tags: 'b'}", 1, 2)]
    [InlineData("{tags: 'a'}", 1, 4)]
    [InlineData("{tags: ['a', 'b']}", 1)]
    [InlineData("{'size.h': 10}", 1)]
    [InlineData("{size: {h: 10, w: 15}}", 1)]
    [InlineData("{size: {w: 15, h: 10}}")]
    [InlineData("{'tags.0': 'b'}", 2)]
    [InlineData("{'items.1.v': 5}", 1)]
    [InlineData("{qty: {$ne: 15}}", 1, 3, 4, 5)]
    public Task Equality(string filter, params int[] expected) => AssertMatchesAsync(filter, expected);

    [Theory]
    [InlineData("{qty: {$gt: 5}}", 2, 3)]
    [InlineData("{qty: {$gte: 5}}", 1, 2, 3)]
    [InlineData("{qty: {$lt: 25}}", 1, 2)]
    [InlineData("{qty: {$lte: 25}}", 1, 2, 3)]
    [InlineData("{qty: {$gte: '0'}}", 4)]
    [InlineData("{price: {$gte: 12}}", 2, 3)]
    [InlineData("{price: {$lt: 12}}", 1)]
    [InlineData("{qty: {$gt: 1, $lt: 20}}", 1, 2)]
    [InlineData("{nums: {$gt: 5, $lt: 3}}", 1)]
    [InlineData("{nums: {$elemMatch: {$gt: 5, $lt: 3}}}")]
    public Task Comparison_brackets_types_and_matches_any_array_element(string filter, params int[] expected) =>
        AssertMatchesAsync(filter, expected);

    [Theory]
    [InlineData("{qty: {$in: [5, 25]}}", 1, 3)]
    [InlineData("{name: {$in: [/^g/i, 'beta']}}", 2, 3)]
    [InlineData("{tags: {$in: ['d', 'zzz']}}", 2)]
    [InlineData("{qty: {$nin: [5, 15]}}", 3, 4, 5)]
    [InlineData("{tags: {$nin: ['a']}}", 2, 3, 5)]
    public Task Membership(string filter, params int[] expected) => AssertMatchesAsync(filter, expected);

    [Theory]
    [InlineData("{$and: [{qty: {$gt: 1}}, {qty: {$lt: 20}}]}", 1, 2)]
    [InlineData("{$or: [{qty: 5}, {name: 'delta'}]}", 1, 4)]
    [InlineData("{$nor: [{qty: 5}, {qty: {$exists: false}}]}", 2, 3, 4)]
    [InlineData("{qty: {$not: {$gt: 10}}}", 1, 4, 5)]
    [InlineData("{name: {$not: /^[a-d]/}}", 3, 5)]
    [InlineData("{$or: [{$and: [{qty: {$type: 'number'}}, {qty: {$lt: 10}}]}, {tags: {$size: 3}}]}", 1, 2)]
    public Task Logical(string filter, params int[] expected) => AssertMatchesAsync(filter, expected);

    [Theory]
    [InlineData("{qty: {$exists: true}}", 1, 2, 3, 4)]
    [InlineData("{qty: {$exists: false}}", 5)]
    [InlineData("{nul: {$exists: true}}", 2)]
    [InlineData("{nul: null}", 1, 2, 3, 4, 5)]
    [InlineData("{qty: null}", 5)]
    [InlineData("{nul: {$ne: null}}")]
    [InlineData("{qty: {$in: [null, 15]}}", 2, 5)]
    public Task Null_matches_missing_and_exists_tells_them_apart(string filter, params int[] expected) =>
        AssertMatchesAsync(filter, expected);

    [Theory]
    [InlineData("{qty: {$type: 'string'}}", 4)]
    [InlineData("{qty: {$type: 'number'}}", 1, 2, 3)]
    [InlineData("{price: {$type: 'long'}}", 3)]
    [InlineData("{price: {$type: 'double'}}", 1)]
    [InlineData("{price: {$type: 16}}", 2)]
    [InlineData("{tags: {$type: 'array'}}", 1, 2, 3)]
    [InlineData("{nul: {$type: 'null'}}", 2)]
    [InlineData("{qty: {$type: ['string', 'int']}}", 1, 2, 3, 4)]
    public Task Type(string filter, params int[] expected) => AssertMatchesAsync(filter, expected);

    [Theory]
    [InlineData("{tags: {$all: ['b', 'c']}}", 2)]
    [InlineData("{tags: {$all: ['a']}}", 1, 4)]
    [InlineData("{tags: {$size: 2}}", 1)]
    [InlineData("{tags: {$size: 0}}", 3)]
    [InlineData("{items: {$elemMatch: {k: 'x', v: {$gt: 3}}}}", 2)]
    [InlineData("{'items.k': 'x', 'items.v': {$gt: 3}}", 1, 2)]
    [InlineData("{items: {$elemMatch: {k: {$in: ['y', 'z']}}}}", 1)]
    public Task Arrays(string filter, params int[] expected) => AssertMatchesAsync(filter, expected);

    [Theory]
    [InlineData("{name: {$regex: '^a'}}", 1)]
    [InlineData("{name: {$regex: '^g', $options: 'i'}}", 3)]
    [InlineData("{name: /ALP/i}", 1)]
    [InlineData("{name: /^[ab]/}", 1, 2)]
    [InlineData("{note: {$regex: '^Second', $options: 'm'}}", 1)]
    [InlineData("{note: {$regex: '^Second'}}")]
    [InlineData("{tags: /^[cd]$/}", 2)]
    public Task Regex(string filter, params int[] expected) => AssertMatchesAsync(filter, expected);

    [Theory]
    [InlineData("{$expr: {$gt: ['$price', '$qty']}}", 1, 3)]
    [InlineData("{$expr: {$eq: ['$name', {$concat: ['al', 'pha']}]}}", 1)]
    [InlineData("{$expr: {$gt: [{$multiply: ['$price', 2]}, 25]}}", 3)]
    [InlineData("{$expr: {$in: ['$name', ['beta', 'delta']]}}", 2, 4)]
    [InlineData("{$expr: {$eq: [{$ifNull: ['$nul', 'none']}, 'none']}}", 1, 2, 3, 4, 5)]
    public Task Expr(string filter, params int[] expected) => AssertMatchesAsync(filter, expected);

    [Fact]
    public async Task Sort_follows_the_bson_type_order()
    {
        var collection = await SeededAsync();

        var ascending = await collection.Find("{}").Sort("{qty: 1, _id: 1}").Project("{_id: 1}").ToListAsync(Ct);

        Assert.Equal([5, 1, 2, 3, 4], ascending.Select(d => d["_id"].AsInt32));
    }

    [Fact]
    public async Task Unknown_query_operator_is_rejected()
    {
        var collection = await SeededAsync();

        var ex = await Assert.ThrowsAsync<MongoCommandException>(() => collection.Find("{qty: {$frobnicate: 1}}").ToListAsync(Ct));

        Assert.Equal(2, ex.Code);
        Assert.Contains("$frobnicate", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{a: null}", 1, 4, 5)]
    [InlineData("{a: {$eq: null}}", 1, 4, 5)]
    [InlineData("{a: {$in: [null, 4]}}", 1, 4, 5, 6)]
    [InlineData("{a: {$gte: null}}", 1, 4, 5)]
    [InlineData("{a: {$lte: null}}", 1, 4, 5)]
    [InlineData("{a: {$ne: null}}", 2, 3, 6)]
    [InlineData("{a: {$nin: [null]}}", 2, 3, 6)]
    [InlineData("{a: {$not: {$gte: null}}}", 2, 3, 6)]
    [InlineData("{a: {$type: 'undefined'}}", 2, 3)]
    public async Task Null_no_longer_matches_undefined_since_8_0(string filter, params int[] expected)
    {
        var collection = NewCollection("undefined");
        await collection.InsertManyAsync(
            Docs("{_id: 1, a: null}", "{_id: 2, a: undefined}", "{_id: 3, a: [1, undefined]}", "{_id: 4}", "{_id: 5, a: [null]}", "{_id: 6, a: 4}"),
            cancellationToken: Ct);

        Assert.Equal(expected, await IdsAsync(collection, filter));
    }

    [Theory]
    [InlineData("{a: undefined}")]
    [InlineData("{a: {$ne: undefined}}")]
    [InlineData("{a: {$lt: undefined}}")]
    [InlineData("{a: {$in: [1, undefined]}}")]
    public async Task Comparing_to_undefined_is_refused(string filter)
    {
        var collection = NewCollection("undefined_operand");

        var ex = await Assert.ThrowsAsync<MongoCommandException>(() => collection.Find(filter).ToListAsync(Ct));

        Assert.Equal(2, ex.Code);
    }

    [Fact]
    public async Task Lookup_of_a_null_local_field_no_longer_matches_an_undefined_foreign_one() =>
        Assert.Equal(new[] { 2, 3 }, await LookedUpIdsAsync("lookup_null", "{_id: 1, k: null}", ["{_id: 1, k: undefined}", "{_id: 2, k: null}", "{_id: 3}"], null));

    private async Task AssertMatchesAsync(string filter, int[] expected)
    {
        var collection = await SeededAsync();
        Assert.Equal(expected, await IdsAsync(collection, filter));
    }
}
