using BayitPlus.MongoEmulator.Bson;
using BayitPlus.MongoEmulator.Query;
using MongoDB.Bson;

namespace BayitPlus.MongoEmulator.Tests.Query;

public sealed class CompiledFilterTests
{
    internal static bool Matches(string filter, string document) =>
        CompiledFilter.Compile(BsonDocument.Parse(filter), QueryContext.Default).Matches(BsonDocument.Parse(document));

    private static MongoErrorException CompileError(string filter) =>
        Assert.Throws<MongoErrorException>(() => CompiledFilter.Compile(BsonDocument.Parse(filter), QueryContext.Default));

    [Theory]
    [InlineData("{}", "{a: 1}", true)]
    [InlineData("{a: 1}", "{a: 1}", true)]
    [InlineData("{a: 1}", "{a: 1.0}", true)]
    [InlineData("{a: 1}", "{a: NumberLong(1)}", true)]
    [InlineData("{a: 1}", "{a: '1'}", false)]
    [InlineData("{a: 1, b: 2}", "{a: 1, b: 2}", true)]
    [InlineData("{a: 1, b: 2}", "{a: 1, b: 3}", false)]
    [InlineData("{a: 1}", "{a: [0, 1]}", true)]
    [InlineData("{a: [0, 1]}", "{a: [0, 1]}", true)]
    [InlineData("{a: [0, 1]}", "{a: [1, 0]}", false)]
    [InlineData("{a: [0, 1]}", "{a: [[0, 1], 2]}", true)]
    [InlineData("{a: 1}", "{a: [[1]]}", false)]
    [InlineData("{a: {b: 1, c: 2}}", "{a: {b: 1, c: 2}}", true)]
    [InlineData("{a: {b: 1, c: 2}}", "{a: {c: 2, b: 1}}", false)]
    [InlineData("{a: {b: 1}}", "{a: {b: 1, c: 2}}", false)]
    [InlineData("{'a.b': 1}", "{a: {b: 1}}", true)]
    [InlineData("{'a.b': 1}", "{a: [{b: 2}, {b: 1}]}", true)]
    [InlineData("{'a.b': 1}", "{a: [{b: [3, 1]}]}", true)]
    [InlineData("{'a.b': 1}", "{a: [[{b: 1}]]}", false)]
    [InlineData("{'a.1': 5}", "{a: [4, 5]}", true)]
    [InlineData("{'a.0': 5}", "{a: [4, 5]}", false)]
    [InlineData("{'a.0.b': 5}", "{a: [{b: 5}]}", true)]
    [InlineData("{'a.0': 5}", "{a: [{'0': 5}]}", true)]
    [InlineData("{'a.1': 5}", "{a: {'1': 5}}", true)]
    [InlineData("{'devices.device_id': 'x'}", "{devices: [{device_id: 'y'}, {device_id: 'x'}]}", true)]
    public void Equality(string filter, string document, bool expected) => Assert.Equal(expected, Matches(filter, document));

    [Theory]
    [InlineData("{}", true)]
    [InlineData("{a: null}", true)]
    [InlineData("{a: undefined}", false)]
    [InlineData("{a: [1, null]}", true)]
    [InlineData("{a: []}", false)]
    [InlineData("{a: 0}", false)]
    [InlineData("{a: {b: null}}", false)]
    public void Null_matches_missing_null_and_arrays_holding_null(string document, bool expected)
    {
        Assert.Equal(expected, Matches("{a: null}", document));
        Assert.Equal(expected, Matches("{a: {$eq: null}}", document));
        Assert.Equal(expected, Matches("{a: {$in: [null]}}", document));
        Assert.Equal(!expected, Matches("{a: {$ne: null}}", document));
        Assert.Equal(!expected, Matches("{a: {$nin: [null]}}", document));
    }

    [Theory]
    [InlineData("{a: [{b: 5}]}", false)]
    [InlineData("{a: [{}]}", true)]
    [InlineData("{a: []}", false)]
    [InlineData("{a: [{}, {b: 5}]}", true)]
    [InlineData("{a: [5, {b: 5}]}", false)]
    [InlineData("{a: 4}", true)]
    [InlineData("{a: {b: null}}", true)]
    [InlineData("{}", true)]
    public void Dotted_null_through_arrays(string document, bool expected)
    {
        Assert.Equal(expected, Matches("{'a.b': null}", document));
        Assert.Equal(expected, Matches("{'a.b': {$in: [null]}}", document));
    }

