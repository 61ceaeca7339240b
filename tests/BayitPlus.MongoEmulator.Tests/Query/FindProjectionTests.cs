using BayitPlus.MongoEmulator.Bson;
using BayitPlus.MongoEmulator.Query;
using MongoDB.Bson;

namespace BayitPlus.MongoEmulator.Tests.Query;

public sealed class FindProjectionTests
{
    private static BsonDocument Project(string projection, string document, string? filter = null, double? textScore = null)
    {
        var parsed = FindProjection.Parse(BsonDocument.Parse(projection), QueryContext.Default);
        var compiled = filter is null ? null : CompiledFilter.Compile(BsonDocument.Parse(filter), QueryContext.Default);
        return parsed.Apply(new MetaDoc(BsonDocument.Parse(document), textScore), compiled);
    }

    private static void AssertProjects(string projection, string document, string expected, string? filter = null) =>
        Assert.Equal(BsonDocument.Parse(expected), Project(projection, document, filter));

    private static MongoErrorException ParseError(string projection) =>
        Assert.Throws<MongoErrorException>(() => FindProjection.Parse(BsonDocument.Parse(projection), QueryContext.Default));

    [Theory]
    [InlineData("{}", "{_id: 1, a: 1, b: 2}", "{_id: 1, a: 1, b: 2}")]
    [InlineData("{a: 1}", "{_id: 1, a: 1, b: 2}", "{_id: 1, a: 1}")]
    [InlineData("{a: true}", "{_id: 1, a: 1, b: 2}", "{_id: 1, a: 1}")]
    [InlineData("{a: 5}", "{_id: 1, a: 1, b: 2}", "{_id: 1, a: 1}")]
    [InlineData("{b: 1, a: 1}", "{_id: 1, a: 1, b: 2, c: 3}", "{_id: 1, a: 1, b: 2}")]
    [InlineData("{_id: 0, a: 1}", "{_id: 1, a: 1, b: 2}", "{a: 1}")]
    [InlineData("{_id: 1}", "{_id: 1, a: 1}", "{_id: 1}")]
    [InlineData("{z: 1}", "{_id: 1, a: 1}", "{_id: 1}")]
    [InlineData("{'a.b': 1}", "{_id: 1, a: {b: 1, c: 2}, d: 1}", "{_id: 1, a: {b: 1}}")]
    [InlineData("{a: {b: 1}}", "{_id: 1, a: {b: 1, c: 2}, d: 1}", "{_id: 1, a: {b: 1}}")]
    [InlineData("{'a.b': 1, 'a.c': 1}", "{_id: 1, a: {c: 2, b: 1, d: 3}}", "{_id: 1, a: {c: 2, b: 1}}")]
    [InlineData("{'a.b': 1}", "{_id: 1, a: {c: 2}}", "{_id: 1, a: {}}")]
    [InlineData("{'a.b': 1}", "{_id: 1, a: 5}", "{_id: 1}")]
    [InlineData("{'a.b': 1}", "{_id: 1, a: [{b: 1, c: 2}, {c: 3}, 7, [{b: 4, x: 1}]]}", "{_id: 1, a: [{b: 1}, {}, [{b: 4}]]}")]
    public void Inclusion(string projection, string document, string expected) => AssertProjects(projection, document, expected);

    [Theory]
    [InlineData("{a: 0}", "{_id: 1, a: 1, b: 2}", "{_id: 1, b: 2}")]
    [InlineData("{a: false, b: 0}", "{_id: 1, a: 1, b: 2, c: 3}", "{_id: 1, c: 3}")]
    [InlineData("{_id: 0}", "{_id: 1, a: 1}", "{a: 1}")]
    [InlineData("{_id: 0, a: 0}", "{_id: 1, a: 1, b: 2}", "{b: 2}")]
    [InlineData("{_id: 1, a: 0}", "{_id: 1, a: 1, b: 2}", "{_id: 1, b: 2}")]
    [InlineData("{'a.b': 0}", "{_id: 1, a: {b: 1, c: 2}}", "{_id: 1, a: {c: 2}}")]
    [InlineData("{'a.b': 0}", "{_id: 1, a: [{b: 1, c: 2}, 7, [{b: 1}]]}", "{_id: 1, a: [{c: 2}, 7, [{}]]}")]
    [InlineData("{'a.b': 0}", "{_id: 1, a: 5}", "{_id: 1, a: 5}")]
    public void Exclusion(string projection, string document, string expected) => AssertProjects(projection, document, expected);

