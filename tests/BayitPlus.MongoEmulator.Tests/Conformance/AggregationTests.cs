using BayitPlus.Testing;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.MongoEmulator.Tests.Conformance;

public sealed class AggregationTests(MongoDatabaseFixture fixture) : ConformanceTest(fixture)
{
    private async Task<IMongoCollection<BsonDocument>> SalesAsync(string hint)
    {
        var collection = NewCollection(hint);
        await collection.InsertManyAsync(Docs(
            "{_id: 1, item: 'apple', cat: 'fruit', qty: 5, price: 2, tags: ['red', 'sweet'], sold: ISODate('2024-03-10T15:30:00Z'), sub: {a: 1}}",
            "{_id: 2, item: 'banana', cat: 'fruit', qty: 10, price: 1, tags: ['yellow'], sold: ISODate('2024-03-10T09:00:00Z'), sub: {a: 2}}",
            "{_id: 3, item: 'carrot', cat: 'veg', qty: 3, price: 4, tags: [], sold: ISODate('2024-03-11T10:00:00Z'), sub: {a: 3}}",
            "{_id: 4, item: 'daikon', cat: 'veg', qty: 7, price: 3, sold: ISODate('2024-04-02T10:00:00Z'), sub: {a: 4}}"),
            cancellationToken: Ct);
        return collection;
    }

    private async Task<List<BsonDocument>> RunAsync(string hint, params string[] stages)
    {
        var collection = await SalesAsync(hint);
        return await AggregateAsync(collection, null, [.. stages.Select(BsonDocument.Parse)]);
    }

    [Fact]
    public async Task Match_sort_skip_limit_and_project()
    {
        var result = await RunAsync("agg_basic",
            "{$match: {qty: {$gte: 4}}}", "{$sort: {qty: -1}}", "{$skip: 1}", "{$limit: 2}", "{$project: {_id: 0, item: 1}}");

        Assert.Equal([Doc("{item: 'daikon'}"), Doc("{item: 'apple'}")], result);
    }

    [Fact]
    public async Task Project_computes_common_expressions()
    {
        var result = await RunAsync("agg_project", "{$match: {_id: 1}}", """
            {$project: {
                total: {$multiply: ['$qty', '$price']},
                diff: {$subtract: ['$qty', '$price']},
                sum: {$add: ['$qty', '$price', 1]},
                ratio: {$divide: ['$qty', '$price']},
                label: {$concat: ['$item', '-', '$cat']},
                qtyText: {$toString: '$qty'},
                size: {$cond: [{$gte: ['$qty', 7]}, 'big', 'small']},
                size2: {$cond: {if: {$lt: ['$qty', 7]}, then: 'small', else: 'big'}},
                nTags: {$size: '$tags'},
                isRed: {$in: ['red', '$tags']},
                missing: {$ifNull: ['$nothing', 'fallback']},
                a: '$sub.a',
                same: {$eq: ['$qty', 5]},
                day: {$dateTrunc: {date: '$sold', unit: 'day'}}
            }}
            """);

        AssertSameFields(Doc("""
            {_id: 1, total: 10, diff: 3, sum: 8, ratio: 2.5, label: 'apple-fruit', qtyText: '5', size: 'small', size2: 'small',
             nTags: 2, isRed: true, missing: 'fallback', a: 1, same: true, day: ISODate('2024-03-10T00:00:00Z')}
            """), Assert.Single(result));
    }

    [Fact]
    public async Task Project_inclusion_and_exclusion()
    {
        var included = await RunAsync("agg_incl", "{$match: {_id: 2}}", "{$project: {item: 1, 'sub.a': 1}}");
        var excluded = await RunAsync("agg_excl", "{$match: {_id: 2}}", "{$project: {tags: 0, sold: 0, sub: 0, _id: 0}}");

        AssertSameFields(Doc("{_id: 2, item: 'banana', sub: {a: 2}}"), Assert.Single(included));
        AssertSameFields(Doc("{item: 'banana', cat: 'fruit', qty: 10, price: 1}"), Assert.Single(excluded));
    }