    [Theory]
    [InlineData("{a: {$gt: 5}}", "{a: 6}", true)]
    [InlineData("{a: {$gt: 5}}", "{a: 5}", false)]
    [InlineData("{a: {$gte: 5}}", "{a: 5.0}", true)]
    [InlineData("{a: {$lt: 5}}", "{a: 4.5}", true)]
    [InlineData("{a: {$lte: 5}}", "{a: NumberDecimal('5')}", true)]
    [InlineData("{a: {$gt: 5}}", "{a: 'z'}", false)]
    [InlineData("{a: {$lt: 'b'}}", "{a: 1}", false)]
    [InlineData("{a: {$lt: 'b'}}", "{a: 'a'}", true)]
    [InlineData("{a: {$gt: 5}}", "{a: [1, 7]}", true)]
    [InlineData("{a: {$gt: 5, $lt: 7}}", "{a: [4, 8]}", true)]
    [InlineData("{a: {$gt: 5, $lt: 7}}", "{a: [4, 6]}", true)]
    [InlineData("{a: {$gt: 5}}", "{}", false)]
    [InlineData("{a: {$gte: null}}", "{}", true)]
    [InlineData("{a: {$lte: null}}", "{a: null}", true)]
    [InlineData("{a: {$gt: null}}", "{a: 1}", false)]
    [InlineData("{a: {$gt: MinKey}}", "{a: 'x'}", true)]
    [InlineData("{a: {$lt: MaxKey}}", "{a: {b: 1}}", true)]
    [InlineData("{a: {$gt: MaxKey}}", "{a: 1}", false)]
    [InlineData("{a: {$gt: [1]}}", "{a: [2]}", true)]
    [InlineData("{a: {$gt: {b: 1}}}", "{a: {b: 2}}", true)]
    [InlineData("{a: {$gt: ISODate('2020-01-01')}}", "{a: ISODate('2021-01-01')}", true)]
    [InlineData("{a: {$gt: ISODate('2020-01-01')}}", "{a: 5}", false)]
    [InlineData("{a: {$lt: 5}}", "{a: NaN}", false)]
    [InlineData("{a: {$gt: NaN}}", "{a: 5}", false)]
    [InlineData("{a: {$gte: NaN}}", "{a: NaN}", true)]
    [InlineData("{a: NaN}", "{a: NaN}", true)]
    [InlineData("{a: {$gt: true}}", "{a: false}", false)]
    [InlineData("{a: {$gte: false}}", "{a: true}", true)]
    public void Comparisons_are_type_bracketed(string filter, string document, bool expected) =>
        Assert.Equal(expected, Matches(filter, document));

    [Theory]
    [InlineData("{a: {$ne: 5}}", "{a: 5}", false)]
    [InlineData("{a: {$ne: 5}}", "{a: 6}", true)]
    [InlineData("{a: {$ne: 5}}", "{}", true)]
    [InlineData("{a: {$ne: 5}}", "{a: [4, 5]}", false)]
    [InlineData("{a: {$ne: [4, 5]}}", "{a: [4, 5]}", false)]
    [InlineData("{'a.b': {$ne: 5}}", "{a: [{b: 4}, {b: 5}]}", false)]
    [InlineData("{a: {$in: [1, 'x']}}", "{a: 'x'}", true)]
    [InlineData("{a: {$in: [1, 'x']}}", "{a: [2, 1]}", true)]
    [InlineData("{a: {$in: [1, 'x']}}", "{a: 2}", false)]
    [InlineData("{a: {$in: []}}", "{a: 2}", false)]
    [InlineData("{a: {$in: [[1, 2]]}}", "{a: [1, 2]}", true)]
    [InlineData("{a: {$in: [/^ab/]}}", "{a: 'abc'}", true)]
    [InlineData("{a: {$in: [/^ab/i]}}", "{a: 'ABC'}", true)]
    [InlineData("{a: {$in: [/^ab/]}}", "{a: 'cab'}", false)]
    [InlineData("{a: {$nin: [1, 2]}}", "{a: 3}", true)]
    [InlineData("{a: {$nin: [1, 2]}}", "{a: [3, 2]}", false)]
    [InlineData("{a: {$nin: [1, 2]}}", "{}", true)]
    [InlineData("{a: {$in: [1.0]}}", "{a: NumberLong(1)}", true)]
    public void Negations_and_membership(string filter, string document, bool expected) =>
        Assert.Equal(expected, Matches(filter, document));

