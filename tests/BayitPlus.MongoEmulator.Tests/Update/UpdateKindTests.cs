using BayitPlus.MongoEmulator.Bson;
using BayitPlus.MongoEmulator.Update;
using static BayitPlus.MongoEmulator.Tests.Update.UpdateTestKit;

namespace BayitPlus.MongoEmulator.Tests.Update;

public sealed class UpdateKindTests
{
    [Theory]
    [InlineData("{$set: {a: 1}}", UpdateKind.Operators)]
    [InlineData("{a: 1}", UpdateKind.Replacement)]
    [InlineData("{}", UpdateKind.Replacement)]
    [InlineData("[{$set: {a: 1}}]", UpdateKind.Pipeline)]
    public void Kind_follows_the_update_shape(string update, UpdateKind kind)
    {
        Assert.Equal(kind, Parse(update).Kind);
    }

    [Fact]
    public void Replacement_keeps_the_original_id_first()
    {
        Expect("{_id: 1, b: 2}", "{_id: 1, a: 1}", "{b: 2}");
        Expect("{b: 2, _id: 1}", "{_id: 1, a: 1}", "{b: 2, _id: 1}");
    }

    [Fact]
    public void Replacement_may_not_change_the_id()
    {
        var error = Fails(ErrorCodes.ImmutableField, "{_id: 1, a: 1}", "{_id: 2, a: 1}");
        Assert.Contains("(immutable) field '_id'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Identical_replacement_is_not_modified()
    {
        Assert.False(Apply("{_id: 1, a: 1}", "{a: 1}").Modified);
        Assert.True(Apply("{_id: 1, a: 1, b: 2}", "{b: 2, a: 1}").Modified);
    }

    [Fact]
    public void Update_must_be_a_document_or_array()
    {
        Assert.Throws<MongoErrorException>(() => UpdateSpec.Parse(1, null, Context));
    }

    [Fact]
    public void Pipeline_rejects_stages_not_allowed_in_updates()
    {
        var error = ParseFails(ErrorCodes.InvalidOptions, "[{$match: {a: 1}}]");
        Assert.Equal("$match is not allowed to be used within an update", error.Message);
        ParseFails(ErrorCodes.FailedToParse, "[1]");
    }

    [Fact]
    public void Pipeline_rejects_array_filters()
    {
        ParseFails(ErrorCodes.FailedToParse, "[{$set: {a: 1}}]", "[{x: 1}]");
    }

    [Fact]
    public void Pipeline_runs_on_the_document()
    {
        Expect("{_id: 1, a: 1, b: 2}", "{_id: 1, a: 1}", "[{$set: {b: {$add: ['$a', 1]}}}]");
        Expect("{_id: 1, b: 1}", "{_id: 1, a: 1}", "[{$set: {b: '$a'}}, {$unset: 'a'}]");
        Expect("{_id: 1, x: 5}", "{_id: 1, a: {x: 5}}", "[{$replaceWith: '$a'}]");
    }

    [Fact]
    public void Pipeline_may_not_change_the_id()
    {
        Fails(ErrorCodes.ImmutableField, "{_id: 1}", "[{$set: {_id: 2}}]");
    }

    [Fact]
    public void Pipeline_no_op_is_not_modified()
    {
        Assert.False(Apply("{_id: 1, a: 1}", "[{$set: {a: 1}}]").Modified);
    }
}