    [Fact]
    public async Task AddFields_set_and_unset()
    {
        var result = await RunAsync("agg_addfields",
            "{$match: {_id: 2}}",
            "{$addFields: {total: {$multiply: ['$qty', '$price']}}}",
            "{$set: {'sub.b': 'x', cat: {$concat: ['$cat', '!']}}}",
            "{$unset: ['tags', 'sold']}");

        AssertSameFields(Doc("{_id: 2, item: 'banana', cat: 'fruit!', qty: 10, price: 1, sub: {a: 2, b: 'x'}, total: 10}"), Assert.Single(result));
    }

    [Fact]
    public async Task Group_with_every_accumulator()
    {
        var result = await RunAsync("agg_group", "{$sort: {_id: 1}}", """
            {$group: {
                _id: '$cat', n: {$sum: 1}, qty: {$sum: '$qty'}, avg: {$avg: '$qty'}, min: {$min: '$qty'}, max: {$max: '$qty'},
                first: {$first: '$item'}, last: {$last: '$item'}, items: {$push: '$item'}, cats: {$addToSet: '$cat'}, count: {$count: {}}
            }}
            """, "{$sort: {_id: 1}}");

        Assert.Equal(2, result.Count);
        AssertSameFields(Doc("{_id: 'fruit', n: 2, qty: 15, avg: 7.5, min: 5, max: 10, first: 'apple', last: 'banana', items: ['apple', 'banana'], cats: ['fruit'], count: 2}"), result[0]);
        AssertSameFields(Doc("{_id: 'veg', n: 2, qty: 10, avg: 5.0, min: 3, max: 7, first: 'carrot', last: 'daikon', items: ['carrot', 'daikon'], cats: ['veg'], count: 2}"), result[1]);
    }

    [Fact]
    public async Task Group_by_null_compound_keys_and_truncated_dates()
    {
        var collection = await SalesAsync("agg_group_keys");

        var total = await AggregateAsync(collection, null, Doc("{$group: {_id: null, revenue: {$sum: {$multiply: ['$qty', '$price']}}}}"));
        var compound = await AggregateAsync(collection, null,
            Doc("{$group: {_id: {cat: '$cat', big: {$gte: ['$qty', 6]}}, n: {$sum: 1}}}"),
            Doc("{$sort: {'_id.cat': 1, '_id.big': 1}}"));
        var months = await AggregateAsync(collection, null,
            Doc("{$group: {_id: {$dateTrunc: {date: '$sold', unit: 'month'}}, n: {$sum: 1}}}"),
            Doc("{$sort: {_id: 1}}"));

        Assert.Equal([Doc("{_id: null, revenue: 53}")], total);
        Assert.Equal(
        [
            Doc("{_id: {cat: 'fruit', big: false}, n: 1}"),
            Doc("{_id: {cat: 'fruit', big: true}, n: 1}"),
            Doc("{_id: {cat: 'veg', big: false}, n: 1}"),
            Doc("{_id: {cat: 'veg', big: true}, n: 1}"),
        ], compound);
        Assert.Equal([Doc("{_id: ISODate('2024-03-01T00:00:00Z'), n: 3}"), Doc("{_id: ISODate('2024-04-01T00:00:00Z'), n: 1}")], months);
    }

    [Fact]
    public async Task Unwind_drops_empty_arrays_unless_asked_to_preserve_them()
    {
        var plain = await RunAsync("agg_unwind", "{$unwind: '$tags'}", "{$project: {tags: 1}}", "{$sort: {_id: 1, tags: 1}}");
        var preserved = await RunAsync("agg_unwind_keep",
            "{$unwind: {path: '$tags', includeArrayIndex: 'i', preserveNullAndEmptyArrays: true}}",
            "{$project: {i: 1}}",
            "{$sort: {_id: 1, i: 1}}");

        Assert.Equal([Doc("{_id: 1, tags: 'red'}"), Doc("{_id: 1, tags: 'sweet'}"), Doc("{_id: 2, tags: 'yellow'}")], plain);
        Assert.Equal(
            [Doc("{_id: 1, i: NumberLong(0)}"), Doc("{_id: 1, i: NumberLong(1)}"), Doc("{_id: 2, i: NumberLong(0)}"), Doc("{_id: 3, i: null}"), Doc("{_id: 4, i: null}")],
            preserved);
    }