    [Theory]
    [InlineData("{$and: [{a: 1}, {b: 2}]}", "{a: 1, b: 2}", true)]
    [InlineData("{$and: [{a: 1}, {b: 2}]}", "{a: 1, b: 3}", false)]
    [InlineData("{$or: [{a: 1}, {b: 2}]}", "{a: 0, b: 2}", true)]
    [InlineData("{$or: [{a: 1}, {b: 2}]}", "{a: 0, b: 3}", false)]
    [InlineData("{$nor: [{a: 1}, {b: 2}]}", "{a: 0, b: 3}", true)]
    [InlineData("{$nor: [{a: 1}, {b: 2}]}", "{a: 1}", false)]
    [InlineData("{a: {$not: {$gt: 5}}}", "{a: 3}", true)]
    [InlineData("{a: {$not: {$gt: 5}}}", "{a: 7}", false)]
    [InlineData("{a: {$not: {$gt: 5}}}", "{}", true)]
    [InlineData("{a: {$not: {$gt: 5}}}", "{a: [1, 7]}", false)]
    [InlineData("{a: {$not: {$gt: 5, $lt: 9}}}", "{a: 10}", true)]
    [InlineData("{a: {$not: /^x/}}", "{a: 'xy'}", false)]
    [InlineData("{a: {$not: /^x/}}", "{a: 'yx'}", true)]
    [InlineData("{$alwaysTrue: 1}", "{}", true)]
    [InlineData("{$alwaysFalse: 1}", "{}", false)]
    [InlineData("{a: 1, $comment: 'why'}", "{a: 1}", true)]
    public void Logical_operators(string filter, string document, bool expected) =>
        Assert.Equal(expected, Matches(filter, document));

    [Theory]
    [InlineData("{a: {$exists: true}}", "{a: null}", true)]
    [InlineData("{a: {$exists: true}}", "{a: []}", true)]
    [InlineData("{a: {$exists: true}}", "{}", false)]
    [InlineData("{a: {$exists: false}}", "{}", true)]
    [InlineData("{a: {$exists: 0}}", "{a: 1}", false)]
    [InlineData("{'a.b': {$exists: true}}", "{a: [{c: 1}, {b: 1}]}", true)]
    [InlineData("{'a.b': {$exists: true}}", "{a: [{c: 1}]}", false)]
    [InlineData("{'a.b': {$exists: false}}", "{a: [1, 2]}", true)]
    [InlineData("{'a.b': {$exists: false}}", "{a: [{b: 1}]}", false)]
    public void Exists(string filter, string document, bool expected) => Assert.Equal(expected, Matches(filter, document));

    [Theory]
    [InlineData("{a: {$type: 'string'}}", "{a: 'x'}", true)]
    [InlineData("{a: {$type: 2}}", "{a: 'x'}", true)]
    [InlineData("{a: {$type: 'number'}}", "{a: 1.5}", true)]
    [InlineData("{a: {$type: 'number'}}", "{a: NumberDecimal('1')}", true)]
    [InlineData("{a: {$type: 'number'}}", "{a: '1'}", false)]
    [InlineData("{a: {$type: 'int'}}", "{a: 1}", true)]
    [InlineData("{a: {$type: 'long'}}", "{a: 1}", false)]
    [InlineData("{a: {$type: 'double'}}", "{a: 1.5}", true)]
    [InlineData("{a: {$type: 'array'}}", "{a: []}", true)]
    [InlineData("{a: {$type: 'array'}}", "{a: 1}", false)]
    [InlineData("{a: {$type: 4}}", "{a: [1]}", true)]
    [InlineData("{a: {$type: 'int'}}", "{a: ['x', 1]}", true)]
    [InlineData("{a: {$type: 'null'}}", "{a: null}", true)]
    [InlineData("{a: {$type: 'null'}}", "{}", false)]
    [InlineData("{a: {$type: 'object'}}", "{a: {}}", true)]
    [InlineData("{a: {$type: 'bool'}}", "{a: false}", true)]
    [InlineData("{a: {$type: 'date'}}", "{a: ISODate('2020-01-01')}", true)]
    [InlineData("{a: {$type: 'objectId'}}", "{a: ObjectId('5f0000000000000000000000')}", true)]
    [InlineData("{a: {$type: 'regex'}}", "{a: /x/}", true)]
    [InlineData("{a: {$type: 'minKey'}}", "{a: MinKey}", true)]
    [InlineData("{a: {$type: -1}}", "{a: MinKey}", true)]
    [InlineData("{a: {$type: 'maxKey'}}", "{a: MaxKey}", true)]
    [InlineData("{a: {$type: ['string', 'int']}}", "{a: 3}", true)]
    [InlineData("{a: {$type: 1.0}}", "{a: 3.5}", true)]
    public void Type(string filter, string document, bool expected) => Assert.Equal(expected, Matches(filter, document));

