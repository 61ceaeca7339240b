using BayitPlus.MongoEmulator.Bson;
using MongoDB.Bson;

namespace BayitPlus.MongoEmulator.Tests.Query;

/// <summary>What the emulator's collation refuses because .NET's ICU cannot reproduce it (a real
/// server accepts these, so they are not conformance tests), and how it resolves a locale's own
/// defaults.</summary>
public sealed class CollationSpecTests
{
    [Theory]
    [InlineData("{locale: 'en', caseFirst: 'upper'}")]
    [InlineData("{locale: 'en', backwards: true}")]
    [InlineData("{locale: 'da', caseFirst: 'off'}")]
    [InlineData("{locale: 'mt_MT', caseFirst: 'lower'}")]
    [InlineData("{locale: 'fr_CA', backwards: false}")]
    [InlineData("{locale: 'th', alternate: 'non-ignorable'}")]
    [InlineData("{locale: 'th', maxVariable: 'space'}")]
    [InlineData("{locale: 'vi', normalization: false}")]
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
    [InlineData("{locale: 'en', normalization: true}")]
    [InlineData("{locale: 'da'}")]
    [InlineData("{locale: 'fr', backwards: false}")]
    [InlineData("{locale: 'fr_CA', strength: 2}")]
    [InlineData("{locale: 'th', strength: 1}")]
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

    [Theory]
    [InlineData("{locale: 'da'}", "{caseFirst: 'upper', alternate: 'non-ignorable', normalization: false, backwards: false}")]
    [InlineData("{locale: 'mt_MT', strength: 2, caseLevel: true}", "{caseFirst: 'upper', alternate: 'non-ignorable', normalization: false, backwards: false}")]
    [InlineData("{locale: 'fr_CA'}", "{caseFirst: 'off', alternate: 'non-ignorable', normalization: false, backwards: true}")]
    [InlineData("{locale: 'fr'}", "{caseFirst: 'off', alternate: 'non-ignorable', normalization: false, backwards: false}")]
    [InlineData("{locale: 'th'}", "{caseFirst: 'off', alternate: 'shifted', normalization: true, backwards: false}")]
    [InlineData("{locale: 'hi'}", "{caseFirst: 'off', alternate: 'non-ignorable', normalization: true, backwards: false}")]
    [InlineData("{locale: 'en_US'}", "{caseFirst: 'off', alternate: 'non-ignorable', normalization: false, backwards: false}")]
    public void Options_left_out_take_the_locales_own_defaults(string spec, string expected)
    {
        var resolved = Collation.Parse(BsonDocument.Parse(spec))!.Spec;

        Assert.Equal(BsonDocument.Parse(expected), new BsonDocument(resolved.Where(e => e.Name is "caseFirst" or "backwards" or "alternate" or "normalization")));
    }

    [Fact]
    public void The_locales_own_settings_order_the_strings()
    {
        var danish = Collation.Parse(BsonDocument.Parse("{locale: 'da'}"))!;
        var canadian = Collation.Parse(BsonDocument.Parse("{locale: 'fr_CA'}"))!;
        var thai = Collation.Parse(BsonDocument.Parse("{locale: 'th'}"))!;

        Assert.True(danish.Compare("A", "a") < 0);
        Assert.True(canadian.Compare("côte", "coté") < 0);
        Assert.Equal(0, thai.Compare("a-b", "ab"));
    }

    [Fact]
    public void Normalization_compares_canonically_equivalent_texts_alike()
    {
        var normalizing = Collation.Parse(BsonDocument.Parse("{locale: 'en', normalization: true}"))!;

        Assert.Equal(0, normalizing.Compare("a\u0302\u0323", "a\u0323\u0302"));
        Assert.Equal(normalizing.HashOf("a\u0302\u0323"), normalizing.HashOf("a\u0323\u0302"));
    }
}