    [Fact]
    public async Task Lookup_joins_on_local_and_foreign_fields()
    {
        var orders = NewCollection("orders");
        var customers = NewCollection("customers");
        await orders.InsertManyAsync(Docs("{_id: 1, cust: 'c1'}", "{_id: 2, cust: 'c2'}", "{_id: 3, cust: 'c9'}", "{_id: 4, cust: ['c1', 'c2']}"), cancellationToken: Ct);
        await customers.InsertManyAsync(Docs("{_id: 'c1', name: 'Ann'}", "{_id: 'c2', name: 'Ben'}"), cancellationToken: Ct);

        var joined = await AggregateAsync(orders, null,
            new BsonDocument("$lookup", new BsonDocument
            {
                { "from", customers.CollectionNamespace.CollectionName },
                { "localField", "cust" },
                { "foreignField", "_id" },
                { "as", "customer" },
            }),
            Doc("{$project: {names: '$customer.name'}}"),
            Doc("{$sort: {_id: 1}}"));

        Assert.Equal(
            [Doc("{_id: 1, names: ['Ann']}"), Doc("{_id: 2, names: ['Ben']}"), Doc("{_id: 3, names: []}"), Doc("{_id: 4, names: ['Ann', 'Ben']}")],
            joined.Select(d => new BsonDocument { { "_id", d["_id"] }, { "names", new BsonArray(d["names"].AsBsonArray.OrderBy(n => n.AsString)) } }));
    }

    [Fact]
    public async Task Count_stage_counts_the_documents_reaching_it()
    {
        var result = await RunAsync("agg_count", "{$match: {cat: 'veg'}}", "{$count: 'n'}");

        Assert.Equal([Doc("{n: 2}")], result);
    }

    [Fact]
    public async Task Facet_runs_sub_pipelines_on_the_same_input()
    {
        var result = await RunAsync("agg_facet", """
            {$facet: {
                byCat: [{$group: {_id: '$cat', n: {$sum: 1}}}, {$sort: {_id: 1}}],
                top: [{$sort: {qty: -1}}, {$limit: 1}, {$project: {_id: 0, item: 1}}]
            }}
            """);

        Assert.Equal(Doc("{byCat: [{_id: 'fruit', n: 2}, {_id: 'veg', n: 2}], top: [{item: 'banana'}]}"), Assert.Single(result));
    }

    [Fact]
    public async Task ReplaceRoot_promotes_an_embedded_or_computed_document()
    {
        var embedded = await RunAsync("agg_replaceroot", "{$match: {_id: 1}}", "{$replaceRoot: {newRoot: '$sub'}}");
        var computed = await RunAsync("agg_replaceroot_expr", "{$match: {_id: 1}}", "{$replaceRoot: {newRoot: {item: '$item', a: '$sub.a'}}}");

        Assert.Equal([Doc("{a: 1}")], embedded);
        Assert.Equal([Doc("{item: 'apple', a: 1}")], computed);
    }

    [Fact]
    public async Task Aggregate_cursor_continues_across_getMore_batches()
    {
        var collection = NewCollection();
        await collection.InsertManyAsync(Enumerable.Range(0, 30).Select(i => new BsonDocument("_id", i)), cancellationToken: Ct);

        var result = await AggregateAsync(collection, new AggregateOptions { BatchSize = 4 }, Doc("{$sort: {_id: -1}}"));

        Assert.Equal(Enumerable.Range(0, 30).Reverse(), result.Select(d => d["_id"].AsInt32));
    }

    [Fact]
    public async Task Unknown_stage_is_rejected_with_an_error_naming_it()
    {
        var collection = await SalesAsync("agg_unknown");

        var ex = await Assert.ThrowsAsync<MongoCommandException>(() =>
            AggregateAsync(collection, null, Doc("{$frobnicate: {}}")));

        Assert.Contains("$frobnicate", ex.Message, StringComparison.Ordinal);
    }
}