    [Theory]
    [InlineData("{a: {$all: [1, 2]}}", "{a: [2, 3, 1]}", true)]
    [InlineData("{a: {$all: [1, 2]}}", "{a: [2, 3]}", false)]
    [InlineData("{a: {$all: [1]}}", "{a: 1}", true)]
    [InlineData("{a: {$all: []}}", "{a: [1]}", false)]
    [InlineData("{a: {$all: [[1, 2]]}}", "{a: [1, 2]}", true)]
    [InlineData("{a: {$all: [[1, 2]]}}", "{a: [[1, 2], 3]}", true)]
    [InlineData("{a: {$all: [/^x/, 'yy']}}", "{a: ['xa', 'yy']}", true)]
    [InlineData("{a: {$all: [{$elemMatch: {b: 1}}, {$elemMatch: {b: 2}}]}}", "{a: [{b: 1}, {b: 2}]}", true)]
    [InlineData("{a: {$all: [{$elemMatch: {b: 1}}, {$elemMatch: {b: 3}}]}}", "{a: [{b: 1}, {b: 2}]}", false)]
    [InlineData("{'a.b': {$all: [1, 2]}}", "{a: [{b: 1}, {b: 2}]}", true)]
    public void All(string filter, string document, bool expected) => Assert.Equal(expected, Matches(filter, document));

    [Theory]
    [InlineData("{a: {$elemMatch: {$gt: 1, $lt: 5}}}", "{a: [0, 3]}", true)]
    [InlineData("{a: {$elemMatch: {$gt: 1, $lt: 5}}}", "{a: [0, 6]}", false)]
    [InlineData("{a: {$elemMatch: {$gt: 1}}}", "{a: 3}", false)]
    [InlineData("{a: {$elemMatch: {$gt: 1}}}", "{a: [[3]]}", false)]
    [InlineData("{a: {$elemMatch: {$ne: 1}}}", "{a: [1, 2]}", true)]
    [InlineData("{a: {$elemMatch: {$ne: 1}}}", "{a: [1, 1]}", false)]
    [InlineData("{a: {$elemMatch: {b: 1, c: 2}}}", "{a: [{b: 1, c: 3}, {b: 2, c: 2}]}", false)]
    [InlineData("{a: {$elemMatch: {b: 1, c: 2}}}", "{a: [{b: 1, c: 3}, {b: 1, c: 2}]}", true)]
    [InlineData("{a: {$elemMatch: {b: 1}}}", "{a: [{b: [0, 1]}]}", true)]
    [InlineData("{a: {$elemMatch: {b: {$gt: 5}}}}", "{a: [{b: 1}]}", false)]
    [InlineData("{a: {$elemMatch: {$or: [{b: 1}, {c: 1}]}}}", "{a: [{c: 1}]}", true)]
    [InlineData("{a: {$elemMatch: {}}}", "{a: [{c: 1}]}", true)]
    [InlineData("{a: {$elemMatch: {}}}", "{a: [1]}", false)]
    [InlineData("{'a.b': {$elemMatch: {$gt: 2}}}", "{a: [{b: [1]}, {b: [3]}]}", true)]
    [InlineData("{a: {$elemMatch: {$elemMatch: {$gt: 2}}}}", "{a: [[1], [3]]}", true)]
    public void ElemMatch(string filter, string document, bool expected) => Assert.Equal(expected, Matches(filter, document));