    [Theory]
    [InlineData("{a: {$slice: 2}}", "{_id: 1, a: [1, 2, 3], b: 1}", "{_id: 1, a: [1, 2], b: 1}")]
    [InlineData("{a: {$slice: -2}}", "{_id: 1, a: [1, 2, 3]}", "{_id: 1, a: [2, 3]}")]
    [InlineData("{a: {$slice: 5}}", "{_id: 1, a: [1, 2, 3]}", "{_id: 1, a: [1, 2, 3]}")]
    [InlineData("{a: {$slice: -5}}", "{_id: 1, a: [1, 2, 3]}", "{_id: 1, a: [1, 2, 3]}")]
    [InlineData("{a: {$slice: 0}}", "{_id: 1, a: [1, 2, 3]}", "{_id: 1, a: []}")]
    [InlineData("{a: {$slice: [1, 1]}}", "{_id: 1, a: [1, 2, 3]}", "{_id: 1, a: [2]}")]
    [InlineData("{a: {$slice: [-2, 5]}}", "{_id: 1, a: [1, 2, 3]}", "{_id: 1, a: [2, 3]}")]
    [InlineData("{a: {$slice: [5, 1]}}", "{_id: 1, a: [1, 2, 3]}", "{_id: 1, a: []}")]
    [InlineData("{a: {$slice: [-9, 2]}}", "{_id: 1, a: [1, 2, 3]}", "{_id: 1, a: [1, 2]}")]
    [InlineData("{a: {$slice: 1}}", "{_id: 1, a: 'x'}", "{_id: 1, a: 'x'}")]
    [InlineData("{a: {$slice: 1}, b: 1}", "{_id: 1, a: [1, 2], b: 2, c: 3}", "{_id: 1, a: [1], b: 2}")]
    [InlineData("{a: {$slice: 1}, c: 0}", "{_id: 1, a: [1, 2], b: 2, c: 3}", "{_id: 1, a: [1], b: 2}")]
    [InlineData("{_id: 1, a: {$slice: 1}}", "{_id: 1, a: [1, 2], b: 2}", "{_id: 1, a: [1]}")]
    [InlineData("{_id: 0, a: {$slice: 1}}", "{_id: 1, a: [1, 2], b: 2}", "{a: [1], b: 2}")]
    [InlineData("{'a.b': {$slice: 1}}", "{_id: 1, a: [{b: [1, 2]}, {b: [3, 4]}]}", "{_id: 1, a: [{b: [1]}, {b: [3]}]}")]
    public void Slice(string projection, string document, string expected) => AssertProjects(projection, document, expected);

    [Theory]
    [InlineData("{a: {$elemMatch: {b: 2}}}", "{_id: 1, a: [{b: 1}, {b: 2, c: 1}, {b: 2}], z: 1}", "{_id: 1, a: [{b: 2, c: 1}]}")]
    [InlineData("{a: {$elemMatch: {$gt: 1}}}", "{_id: 1, a: [1, 5, 7]}", "{_id: 1, a: [5]}")]
    [InlineData("{a: {$elemMatch: {b: 3}}}", "{_id: 1, a: [{b: 1}]}", "{_id: 1}")]
    [InlineData("{a: {$elemMatch: {b: 3}}}", "{_id: 1, a: 5}", "{_id: 1}")]
    [InlineData("{_id: 0, a: {$elemMatch: {b: 1}}}", "{_id: 1, a: [{b: 1}]}", "{a: [{b: 1}]}")]
    [InlineData("{a: {$elemMatch: {b: 1}}, z: 1}", "{_id: 1, a: [{b: 1}], z: 1, y: 2}", "{_id: 1, z: 1, a: [{b: 1}]}")]
    [InlineData("{a: {$elemMatch: {b: 1}}, y: 0}", "{_id: 1, a: [{b: 1}, {b: 2}], z: 1, y: 2}", "{_id: 1, z: 1, a: [{b: 1}]}")]
    public void ElemMatch(string projection, string document, string expected) => AssertProjects(projection, document, expected);

