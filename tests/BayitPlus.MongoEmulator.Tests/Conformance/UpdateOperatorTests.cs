using BayitPlus.Testing;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.MongoEmulator.Tests.Conformance;

public sealed class UpdateOperatorTests(MongoDatabaseFixture fixture) : ConformanceTest(fixture)
{
    /// <summary>Stores <paramref name="initial"/>, applies <paramref name="update"/> to it with UpdateOne and answers the stored result.</summary>
    private async Task<BsonDocument> ApplyAsync(string initial, string update, string filter = "{_id: 1}", params string[] arrayFilters)
    {
        var collection = NewCollection("update");
        await collection.InsertOneAsync(Doc(initial), cancellationToken: Ct);
        var options = new UpdateOptions();
        if (arrayFilters.Length > 0)
        {
            options.ArrayFilters = [.. arrayFilters.Select(f => new BsonDocumentArrayFilterDefinition<BsonDocument>(Doc(f)))];
        }

        var result = await collection.UpdateOneAsync(filter, update, options, Ct);
        Assert.Equal(1, result.MatchedCount);
        return await collection.Find("{}").SingleAsync(Ct);
    }

    private async Task<int> ErrorCodeAsync(string initial, string update, string filter = "{_id: 1}")
    {
        var collection = NewCollection("update_error");
        await collection.InsertOneAsync(Doc(initial), cancellationToken: Ct);
        var ex = await Assert.ThrowsAsync<MongoWriteException>(() => collection.UpdateOneAsync(filter, update, cancellationToken: Ct));
        Assert.Equal(Doc(initial), await collection.Find("{}").SingleAsync(Ct));
        return ex.WriteError.Code;
    }

    [Theory]
    [InlineData("{_id: 1, a: 1, b: {c: 1}}", "{$set: {a: 2, 'b.d': 3, 'x.y.z': true}}", "{_id: 1, a: 2, b: {c: 1, d: 3}, x: {y: {z: true}}}")]
    [InlineData("{_id: 1, arr: [1, 2, 3]}", "{$set: {'arr.1': 9, 'arr.4': 5}}", "{_id: 1, arr: [1, 9, 3, null, 5]}")]
    [InlineData("{_id: 1, a: 1, b: {c: 1, d: 2}, arr: [1, 2]}", "{$unset: {a: '', 'b.c': '', 'arr.0': '', missing: ''}}", "{_id: 1, b: {d: 2}, arr: [null, 2]}")]
    [InlineData("{_id: 1, n: 1, d: 1.5}", "{$inc: {n: 5, d: 1, m: 2}}", "{_id: 1, n: 6, d: 2.5, m: 2}")]
    [InlineData("{_id: 1, n: NumberLong(1)}", "{$inc: {n: -3}}", "{_id: 1, n: NumberLong(-2)}")]
    [InlineData("{_id: 1, n: 3, d: 1.5}", "{$mul: {n: 2, d: 2, m: 5}}", "{_id: 1, n: 6, d: 3.0, m: 0}")]
    [InlineData("{_id: 1, lo: 5, hi: 5}", "{$min: {lo: 3, fresh: 1}, $max: {hi: 7}}", "{_id: 1, lo: 3, hi: 7, fresh: 1}")]
    [InlineData("{_id: 1, lo: 5, hi: 5}", "{$min: {lo: 10}, $max: {hi: 1}}", "{_id: 1, lo: 5, hi: 5}")]
    [InlineData("{_id: 1, when: ISODate('2020-01-01T00:00:00Z')}", "{$max: {when: ISODate('2021-06-01T00:00:00Z')}}", "{_id: 1, when: ISODate('2021-06-01T00:00:00Z')}")]
    [InlineData("{_id: 1, arr: [1]}", "{$push: {arr: 2}}", "{_id: 1, arr: [1, 2]}")]
    [InlineData("{_id: 1, arr: [1]}", "{$push: {arr: [3, 4]}}", "{_id: 1, arr: [1, [3, 4]]}")]
    [InlineData("{_id: 1}", "{$push: {arr: 'first'}}", "{_id: 1, arr: ['first']}")]
    [InlineData("{_id: 1, arr: [1]}", "{$push: {arr: {$each: [5, 6], $position: 0}}}", "{_id: 1, arr: [5, 6, 1]}")]
    [InlineData("{_id: 1, arr: [1, 2, 3]}", "{$push: {arr: {$each: [4], $slice: -2}}}", "{_id: 1, arr: [3, 4]}")]
    [InlineData("{_id: 1, scores: [{s: 5}, {s: 1}, {s: 7}]}", "{$push: {scores: {$each: [{s: 3}, {s: 9}], $sort: {s: -1}, $slice: 3}}}", "{_id: 1, scores: [{s: 9}, {s: 7}, {s: 5}]}")]
    [InlineData("{_id: 1, arr: [3, 1]}", "{$push: {arr: {$each: [2], $sort: 1}}}", "{_id: 1, arr: [1, 2, 3]}")]
    [InlineData("{_id: 1, tags: ['a', 'b']}", "{$addToSet: {tags: 'a'}}", "{_id: 1, tags: ['a', 'b']}")]
    [InlineData("{_id: 1, tags: ['a', 'b']}", "{$addToSet: {tags: {$each: ['b', 'c', 'c', 'd']}}}", "{_id: 1, tags: ['a', 'b', 'c', 'd']}")]
    [InlineData("{_id: 1, n: [1, 5, 6, 8, 5]}", "{$pull: {n: 5}}", "{_id: 1, n: [1, 6, 8]}")]
    [InlineData("{_id: 1, n: [1, 5, 6, 8, 5]}", "{$pull: {n: {$gte: 6}}}", "{_id: 1, n: [1, 5, 5]}")]
    [InlineData("{_id: 1, items: [{k: 'x', v: 1}, {k: 'y', v: 2}, {k: 'x', v: 3}]}", "{$pull: {items: {k: 'x'}}}", "{_id: 1, items: [{k: 'y', v: 2}]}")]
    [InlineData("{_id: 1, items: [{k: 'x', v: 1}, {k: 'y', v: 2}, {k: 'x', v: 3}]}", "{$pull: {items: {k: 'x', v: {$gt: 2}}}}", "{_id: 1, items: [{k: 'x', v: 1}, {k: 'y', v: 2}]}")]
    [InlineData("{_id: 1, n: [1, 5, 6, 8, 5]}", "{$pullAll: {n: [5, 8]}}", "{_id: 1, n: [1, 6]}")]
    [InlineData("{_id: 1, arr: [1, 2, 3]}", "{$pop: {arr: 1}}", "{_id: 1, arr: [1, 2]}")]
    [InlineData("{_id: 1, arr: [1, 2, 3]}", "{$pop: {arr: -1}}", "{_id: 1, arr: [2, 3]}")]
    [InlineData("{_id: 1, grades: [80, 85, 80]}", "{$inc: {'grades.$[]': 10}}", "{_id: 1, grades: [90, 95, 90]}")]
    [InlineData("{_id: 1, items: [{k: 'x', v: 1}, {k: 'y', v: 2}]}", "{$set: {'items.$[].done': true}}", "{_id: 1, items: [{k: 'x', v: 1, done: true}, {k: 'y', v: 2, done: true}]}")]
    public async Task Operator_produces_the_documented_document(string initial, string update, string expected) =>
        Assert.Equal(Doc(expected), await ApplyAsync(initial, update));