    [Theory]
    [InlineData("{a: {$size: 2}}", "{a: [1, 2]}", true)]
    [InlineData("{a: {$size: 2}}", "{a: [1]}", false)]
    [InlineData("{a: {$size: 0}}", "{a: []}", true)]
    [InlineData("{a: {$size: 1}}", "{a: [[1, 2]]}", true)]
    [InlineData("{a: {$size: 2}}", "{a: [[1, 2]]}", false)]
    [InlineData("{a: {$size: 0}}", "{}", false)]
    [InlineData("{'a.b': {$size: 1}}", "{a: [{b: [1]}]}", true)]
    [InlineData("{a: {$mod: [4, 1]}}", "{a: 9}", true)]
    [InlineData("{a: {$mod: [4, 1]}}", "{a: 9.9}", true)]
    [InlineData("{a: {$mod: [4, 1]}}", "{a: 10}", false)]
    [InlineData("{a: {$mod: [4, -1]}}", "{a: -9}", true)]
    [InlineData("{a: {$mod: [4, 0]}}", "{a: 'x'}", false)]
    [InlineData("{a: {$mod: [4, 0]}}", "{a: [3, 8]}", true)]
    [InlineData("{a: {$mod: [4, 0]}}", "{a: NaN}", false)]
    public void Size_and_mod(string filter, string document, bool expected) => Assert.Equal(expected, Matches(filter, document));

    [Theory]
    [InlineData("{a: /^ab/}", "{a: 'abc'}", true)]
    [InlineData("{a: /^ab/}", "{a: 'xabc'}", false)]
    [InlineData("{a: /^ab/}", "{a: ['x', 'abc']}", true)]
    [InlineData("{a: /^ab/}", "{a: 5}", false)]
    [InlineData("{a: /^ab/}", "{a: /^ab/}", true)]
    [InlineData("{a: /^ab/}", "{a: /^ab/i}", false)]
    [InlineData("{a: /^AB/i}", "{a: 'abc'}", true)]
    [InlineData("{a: {$eq: /^ab/}}", "{a: 'abc'}", false)]
    [InlineData("{a: {$eq: /^ab/}}", "{a: /^ab/}", true)]
    public void Regex(string filter, string document, bool expected) => Assert.Equal(expected, Matches(filter, document));

    [Theory]
    [InlineData("{a: {$bitsAllSet: 5}}", "{a: 7}", true)]
    [InlineData("{a: {$bitsAllSet: 5}}", "{a: 6}", false)]
    [InlineData("{a: {$bitsAllSet: [0, 2]}}", "{a: NumberLong(5)}", true)]
    [InlineData("{a: {$bitsAnySet: [1]}}", "{a: 5}", false)]
    [InlineData("{a: {$bitsAnySet: [1]}}", "{a: 2}", true)]
    [InlineData("{a: {$bitsAllClear: 5}}", "{a: 2}", true)]
    [InlineData("{a: {$bitsAllClear: 5}}", "{a: 3}", false)]
    [InlineData("{a: {$bitsAnyClear: [0, 1]}}", "{a: 1}", true)]
    [InlineData("{a: {$bitsAnyClear: [0, 1]}}", "{a: 3}", false)]
    [InlineData("{a: {$bitsAllSet: [63, 100]}}", "{a: -1}", true)]
    [InlineData("{a: {$bitsAllSet: [100]}}", "{a: 1}", false)]
    [InlineData("{a: {$bitsAllSet: 1}}", "{a: 1.0}", true)]
    [InlineData("{a: {$bitsAllSet: 1}}", "{a: 1.5}", false)]
    [InlineData("{a: {$bitsAllSet: 1}}", "{a: '1'}", false)]
    [InlineData("{a: {$bitsAllSet: [0, 9]}}", "{a: BinData(0, 'AQI=')}", true)]
    [InlineData("{a: {$bitsAllSet: [1]}}", "{a: BinData(0, 'AQI=')}", false)]
    [InlineData("{a: {$bitsAnySet: BinData(0, 'AA==')}}", "{a: 255}", false)]
    [InlineData("{a: {$bitsAnySet: BinData(0, 'AgA=')}}", "{a: 2}", true)]
    public void Bitwise(string filter, string document, bool expected) => Assert.Equal(expected, Matches(filter, document));

    [Theory]
    [InlineData("{a: {$bitsAllSet: -1}}")]
    [InlineData("{a: {$bitsAllSet: 1.5}}")]
    [InlineData("{a: {$bitsAllSet: 'x'}}")]
    [InlineData("{a: {$bitsAnyClear: [-1]}}")]
    public void Bitwise_masks_are_validated(string filter) => Assert.Equal(ErrorCodes.BadValue, CompileError(filter).Code);

