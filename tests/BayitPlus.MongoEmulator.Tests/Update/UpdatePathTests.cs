using BayitPlus.MongoEmulator.Bson;
using static BayitPlus.MongoEmulator.Tests.Update.UpdateTestKit;

namespace BayitPlus.MongoEmulator.Tests.Update;

public sealed class UpdatePathTests
{
    [Fact]
    public void Dotted_set_creates_intermediate_documents()
    {
        Expect("{_id: 1, a: {b: {c: 1}}}", "{_id: 1}", "{$set: {'a.b.c': 1}}");
        Expect("{_id: 1, a: {x: 0, b: {c: 1}}}", "{_id: 1, a: {x: 0}}", "{$set: {'a.b.c': 1}}");
    }

    [Fact]
    public void Numeric_segment_under_missing_field_creates_a_document_field()
    {
        Expect("{_id: 1, a: {'0': {b: 1}}}", "{_id: 1}", "{$set: {'a.0.b': 1}}");
    }

    [Fact]
    public void Numeric_segments_address_array_elements()
    {
        Expect("{a: [1, 9, 3]}", "{a: [1, 2, 3]}", "{$set: {'a.1': 9}}");
        Expect("{a: [{b: 1, c: 2}]}", "{a: [{b: 1}]}", "{$set: {'a.0.c': 2}}");
        Expect("{a: [{b: 5}]}", "{a: [{b: 1}]}", "{$inc: {'a.0.b': 4}}");
    }

    [Fact]
    public void Setting_beyond_the_end_pads_with_nulls()
    {
        Expect("{a: [1, null, null, 4]}", "{a: [1]}", "{$set: {'a.3': 4}}");
        Expect("{a: [1, null, {b: 2}]}", "{a: [1]}", "{$set: {'a.2.b': 2}}");
    }

    [Fact]
    public void Creating_a_field_under_a_scalar_is_not_viable()
    {
        var error = Fails(ErrorCodes.PathNotViable, "{_id: 1, a: 5}", "{$set: {'a.b': 1}}");
        Assert.Contains("Cannot create field 'b'", error.Message, StringComparison.Ordinal);
        Fails(ErrorCodes.PathNotViable, "{_id: 1, a: {b: 'x'}}", "{$inc: {'a.b.c': 1}}");
        Fails(ErrorCodes.PathNotViable, "{_id: 1, a: [1, 2]}", "{$set: {'a.b': 1}}");
        Fails(ErrorCodes.PathNotViable, "{_id: 1, a: [1, 2]}", "{$push: {'a.01': 1}}");
    }

    [Fact]
    public void Removing_operators_ignore_non_viable_paths()
    {
        Assert.False(Apply("{_id: 1, a: 5}", "{$unset: {'a.b': 1}, $pull: {'a.c': 1}, $pop: {'a.d': 1}}").Modified);
    }

    [Theory]
    [InlineData("{$set: {a: 1}, $inc: {a: 1}}", "a", "a")]
    [InlineData("{$set: {a: 1, 'a.b': 1}}", "a.b", "a")]
    [InlineData("{$set: {'a.b': 1}, $unset: {a: 1}}", "a", "a")]
    [InlineData("{$set: {'a.b.c': 1}, $inc: {'a.b': 1}}", "a.b", "a.b")]
    [InlineData("{$rename: {a: 'b'}, $set: {b: 1}}", "b", "b")]
    [InlineData("{$rename: {a: 'b'}, $set: {a: 1}}", "a", "a")]
    [InlineData("{$set: {'a.$[]': 1, 'a.0': 2}}", "a.0", "a")]
    [InlineData("{$set: {a: 1}, $setOnInsert: {a: 2}}", "a", "a")]
    public void Conflicting_paths_are_rejected(string update, string path, string at)
    {
        var error = ParseFails(ErrorCodes.ConflictingUpdateOperators, update);
        Assert.Equal($"Updating the path '{path}' would create a conflict at '{at}'", error.Message);
    }

    [Fact]
    public void Sibling_paths_do_not_conflict()
    {
        Expect("{a: {b: 1, c: 2}, ab: 3}", "{}", "{$set: {'a.b': 1, ab: 3}, $inc: {'a.c': 2}}");
    }

    [Theory]
    [InlineData("{$set: {'': 1}}", ErrorCodes.EmptyFieldName)]
    [InlineData("{$set: {'a..b': 1}}", ErrorCodes.EmptyFieldName)]
    [InlineData("{$set: {'$': 1}}", ErrorCodes.BadValue)]
    [InlineData("{$set: {'$[]': 1}}", ErrorCodes.BadValue)]
    [InlineData("{$set: {'a.$.b.$': 1}}", ErrorCodes.BadValue)]
    [InlineData("{$set: {'a.$foo': 1}}", ErrorCodes.DollarPrefixedFieldName)]
    public void Invalid_paths_are_rejected(string update, int code)
    {
        ParseFails(code, update);
    }

    [Fact]
    public void Id_may_not_change()
    {
        var error = Fails(ErrorCodes.ImmutableField, "{_id: 1, a: 1}", "{$set: {_id: 2}}");
        Assert.Equal("Performing an update on the path '_id' would modify the immutable field '_id'", error.Message);
        Fails(ErrorCodes.ImmutableField, "{_id: 1}", "{$unset: {_id: 1}}");
        Fails(ErrorCodes.ImmutableField, "{_id: {x: 1}}", "{$set: {'_id.x': 2}}");
        Fails(ErrorCodes.ImmutableField, "{_id: 1}", "{$inc: {_id: 1}}");
    }

    [Fact]
    public void Setting_id_to_its_value_is_allowed()
    {
        var outcome = Apply("{_id: 1, a: 1}", "{$set: {_id: 1, a: 2}}");
        Assert.True(outcome.Modified);
        Assert.Equal(2, outcome.Document["a"].AsInt32);
    }

    [Fact]
    public void Identical_result_is_not_modified()
    {
        Assert.False(Apply("{_id: 1, a: 1, b: {c: [1, 2]}}", "{$set: {a: 1, 'b.c': [1, 2]}}").Modified);
        Assert.True(Apply("{_id: 1, a: {x: 1, y: 2}}", "{$set: {a: {y: 2, x: 1}}}").Modified);
    }
}