    [Fact]
    public async Task Rename_moves_values_between_top_level_and_nested_fields()
    {
        var stored = await ApplyAsync("{_id: 1, a: 1, b: {c: 2}, keep: 3}", "{$rename: {a: 'z', 'b.c': 'y'}}");

        Assert.False(stored.Contains("a"));
        Assert.Equal(1, stored["z"].AsInt32);
        Assert.Equal(2, stored["y"].AsInt32);
        Assert.Equal(new BsonDocument(), stored["b"]);
        Assert.Equal(3, stored["keep"].AsInt32);
    }

    [Fact]
    public async Task CurrentDate_sets_a_date_or_a_timestamp()
    {
        var before = DateTime.UtcNow;

        var stored = await ApplyAsync("{_id: 1}", "{$currentDate: {d: true, dt: {$type: 'date'}, ts: {$type: 'timestamp'}}}");

        Assert.Equal(BsonType.DateTime, stored["d"].BsonType);
        Assert.Equal(BsonType.DateTime, stored["dt"].BsonType);
        Assert.Equal(BsonType.Timestamp, stored["ts"].BsonType);
        Assert.InRange(stored["d"].ToUniversalTime(), before.AddMinutes(-5), DateTime.UtcNow.AddMinutes(5));
    }

    [Fact]
    public async Task Positional_operator_updates_the_first_matched_element()
    {
        Assert.Equal(Doc("{_id: 1, grades: [82, 85, 80]}"),
            await ApplyAsync("{_id: 1, grades: [80, 85, 80]}", "{$set: {'grades.$': 82}}", "{_id: 1, grades: 80}"));
        Assert.Equal(Doc("{_id: 1, items: [{k: 'x', v: 1}, {k: 'y', v: 12}]}"),
            await ApplyAsync("{_id: 1, items: [{k: 'x', v: 1}, {k: 'y', v: 2}]}", "{$inc: {'items.$.v': 10}}", "{'items.k': 'y'}"));
        Assert.Equal(Doc("{_id: 1, items: [{k: 'x', v: 1}, {k: 'y', v: 2, hit: true}]}"),
            await ApplyAsync("{_id: 1, items: [{k: 'x', v: 1}, {k: 'y', v: 2}]}", "{$set: {'items.$.hit': true}}", "{items: {$elemMatch: {v: {$gt: 1}}}}"));
    }

    [Fact]
    public async Task Positional_operator_without_an_array_match_in_the_filter_is_an_error() =>
        Assert.Equal(2, await ErrorCodeAsync("{_id: 1, grades: [1, 2]}", "{$set: {'grades.$': 0}}"));