    [Theory]
    [InlineData("{$expr: {$gt: ['$a', '$b']}}", "{a: 2, b: 1}", true)]
    [InlineData("{$expr: {$gt: ['$a', '$b']}}", "{a: 1, b: 2}", false)]
    [InlineData("{$expr: '$a'}", "{a: 1}", true)]
    [InlineData("{$expr: '$a'}", "{a: 0}", false)]
    [InlineData("{$expr: '$a'}", "{a: null}", false)]
    [InlineData("{$expr: '$a'}", "{}", false)]
    [InlineData("{$expr: '$a'}", "{a: ''}", true)]
    [InlineData("{$expr: '$a'}", "{a: []}", true)]
    [InlineData("{$expr: {$eq: ['$a', '$$limit']}}", "{a: 5}", true)]
    [InlineData("{x: 1, $expr: {$lt: ['$a', 3]}}", "{x: 1, a: 2}", true)]
    [InlineData("{$or: [{$expr: {$eq: ['$a', 1]}}, {b: 1}]}", "{a: 1}", true)]
    public void Expr_uses_aggregation_truthiness(string filter, string document, bool expected)
    {
        var context = new QueryContext { Variables = new BsonDocument("limit", 5) };
        Assert.Equal(expected, CompiledFilter.Compile(BsonDocument.Parse(filter), context).Matches(BsonDocument.Parse(document)));
    }

    /// <summary>The JSON reader turns <c>{$regex, $options}</c> into a regex literal, so these
    /// filters are built as documents.</summary>
    [Theory]
    [InlineData("^AB", "i", "abc", true)]
    [InlineData("^AB", null, "abc", false)]
    [InlineData("^b", "m", "a\nb", true)]
    [InlineData("^b", null, "a\nb", false)]
    [InlineData("a.b", "s", "a\nb", true)]
    [InlineData("a.b", null, "a\nb", false)]
    [InlineData("a b # comment", "x", "ab", true)]
    [InlineData("b", null, "abc", true)]
    public void Regex_operator(string pattern, string? options, string value, bool expected)
    {
        var operators = new BsonDocument("$regex", pattern);
        if (options is not null)
        {
            operators.Add("$options", options);
        }

        Assert.Equal(expected, MatchesValue(new BsonDocument("a", operators), value));
        Assert.Equal(expected, MatchesValue(new BsonDocument("a", new BsonDocument("$regex", new BsonRegularExpression(pattern, options ?? ""))), value));
        Assert.Equal(!expected, MatchesValue(new BsonDocument("a", new BsonDocument("$not", new BsonRegularExpression(pattern, options ?? ""))), value));
        if (options is not null)
        {
            var reversed = new BsonDocument { { "$options", options }, { "$regex", pattern } };
            Assert.Equal(expected, MatchesValue(new BsonDocument("a", reversed), value));
            var literalAndOptions = new BsonDocument { { "$regex", new BsonRegularExpression(pattern) }, { "$options", options } };
            Assert.Equal(expected, MatchesValue(new BsonDocument("a", literalAndOptions), value));
        }
    }

    private static bool MatchesValue(BsonDocument filter, string value) =>
        CompiledFilter.Compile(filter, QueryContext.Default).Matches(new BsonDocument("a", value));

    [Fact]
    public void Regex_operator_errors()
    {
        var both = new BsonDocument("a", new BsonDocument { { "$regex", new BsonRegularExpression("x", "i") }, { "$options", "m" } });
        Assert.Equal("options set in both $regex and $options", Assert.Throws<MongoErrorException>(() => CompiledFilter.Compile(both, QueryContext.Default)).Message);
        var notString = new BsonDocument("a", new BsonDocument("$regex", 1));
        Assert.Equal("$regex has to be a string", Assert.Throws<MongoErrorException>(() => CompiledFilter.Compile(notString, QueryContext.Default)).Message);
        var badFlag = new BsonDocument("a", new BsonDocument { { "$regex", "x" }, { "$options", "q" } });
        Assert.Equal(51108, Assert.Throws<MongoErrorException>(() => CompiledFilter.Compile(badFlag, QueryContext.Default)).Code);
        var optionsAlone = new BsonDocument("a", new BsonDocument("$options", "i"));
        Assert.Equal("$options needs a $regex", Assert.Throws<MongoErrorException>(() => CompiledFilter.Compile(optionsAlone, QueryContext.Default)).Message);
        var badPattern = new BsonDocument("a", new BsonDocument("$regex", "("));
        Assert.Equal(51091, Assert.Throws<MongoErrorException>(() => CompiledFilter.Compile(badPattern, QueryContext.Default)).Code);
    }

