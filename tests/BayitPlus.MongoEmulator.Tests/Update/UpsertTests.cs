using BayitPlus.MongoEmulator.Bson;
using MongoDB.Bson;
using static BayitPlus.MongoEmulator.Tests.Update.UpdateTestKit;

namespace BayitPlus.MongoEmulator.Tests.Update;

public sealed class UpsertTests
{
    private static void ExpectUpsert(string expected, string filter, string update) =>
        Assert.Equal(BsonDocument.Parse(expected).ToJson(), Upsert(filter, update).ToJson());

    [Theory]
    [InlineData("{a: 1}", "{a: 1}")]
    [InlineData("{a: {$eq: 1}}", "{a: 1}")]
    [InlineData("{a: {$in: [1]}}", "{a: 1}")]
    [InlineData("{a: {$in: [1, 2]}}", "{}")]
    [InlineData("{a: {$gt: 1}}", "{}")]
    [InlineData("{a: /x/}", "{}")]
    [InlineData("{a: {b: 1}}", "{a: {b: 1}}")]
    [InlineData("{a: [1, 2]}", "{a: [1, 2]}")]
    [InlineData("{'a.b': 1, 'a.c': 2}", "{a: {b: 1, c: 2}}")]
    [InlineData("{$and: [{a: 1}, {b: {$eq: 2}}, {c: {$lt: 3}}]}", "{a: 1, b: 2}")]
    [InlineData("{$or: [{a: 1}]}", "{a: 1}")]
    [InlineData("{$or: [{a: 1}, {b: 2}]}", "{}")]
    [InlineData("{b: 1, a: 2}", "{a: 2, b: 1}")]
    [InlineData("{x: 1, _id: 5}", "{_id: 5, x: 1}")]
    public void Seeds_from_filter_equalities(string filter, string expected)
    {
        ExpectUpsert(expected, filter, "{$set: {}}");
    }

    [Fact]
    public void Applies_operators_and_set_on_insert()
    {
        ExpectUpsert("{_id: 7, a: 1, b: 2, c: 3, n: 1}", "{_id: 7, a: 1}", "{$set: {b: 2}, $setOnInsert: {c: 3}, $inc: {n: 1}}");
        ExpectUpsert("{a: 1, tags: ['x']}", "{a: 1}", "{$push: {tags: 'x'}}");
    }

    [Fact]
    public void Operators_override_seeded_values()
    {
        ExpectUpsert("{a: 2}", "{a: 1}", "{$set: {a: 2}}");
        ExpectUpsert("{a: {b: 1, c: 2}}", "{'a.b': 1}", "{$set: {'a.c': 2}}");
    }

    [Fact]
    public void Id_set_by_the_update_moves_first()
    {
        ExpectUpsert("{_id: 3, a: 1}", "{a: 1}", "{$set: {_id: 3}}");
    }

    [Fact]
    public void Update_may_not_change_an_id_from_the_filter()
    {
        var error = Assert.Throws<MongoErrorException>(() => Upsert("{_id: 1}", "{$set: {_id: 2}}"));
        Assert.Equal(ErrorCodes.ImmutableField, error.Code);
    }

    [Fact]
    public void Replacement_takes_only_the_filter_id()
    {
        ExpectUpsert("{_id: 4, b: 2}", "{_id: 4, a: 1}", "{b: 2}");
        ExpectUpsert("{b: 2}", "{a: 1}", "{b: 2}");
        Assert.Equal(ErrorCodes.ImmutableField, Assert.Throws<MongoErrorException>(() => Upsert("{_id: 4}", "{_id: 5}")).Code);
    }

    [Fact]
    public void Pipeline_runs_on_the_seed()
    {
        ExpectUpsert("{_id: 1, a: 1, b: 1}", "{_id: 1, a: 1}", "[{$set: {b: '$a'}}]");
    }

    [Fact]
    public void Conflicting_equalities_fail()
    {
        Assert.Equal(ErrorCodes.NotSingleValueField, Assert.Throws<MongoErrorException>(() => Upsert("{a: 1, $and: [{a: 2}]}", "{$set: {}}")).Code);
        Assert.Equal(ErrorCodes.NotSingleValueField, Assert.Throws<MongoErrorException>(() => Upsert("{a: {b: 1}, 'a.b': 1}", "{$set: {}}")).Code);
    }

    [Fact]
    public void Positional_operator_fails_on_insert()
    {
        Assert.Equal(ErrorCodes.BadValue, Assert.Throws<MongoErrorException>(() => Upsert("{a: 1}", "{$set: {'b.$': 1}}")).Code);
    }

    [Fact]
    public void Invalid_id_type_fails()
    {
        Assert.Equal(ErrorCodes.InvalidIdField, Assert.Throws<MongoErrorException>(() => Upsert("{_id: [1]}", "{$set: {}}")).Code);
    }
}
