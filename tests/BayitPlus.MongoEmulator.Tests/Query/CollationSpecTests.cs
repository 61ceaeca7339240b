using BayitPlus.MongoEmulator.Bson;
using MongoDB.Bson;

namespace BayitPlus.MongoEmulator.Tests.Query;

/// <summary>What the emulator's collation refuses because .NET's ICU cannot reproduce it (a real
/// server accepts these, so they are not conformance tests).</summary>
public sealed class CollationSpecTests
{
    [Theory]
    [InlineData("{locale: 'en', caseFirst: 'upper'}")]
    [InlineData("{locale: 'en', backwards: true}")]
    [InlineData("{locale: 'en', normalization: true}")]
    [InlineData("{locale: 'en', alternate: 'shifted', strength: 4}")]
    [InlineData("{locale: 'en', alternate: 'shifted', strength: 5}")]
    public void Options_the_emulator_cannot_reproduce_are_not_implemented(string spec)
    {
        var error = Assert.Throws<MongoErrorException>(() => Collation.Parse(BsonDocument.Parse(spec)));

        Assert.Equal(ErrorCodes.NotImplemented, error.Code);
    }

    [Theory]
    [InlineData("{locale: 'en', alternate: 'shifted', strength: 3}")]
    [InlineData("{locale: 'en', alternate: 'shifted', maxVariable: 'space'}")]
    [InlineData("{locale: 'en', strength: 4}")]
    [InlineData("{locale: 'en', maxVariable: 'space'}")]
    public void Shifted_up_to_strength_3_and_either_max_variable_are_supported(string spec) =>
        Assert.NotNull(Collation.Parse(BsonDocument.Parse(spec)));

    [Fact]
    public void Shifted_also_drops_the_marks_that_follow_an_ignored_character()
    {
        var collation = Collation.Parse(BsonDocument.Parse("{locale: 'en', alternate: 'shifted'}"))!;

        Assert.Equal(0, collation.Compare("a-\u0301b", "ab"));
        Assert.Equal(collation.HashOf("a-\u0301b"), collation.HashOf("a b"));
        Assert.NotEqual(0, collation.Compare("a\u0301b", "ab"));
    }
}