    [Theory]
    [InlineData("{$foo: 1}", ErrorCodes.BadValue, "unknown top level operator: $foo")]
    [InlineData("{a: {$foo: 1}}", ErrorCodes.BadValue, "unknown operator: $foo")]
    [InlineData("{a: {$gt: 1, b: 1}}", ErrorCodes.BadValue, "unknown operator: b")]
    [InlineData("{$and: []}", ErrorCodes.BadValue, "$and/$or/$nor must be a nonempty array")]
    [InlineData("{$or: {}}", ErrorCodes.BadValue, "$or must be an array")]
    [InlineData("{$or: [1]}", ErrorCodes.BadValue, "$or/$and/$nor entries need to be full objects")]
    [InlineData("{a: {$in: 1}}", ErrorCodes.BadValue, "$in needs an array")]
    [InlineData("{a: {$nin: 1}}", ErrorCodes.BadValue, "$nin needs an array")]
    [InlineData("{a: {$in: [{$gt: 1}]}}", ErrorCodes.BadValue, "cannot nest $ under $in")]
    [InlineData("{a: {$all: 1}}", ErrorCodes.BadValue, "$all needs an array")]
    [InlineData("{a: {$all: [{$gt: 1}]}}", ErrorCodes.BadValue, "no $ expressions in $all")]
    [InlineData("{a: {$all: [{$elemMatch: {}}, 1]}}", ErrorCodes.BadValue, "$all/$elemMatch has to be consistent")]
    [InlineData("{a: {$elemMatch: 1}}", ErrorCodes.BadValue, "$elemMatch needs an Object")]
    [InlineData("{a: {$size: 'x'}}", ErrorCodes.BadValue, "$size needs a number")]
    [InlineData("{a: {$size: 1.5}}", ErrorCodes.BadValue, "$size must be a whole number")]
    [InlineData("{a: {$size: -1}}", ErrorCodes.BadValue, "$size may not be negative")]
    [InlineData("{a: {$mod: 1}}", ErrorCodes.BadValue, "malformed mod, needs to be an array")]
    [InlineData("{a: {$mod: [1]}}", ErrorCodes.BadValue, "malformed mod, not enough elements")]
    [InlineData("{a: {$mod: [1, 2, 3]}}", ErrorCodes.BadValue, "malformed mod, too many elements")]
    [InlineData("{a: {$mod: ['x', 2]}}", ErrorCodes.BadValue, "malformed mod, divisor not a number")]
    [InlineData("{a: {$mod: [0, 2]}}", ErrorCodes.BadValue, "divisor cannot be 0")]
    [InlineData("{a: {$type: 'foo'}}", ErrorCodes.BadValue, "Unknown type name alias: foo")]
    [InlineData("{a: {$type: 99}}", ErrorCodes.BadValue, "Invalid numerical type code: 99")]
    [InlineData("{a: {$type: {}}}", ErrorCodes.TypeMismatch, "type must be represented as a number or a string")]
    [InlineData("{a: {$not: 1}}", ErrorCodes.BadValue, "$not needs a regex or a document")]
    [InlineData("{a: {$not: {}}}", ErrorCodes.BadValue, "$not cannot be empty")]
    [InlineData("{a: {$gt: /x/}}", ErrorCodes.BadValue, "Can't have RegEx as arg to predicate over field 'a'.")]
    [InlineData("{$where: 'true'}", ErrorCodes.BadValue, "$where is not supported by the emulator")]
    [InlineData("{a: {$near: [0, 0]}}", ErrorCodes.BadValue, "$near is not supported by the emulator")]
    [InlineData("{a: {$elemMatch: {$expr: true}}}", ErrorCodes.BadValue, "$expr can only be applied to the top-level document")]
    [InlineData("{$text: {$search: 'x'}}", ErrorCodes.IndexNotFound, "text index required for $text query")]
    public void Invalid_filters_name_the_problem(string filter, int code, string message)
    {
        var error = CompileError(filter);
        Assert.Equal(code, error.Code);
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void Dbref_documents_are_literals() =>
        Assert.True(Matches("{a: {$ref: 'c', $id: 1}}", "{a: {$ref: 'c', $id: 1}}"));

    [Theory]
    [InlineData("{a: 2}", "{a: [1, 2, 3]}", 1)]
    [InlineData("{'a.b': 2}", "{a: [{b: 1}, {b: 2}]}", 1)]
    [InlineData("{'a.b': {$gt: 1}}", "{a: [{b: 1}, {b: [0, 5]}]}", 1)]
    [InlineData("{a: {$elemMatch: {b: 2}}}", "{a: [{b: 1}, {b: 2}]}", 1)]
    [InlineData("{a: {$elemMatch: {$gte: 3}}}", "{a: [1, 2, 3]}", 2)]
    [InlineData("{x: 1, 'a.b': 3}", "{x: 1, a: [{b: 1}, {b: 3}]}", 1)]
    [InlineData("{$and: [{x: 1}, {a: 3}]}", "{x: 1, a: [1, 3]}", 1)]
    [InlineData("{a: 1}", "{a: 1}", null)]
    [InlineData("{a: [1, 2]}", "{a: [1, 2]}", null)]
    [InlineData("{a: 5}", "{a: [1, 2]}", null)]
    [InlineData("{$or: [{a: 2}]}", "{a: [1, 2]}", null)]
    [InlineData("{a: {$ne: 2}}", "{a: [1, 3]}", null)]
    public void Positional_index_is_the_matching_element(string filter, string document, int? expected)
    {
        var compiled = CompiledFilter.Compile(BsonDocument.Parse(filter), QueryContext.Default);
        Assert.Equal(expected, compiled.PositionalIndex(BsonDocument.Parse(document)));
    }

    [Fact]
    public void Text_uses_the_searcher_and_reports_scores()
    {
        var context = new QueryContext { Text = new WordSearcher() };
        var filter = CompiledFilter.Compile(BsonDocument.Parse("{$and: [{$text: {$search: 'cat'}}, {n: {$gt: 0}}]}"), context);
        Assert.True(filter.HasText);
        Assert.True(filter.Matches(BsonDocument.Parse("{body: 'the cat', n: 1}")));
        Assert.False(filter.Matches(BsonDocument.Parse("{body: 'the dog', n: 1}")));
        Assert.False(filter.Matches(BsonDocument.Parse("{body: 'the cat', n: 0}")));
        Assert.Equal(1.0, filter.TextScore(BsonDocument.Parse("{body: 'the cat'}")));
        Assert.Null(filter.TextScore(BsonDocument.Parse("{body: 'the dog'}")));
        Assert.False(CompiledFilter.Compile(BsonDocument.Parse("{a: 1}"), context).HasText);
    }

    [Theory]
    [InlineData("{$or: [{$text: {$search: 'cat'}}]}")]
    [InlineData("{a: {$elemMatch: {$text: {$search: 'cat'}}}}")]
    [InlineData("{$text: {$search: 'cat'}, $and: [{$text: {$search: 'dog'}}]}")]
    [InlineData("{$text: 'cat'}")]
    public void Text_is_only_allowed_once_at_the_top_level(string filter)
    {
        var context = new QueryContext { Text = new WordSearcher() };
        var error = Assert.Throws<MongoErrorException>(() => CompiledFilter.Compile(BsonDocument.Parse(filter), context));
        Assert.Equal(ErrorCodes.BadValue, error.Code);
    }

    [Fact]
    public void Positional_projection_support_knows_the_constrained_fields()
    {
        var filter = CompiledFilter.Compile(BsonDocument.Parse("{'a.b': 1, $or: [{c: 1}], d: {$elemMatch: {e: 1}}}"), QueryContext.Default);
        Assert.True(filter.ConstrainsField("a"));
        Assert.True(filter.ConstrainsField("c"));
        Assert.True(filter.ConstrainsField("d"));
        Assert.False(filter.ConstrainsField("e"));
        Assert.False(filter.ConstrainsField("b"));
    }

    /// <summary>Scores 1 for documents whose body contains the searched word.</summary>
    internal sealed class WordSearcher : ITextSearcher
    {
        public Func<BsonDocument, double?> Compile(BsonDocument textSpec)
        {
            var word = textSpec["$search"].AsString;
            return document => document.TryGetValue("body", out var body) && body.AsString.Contains(word, StringComparison.Ordinal)
                ? 1.0
                : null;
        }
    }
}