    [Fact]
    public async Task Filtered_positional_operator_updates_the_elements_matching_arrayFilters()
    {
        Assert.Equal(Doc("{_id: 1, grades: [80, 0, 0, 70]}"),
            await ApplyAsync("{_id: 1, grades: [80, 95, 100, 70]}", "{$set: {'grades.$[g]': 0}}", "{_id: 1}", "{g: {$gte: 95}}"));
        Assert.Equal(Doc("{_id: 1, items: [{k: 'x', v: 0}, {k: 'y', v: 2}, {k: 'x', v: 0}]}"),
            await ApplyAsync("{_id: 1, items: [{k: 'x', v: 1}, {k: 'y', v: 2}, {k: 'x', v: 3}]}", "{$set: {'items.$[e].v': 0}}", "{_id: 1}", "{'e.k': 'x'}"));
        Assert.Equal(Doc("{_id: 1, rows: [{cells: [1, 0]}, {cells: [0, 2]}]}"),
            await ApplyAsync("{_id: 1, rows: [{cells: [1, 5]}, {cells: [7, 2]}]}", "{$set: {'rows.$[].cells.$[big]': 0}}", "{_id: 1}", "{big: {$gt: 4}}"));
    }

    [Fact]
    public async Task UpdateMany_reports_matched_and_modified_counts()
    {
        var collection = NewCollection();
        await collection.InsertManyAsync(Docs("{_id: 1, g: 1}", "{_id: 2, g: 1}", "{_id: 3, g: 2}"), cancellationToken: Ct);

        var first = await collection.UpdateManyAsync("{g: 1}", "{$set: {flag: true}}", cancellationToken: Ct);
        var again = await collection.UpdateManyAsync("{g: 1}", "{$set: {flag: true}}", cancellationToken: Ct);

        Assert.Equal((2L, 2L), (first.MatchedCount, first.ModifiedCount));
        Assert.Equal((2L, 0L), (again.MatchedCount, again.ModifiedCount));
        await AssertIdsAsync(collection, "{flag: true}", 1, 2);
    }

    [Fact]
    public async Task Upsert_builds_the_new_document_from_filter_equalities_and_setOnInsert()
    {
        var collection = NewCollection();

        var result = await collection.UpdateOneAsync(
            "{email: 'a@b.c', age: {$gt: 3}, 'profile.city': 'Haifa', $and: [{kind: 'user'}]}",
            "{$set: {visits: 1}, $setOnInsert: {created: true}}",
            new UpdateOptions { IsUpsert = true }, Ct);

        Assert.Equal(0, result.MatchedCount);
        Assert.Equal(BsonType.ObjectId, result.UpsertedId.BsonType);
        var stored = await collection.Find("{}").SingleAsync(Ct);
        Assert.Equal(result.UpsertedId, stored["_id"]);
        Assert.Equal("a@b.c", stored["email"].AsString);
        Assert.Equal(Doc("{city: 'Haifa'}"), stored["profile"]);
        Assert.Equal("user", stored["kind"].AsString);
        Assert.Equal(1, stored["visits"].AsInt32);
        Assert.True(stored["created"].AsBoolean);
        Assert.False(stored.Contains("age"));
    }

    [Fact]
    public async Task SetOnInsert_is_ignored_when_the_upsert_matches()
    {
        var collection = NewCollection();
        var options = new UpdateOptions { IsUpsert = true };

        var inserted = await collection.UpdateOneAsync("{_id: 'k'}", "{$inc: {n: 1}, $setOnInsert: {first: true}}", options, Ct);
        var updated = await collection.UpdateOneAsync("{_id: 'k'}", "{$inc: {n: 1}, $setOnInsert: {second: true}}", options, Ct);

        Assert.Equal(new BsonString("k"), inserted.UpsertedId);
        Assert.Null(updated.UpsertedId);
        Assert.Equal(1, updated.MatchedCount);
        // MongoDB 5.0+ applies an update's new fields in lexicographic order of their names.
        Assert.Equal(Doc("{_id: 'k', first: true, n: 2}"), await collection.Find("{}").SingleAsync(Ct));
    }

    [Theory]
    [InlineData("{_id: 1, s: 'text'}", "{$inc: {s: 1}}", 14)]
    [InlineData("{_id: 1, a: 1}", "{$set: {_id: 2}}", 66)]
    [InlineData("{_id: 1, a: 1}", "{$frobnicate: {a: 1}}", 9)]
    [InlineData("{_id: 1, a: 1}", "{$set: {a: 2}, $inc: {a: 1}}", 40)]
    public async Task Invalid_updates_fail_with_the_server_error_code_and_change_nothing(string initial, string update, int code) =>
        Assert.Equal(code, await ErrorCodeAsync(initial, update));

    [Fact]
    public async Task Push_onto_a_non_array_fails()
    {
        var collection = NewCollection();
        await collection.InsertOneAsync(Doc("{_id: 1, n: 5}"), cancellationToken: Ct);

        await Assert.ThrowsAsync<MongoWriteException>(() => collection.UpdateOneAsync("{_id: 1}", "{$push: {n: 1}}", cancellationToken: Ct));
    }
}
