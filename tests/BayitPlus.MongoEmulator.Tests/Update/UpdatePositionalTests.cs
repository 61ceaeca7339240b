using BayitPlus.MongoEmulator.Bson;
using static BayitPlus.MongoEmulator.Tests.Update.UpdateTestKit;

namespace BayitPlus.MongoEmulator.Tests.Update;

public sealed class UpdatePositionalTests
{
    [Fact]
    public void Positional_operator_uses_the_matched_index()
    {
        Expect("{a: [1, 20, 3]}", "{a: [1, 2, 3]}", "{$set: {'a.$': 20}}", "{a: 2}");
        Expect("{a: [{b: 1, c: 0}, {b: 2, c: 1}]}", "{a: [{b: 1, c: 0}, {b: 2, c: 0}]}", "{$inc: {'a.$.c': 1}}", "{'a.b': 2}");
        Expect("{a: [{b: 1}, {b: 2, c: 5}]}", "{a: [{b: 1}, {b: 2}]}", "{$set: {'a.$.c': 5}}", "{a: {$elemMatch: {b: 2}}}");
    }

    [Fact]
    public void Positional_operator_without_array_match_fails()
    {
        var error = Fails(ErrorCodes.BadValue, "{a: [1, 2]}", "{$set: {'a.$': 5}}");
        Assert.Equal("The positional operator did not find the match needed from the query.", error.Message);
    }

    [Fact]
    public void Positional_and_same_index_conflict_when_applied()
    {
        Fails(ErrorCodes.ConflictingUpdateOperators, "{a: [1, 2]}", "{$set: {'a.$': 5, 'a.1': 6}}", "{a: 2}");
        Expect("{a: [6, 5]}", "{a: [1, 2]}", "{$set: {'a.$': 5, 'a.0': 6}}", "{a: 2}");
    }

    [Fact]
    public void All_positional_updates_every_element()
    {
        Expect("{a: [2, 3, 4]}", "{a: [1, 2, 3]}", "{$inc: {'a.$[]': 1}}");
        Expect("{a: [{b: 0, c: 1}, {b: 1, c: 1}]}", "{a: [{b: 0}, {b: 1}]}", "{$set: {'a.$[].c': 1}}");
        Expect("{a: [[0, 0], [0]]}", "{a: [[1, 2], [3]]}", "{$set: {'a.$[].$[]': 0}}");
        Expect("{a: []}", "{a: []}", "{$set: {'a.$[]': 1}}");
    }

    [Fact]
    public void All_positional_needs_an_existing_array()
    {
        var error = Fails(ErrorCodes.BadValue, "{_id: 1}", "{$set: {'a.$[]': 1}}");
        Assert.Equal("The path 'a' must exist in the document in order to apply array updates.", error.Message);
        Assert.Contains("Cannot apply array updates to non-array element", Fails(ErrorCodes.BadValue, "{_id: 1, a: 5}", "{$set: {'a.$[]': 1}}").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Array_filters_select_elements()
    {
        Expect("{a: [1, 0, 0, 9]}", "{a: [1, 6, 7, 9]}", "{$set: {'a.$[x]': 0}}", arrayFilters: "[{x: {$gt: 5, $lt: 8}}]");
        Expect(
            "{grades: [{grade: 80, mean: 75}, {grade: 95, mean: 100}]}",
            "{grades: [{grade: 80, mean: 75}, {grade: 95, mean: 90}]}",
            "{$set: {'grades.$[elem].mean': 100}}",
            arrayFilters: "[{'elem.grade': {$gte: 85}}]");
    }

    [Fact]
    public void Nested_array_filters()
    {
        Expect(
            "{a: [{k: 1, b: [1, 50]}, {k: 2, b: [5, 9]}]}",
            "{a: [{k: 1, b: [1, 5]}, {k: 2, b: [5, 9]}]}",
            "{$set: {'a.$[i].b.$[j]': 50}}",
            arrayFilters: "[{'i.k': 1}, {j: {$gte: 5}}]");
    }

    [Fact]
    public void Array_filter_with_several_conditions_on_one_identifier()
    {
        Expect(
            "{a: [{x: 1, y: 1}, {x: 1, y: 2, z: true}]}",
            "{a: [{x: 1, y: 1}, {x: 1, y: 2}]}",
            "{$set: {'a.$[e].z': true}}",
            arrayFilters: "[{'e.x': 1, 'e.y': 2}]");
    }

    [Fact]
    public void Two_filters_on_one_element_merge_or_conflict()
    {
        Expect("{a: [{v: 1, p: 1, q: 1}]}", "{a: [{v: 1}]}", "{$set: {'a.$[i].p': 1, 'a.$[j].q': 1}}",
            arrayFilters: "[{'i.v': 1}, {'j.v': 1}]");
        var error = Fails(ErrorCodes.ConflictingUpdateOperators, "{a: [1]}", "{$set: {'a.$[i]': 2, 'a.$[j]': 3}}",
            arrayFilters: "[{i: 1}, {j: 1}]");
        Assert.Equal("Update created a conflict at 'a.0'", error.Message);
    }

    [Fact]
    public void Array_filter_errors()
    {
        Assert.Equal("No array filter found for identifier 'y' in path 'a.$[y]'",
            ParseFails(ErrorCodes.BadValue, "{$set: {'a.$[y]': 1}}", "[{x: 1}]").Message);
        Assert.StartsWith("The array filter for identifier 'x' was not used in the update",
            ParseFails(ErrorCodes.FailedToParse, "{$set: {a: 1}}", "[{x: 1}]").Message, StringComparison.Ordinal);
        ParseFails(ErrorCodes.FailedToParse, "{$set: {'a.$[x]': 1}}", "[{x: 1}, {x: 2}]");
        ParseFails(ErrorCodes.FailedToParse, "{$set: {'a.$[x]': 1}}", "[{x: 1, y: 1}]");
        ParseFails(ErrorCodes.BadValue, "{$set: {'a.$[X]': 1}}", "[{X: 1}]");
        ParseFails(ErrorCodes.FailedToParse, "{$set: {'a.$[x]': 1}}", "[{}]");
    }

    [Fact]
    public void Array_filter_may_use_logical_operators()
    {
        Expect("{a: [0, 2, 0]}", "{a: [1, 2, 3]}", "{$set: {'a.$[x]': 0}}", arrayFilters: "[{$or: [{x: 1}, {x: 3}]}]");
    }
}