    [Theory]
    [InlineData("{'a.$': 1}", "{a: {$gt: 1}}", "{_id: 1, a: [1, 5, 7], b: 1}", "{_id: 1, a: [5]}")]
    [InlineData("{'a.$': 1}", "{'a.b': 2}", "{_id: 1, a: [{b: 1}, {b: 2, c: 3}]}", "{_id: 1, a: [{b: 2, c: 3}]}")]
    [InlineData("{'a.$': 1, b: 1}", "{a: {$elemMatch: {b: 2}}}", "{_id: 1, a: [{b: 1}, {b: 2}], b: 4, c: 5}", "{_id: 1, a: [{b: 2}], b: 4}")]
    [InlineData("{'a.b.$': 1}", "{'a.b': 3}", "{_id: 1, a: {b: [1, 3], c: 1}}", "{_id: 1, a: {b: [3]}}")]
    [InlineData("{'a.$': 1}", "{a: 1}", "{_id: 1, a: 1}", "{_id: 1, a: 1}")]
    [InlineData("{'a.b.$': 1}", "{'a.b': 3}", "{_id: 1, a: [{b: 1}, {b: 3, c: 1}]}", "{_id: 1, a: [{b: 3, c: 1}]}")]
    public void Positional(string projection, string filter, string document, string expected) =>
        AssertProjects(projection, document, expected, filter);

    [Theory]
    [InlineData("{x: '$a'}", "{_id: 1, a: 5, b: 1}", "{_id: 1, x: 5}")]
    [InlineData("{x: {$add: ['$a', 1]}, b: 1}", "{_id: 1, a: 5, b: 2}", "{_id: 1, b: 2, x: 6}")]
    [InlineData("{x: 'literal'}", "{_id: 1, a: 5}", "{_id: 1, x: 'literal'}")]
    [InlineData("{x: {$literal: 1}}", "{_id: 1}", "{_id: 1, x: 1}")]
    [InlineData("{x: '$missing'}", "{_id: 1}", "{_id: 1}")]
    [InlineData("{a: {$add: ['$a', 1]}}", "{_id: 1, a: 5}", "{_id: 1, a: 6}")]
    [InlineData("{'n.x': '$a'}", "{_id: 1, a: 5}", "{_id: 1, n: {x: 5}}")]
    [InlineData("{'n.x': '$a', 'n.y': 1}", "{_id: 1, a: 5, n: {y: 2, z: 3}}", "{_id: 1, n: {y: 2, x: 5}}")]
    [InlineData("{_id: 0, x: [1, '$a']}", "{_id: 1, a: 5}", "{x: [1, 5]}")]
    [InlineData("{x: '$$limit'}", "{_id: 1}", "{_id: 1, x: 9}")]
    public void Expressions_compute_fields(string projection, string document, string expected)
    {
        var context = new QueryContext { Variables = new BsonDocument("limit", 9) };
        var parsed = FindProjection.Parse(BsonDocument.Parse(projection), context);
        Assert.True(parsed.IsInclusion);
        Assert.Equal(BsonDocument.Parse(expected), parsed.Apply(new MetaDoc(BsonDocument.Parse(document)), null));
    }

    [Fact]
    public void Slice_with_an_expression_argument_is_the_aggregation_operator() =>
        AssertProjects("{x: {$slice: ['$a', 1]}}", "{_id: 1, a: [1, 2], b: 3}", "{_id: 1, x: [1]}");

    [Fact]
    public void Positional_errors_come_from_the_query()
    {
        Assert.Equal(51050, Assert.Throws<MongoErrorException>(() => Project("{'a.$': 1}", "{a: [1]}")).Code);
        Assert.Equal(51246, Assert.Throws<MongoErrorException>(() => Project("{'a.$': 1}", "{a: [1, 2]}", "{a: {$exists: true}}")).Code);
        Assert.Equal(31277, Assert.Throws<MongoErrorException>(() => Project("{'a.$': 1}", "{a: [1, 2]}", "{b: 1}")).Code);
    }

    [Fact]
    public void Text_score_meta()
    {
        var projection = FindProjection.Parse(BsonDocument.Parse("{score: {$meta: 'textScore'}}"), QueryContext.Default);
        Assert.True(projection.NeedsTextScore);
        Assert.False(projection.IsInclusion);
        Assert.Equal(BsonDocument.Parse("{_id: 1, a: 2, score: 1.5}"), projection.Apply(new MetaDoc(BsonDocument.Parse("{_id: 1, a: 2}"), 1.5), null));
        Assert.Equal(BsonDocument.Parse("{_id: 1, score: 1.5}"), Project("{_id: 1, score: {$meta: 'textScore'}}", "{_id: 1, a: 2}", textScore: 1.5));
        Assert.Equal(BsonDocument.Parse("{a: 2, score: 1.5}"), Project("{_id: 0, score: {$meta: 'textScore'}}", "{_id: 1, a: 2}", textScore: 1.5));
        Assert.Equal(BsonDocument.Parse("{_id: 1, a: 2, score: 1.5}"), Project("{a: 1, score: {$meta: 'textScore'}}", "{_id: 1, a: 2, b: 3}", textScore: 1.5));
        Assert.Equal(40218, Assert.Throws<MongoErrorException>(() => Project("{score: {$meta: 'textScore'}}", "{_id: 1}")).Code);
        Assert.False(FindProjection.Parse(BsonDocument.Parse("{a: 1}"), QueryContext.Default).NeedsTextScore);
    }

    [Theory]
    [InlineData("{a: 1, b: 0}", 31254)]
    [InlineData("{a: 0, b: 1}", 31253)]
    [InlineData("{a: 0, b: 'x'}", 31310)]
    [InlineData("{a: 0, b: {$add: [1, 2]}}", 31252)]
    [InlineData("{a: 1, 'a.b': 1}", 31249)]
    [InlineData("{'a.b': 1, a: 1}", 31250)]
    [InlineData("{a: {}}", 51270)]
    [InlineData("{'a.$': 1, 'b.$': 1}", 31276)]
    [InlineData("{'a.$': 1, b: {$elemMatch: {c: 1}}}", 31255)]
    [InlineData("{b: {$elemMatch: {c: 1}}, 'a.$': 1}", 31256)]
    [InlineData("{'a.b': {$elemMatch: {c: 1}}}", 31275)]
    [InlineData("{a: {$elemMatch: 1}}", 31274)]
    [InlineData("{'a.$': {$slice: 1}}", 31271)]
    [InlineData("{'a.$': 'x'}", 31308)]
    [InlineData("{a: {$slice: 'x'}}", 31273)]
    [InlineData("{a: {$slice: [1, 0]}}", 31259)]
    [InlineData("{a: {$slice: [1, 2, 3]}}", 31272)]
    [InlineData("{a: {$meta: 'searchScore'}}", ErrorCodes.BadValue)]
    [InlineData("{'a.$.b': 1}", ErrorCodes.BadValue)]
    public void Invalid_projections_use_the_server_codes(string projection, int code) =>
        Assert.Equal(code, ParseError(projection).Code);

    [Fact]
    public void Mixing_messages_name_the_field()
    {
        Assert.Equal("Cannot do exclusion on field b in inclusion projection", ParseError("{a: 1, b: 0}").Message);
        Assert.Equal("Cannot do inclusion on field b in exclusion projection", ParseError("{a: 0, b: 1}").Message);
    }

    [Fact]
    public void Projection_does_not_change_the_input()
    {
        var document = BsonDocument.Parse("{_id: 1, a: [{b: 1, c: 2}], d: 3}");
        var copy = document.DeepClone();
        FindProjection.Parse(BsonDocument.Parse("{'a.b': 0, d: 0}"), QueryContext.Default).Apply(new MetaDoc(document), null);
        FindProjection.Parse(BsonDocument.Parse("{'a.c': 1}"), QueryContext.Default).Apply(new MetaDoc(document), null);
        Assert.Equal(copy, document);
    }
}
