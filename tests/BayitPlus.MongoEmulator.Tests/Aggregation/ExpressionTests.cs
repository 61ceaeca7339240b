using BayitPlus.MongoEmulator.Bson;
using MongoDB.Bson;
using static BayitPlus.MongoEmulator.Tests.Aggregation.ExpressionTestHelper;

namespace BayitPlus.MongoEmulator.Tests.Aggregation;

public sealed class ExpressionTests
{
    [Theory]
    [InlineData("5", "{}", "5")]
    [InlineData("'$a'", "{a: 'x'}", "'x'")]
    [InlineData("'$a.b'", "{a: {b: 2}}", "2")]
    [InlineData("'$a.b'", "{a: [{b: 1}, {c: 2}, {b: [3]}, 4]}", "[1, [3]]")]
    [InlineData("'$a.b'", "{a: [[{b: 1}], {b: 2}]}", "[[1], 2]")]
    [InlineData("'$$ROOT.a'", "{a: 7}", "7")]
    [InlineData("'$$CURRENT'", "{a: 7}", "{a: 7}")]
    [InlineData("{x: '$a', y: {$literal: '$notAPath'}, z: '$missing'}", "{a: 1}", "{x: 1, y: '$notAPath'}")]
    [InlineData("['$a', '$missing', 3]", "{a: 1}", "[1, null, 3]")]
    [InlineData("{$let: {vars: {x: '$a', y: 2}, in: {$multiply: ['$$x', '$$y']}}}", "{a: 5}", "10")]
    [InlineData("{$let: {vars: {x: 1}, in: {$let: {vars: {x: 2, y: '$$x'}, in: ['$$x', '$$y']}}}}", "{}", "[2, 1]")]
    public void Paths_literals_and_variables(string expression, string document, string expected) =>
        AssertValue(expected, Eval(expression, document));

    [Fact]
    public void Missing_path_and_remove_are_missing()
    {
        Assert.Null(Eval("'$nope'", "{a: 1}"));
        Assert.Null(Eval("'$a.b'", "{a: 1}"));
        Assert.Null(Eval("'$$REMOVE'"));
    }

    [Fact]
    public void System_and_user_variables()
    {
        Assert.Equal(new BsonDateTime(Now), Eval("'$$NOW'"));
        AssertValue("'v'", Eval("'$$who.name'", variables: new BsonDocument("who", new BsonDocument("name", "v"))));
        Assert.Equal(17276, Assert.Throws<MongoErrorException>(() => Eval("'$$nobody'")).Code);
        Assert.Equal(1.5, Eval("{$meta: 'textScore'}", textScore: 1.5)!.AsDouble);
        Assert.Null(Eval("{$meta: 'textScore'}"));
    }

    [Fact]
    public void Rand_is_between_zero_and_one() =>
        Assert.InRange(Eval("{$rand: {}}")!.AsDouble, 0, 1);

    [Fact]
    public void Unsupported_operator_names_it() =>
        Assert.Contains("$function", AssertError(ErrorCodes.BadValue, "{$function: {}}").Message, StringComparison.Ordinal);

    [Fact]
    public void Unknown_operator_names_it()
    {
        var error = AssertError(ErrorCodes.InvalidPipelineOperator, "{$foo: 1}");
        Assert.Equal("Unrecognized expression '$foo'", error.Message);
        Assert.Equal("InvalidPipelineOperator", error.CodeName);
    }

    [Theory]
    [InlineData("{$add: [1, 2]}", "3")]
    [InlineData("{$add: [2147483647, 1]}", "NumberLong(2147483648)")]
    [InlineData("{$add: [NumberLong(9223372036854775807), 1]}", "9.2233720368547758E18")]
    [InlineData("{$add: [1, 2.5]}", "3.5")]
    [InlineData("{$add: [1, NumberDecimal('2.5')]}", "NumberDecimal('3.5')")]
    [InlineData("{$add: [ISODate('2024-01-01T00:00:00Z'), 1000]}", "ISODate('2024-01-01T00:00:01Z')")]
    [InlineData("{$add: [1, null]}", "null")]
    [InlineData("{$add: [1, '$missing']}", "null")]
    [InlineData("{$subtract: [10, 4]}", "6")]
    [InlineData("{$subtract: [ISODate('2024-01-01T00:00:01Z'), ISODate('2024-01-01T00:00:00Z')]}", "NumberLong(1000)")]
    [InlineData("{$subtract: [ISODate('2024-01-01T00:00:01Z'), 1000]}", "ISODate('2024-01-01T00:00:00Z')")]
    [InlineData("{$multiply: [3, 4]}", "12")]
    [InlineData("{$multiply: [65536, 65536]}", "NumberLong(4294967296)")]
    [InlineData("{$divide: [7, 2]}", "3.5")]
    [InlineData("{$divide: [6, 2]}", "3.0")]
    [InlineData("{$mod: [7, 3]}", "1")]
    [InlineData("{$mod: [7.5, 2]}", "1.5")]
    [InlineData("{$abs: -3}", "3")]
    [InlineData("{$abs: -2147483648}", "NumberLong(2147483648)")]
    [InlineData("{$ceil: 1.2}", "2.0")]
    [InlineData("{$floor: -1.2}", "-2.0")]
    [InlineData("{$round: [2.5, 0]}", "2.0")]
    [InlineData("{$round: [3.5]}", "4.0")]
    [InlineData("{$round: [1.2345, 2]}", "1.23")]
    [InlineData("{$round: [1250, -2]}", "1200")]
    [InlineData("{$trunc: [-1.789, 1]}", "-1.7")]
    [InlineData("{$trunc: 5}", "5")]
    [InlineData("{$sqrt: 16}", "4.0")]
    [InlineData("{$pow: [2, 10]}", "1024")]
    [InlineData("{$pow: [2, 40]}", "NumberLong(1099511627776)")]
    [InlineData("{$pow: [2, -1]}", "0.5")]
    [InlineData("{$exp: 0}", "1.0")]
    [InlineData("{$ln: 1}", "0.0")]
    [InlineData("{$log10: 1000}", "3.0")]
    [InlineData("{$abs: null}", "null")]
    public void Arithmetic(string expression, string expected) => AssertValue(expected, Eval(expression));

    [Theory]
    [InlineData(16608, "{$divide: [1, 0]}")]
    [InlineData(16610, "{$mod: [1, 0]}")]
    [InlineData(16554, "{$add: [1, 'a']}")]
    [InlineData(16612, "{$add: [ISODate('2024-01-01T00:00:00Z'), ISODate('2024-01-01T00:00:00Z')]}")]
    [InlineData(28714, "{$sqrt: -1}")]
    [InlineData(28766, "{$ln: 0}")]
    [InlineData(28764, "{$pow: [0, -1]}")]
    [InlineData(ErrorCodes.Location16020, "{$subtract: [1]}")]
    public void Arithmetic_errors(int code, string expression) => AssertError(code, expression);

    [Theory]
    [InlineData("{$eq: [1, 1.0]}", "true")]
    [InlineData("{$ne: ['a', 'b']}", "true")]
    [InlineData("{$gt: ['a', 5]}", "true")]
    [InlineData("{$gte: [null, '$missing']}", "true")]
    [InlineData("{$lt: [null, 0]}", "true")]
    [InlineData("{$lte: [2, 1]}", "false")]
    [InlineData("{$cmp: [1, 2]}", "-1")]
    [InlineData("{$cmp: ['b', 'a']}", "1")]
    [InlineData("{$and: [1, 'a', []]}", "true")]
    [InlineData("{$and: [1, 0]}", "false")]
    [InlineData("{$and: []}", "true")]
    [InlineData("{$or: [null, '$missing', false]}", "false")]
    [InlineData("{$or: [0, 0.1]}", "true")]
    [InlineData("{$not: [0]}", "true")]
    [InlineData("{$not: 'x'}", "false")]
    public void Comparison_and_boolean(string expression, string expected) => AssertValue(expected, Eval(expression));

    [Theory]
    [InlineData("{$cond: [{$gt: ['$a', 1]}, 'big', 'small']}", "{a: 2}", "'big'")]
    [InlineData("{$cond: {if: '$missing', then: 1, else: 2}}", "{}", "2")]
    [InlineData("{$ifNull: ['$a', '$b', 'd']}", "{b: null}", "'d'")]
    [InlineData("{$ifNull: ['$a', '$b', 'd']}", "{a: null, b: 0}", "0")]
    [InlineData("{$switch: {branches: [{case: {$eq: ['$a', 1]}, then: 'one'}, {case: {$eq: ['$a', 2]}, then: 'two'}], default: 'many'}}", "{a: 2}", "'two'")]
    [InlineData("{$switch: {branches: [{case: false, then: 1}], default: 'none'}}", "{}", "'none'")]
    public void Conditionals(string expression, string document, string expected) =>
        AssertValue(expected, Eval(expression, document));

    [Fact]
    public void Switch_without_match_or_default_fails() =>
        AssertError(40066, "{$switch: {branches: [{case: false, then: 1}]}}");

    [Theory]
    [InlineData("{$size: '$a'}", "{a: [1, 2, 3]}", "3")]
    [InlineData("{$in: [2, '$a']}", "{a: [1, 2.0]}", "true")]
    [InlineData("{$arrayElemAt: ['$a', -1]}", "{a: [1, 2, 3]}", "3")]
    [InlineData("{$arrayElemAt: ['$a', 1]}", "{a: null}", "null")]
    [InlineData("{$first: '$a'}", "{a: [4, 5]}", "4")]
    [InlineData("{$last: '$a'}", "{a: [4, 5]}", "5")]
    [InlineData("{$isArray: ['$a']}", "{a: []}", "true")]
    [InlineData("{$isArray: '$a'}", "{a: 1}", "false")]
    [InlineData("{$concatArrays: ['$a', [3], []]}", "{a: [1, 2]}", "[1, 2, 3]")]
    [InlineData("{$concatArrays: ['$a', '$missing']}", "{a: [1]}", "null")]
    [InlineData("{$filter: {input: '$a', as: 'n', cond: {$gt: ['$$n', 1]}}}", "{a: [1, 2, 3]}", "[2, 3]")]
    [InlineData("{$filter: {input: '$a', cond: {$gt: ['$$this', 1]}, limit: 1}}", "{a: [1, 2, 3]}", "[2]")]
    [InlineData("{$map: {input: '$a', in: {$multiply: ['$$this', 10]}}}", "{a: [1, 2]}", "[10, 20]")]
    [InlineData("{$map: {input: '$a', as: 'x', in: {$add: ['$$x', '$k']}}}", "{a: [1, 2], k: 1}", "[2, 3]")]
    [InlineData("{$reduce: {input: '$a', initialValue: 0, in: {$add: ['$$value', '$$this']}}}", "{a: [1, 2, 3]}", "6")]
    [InlineData("{$slice: ['$a', 2]}", "{a: [1, 2, 3]}", "[1, 2]")]
    [InlineData("{$slice: ['$a', -2]}", "{a: [1, 2, 3]}", "[2, 3]")]
    [InlineData("{$slice: ['$a', -2, 1]}", "{a: [1, 2, 3]}", "[2]")]
    [InlineData("{$slice: ['$a', 1, 5]}", "{a: [1, 2, 3]}", "[2, 3]")]
    [InlineData("{$indexOfArray: ['$a', 2]}", "{a: [1, 2, 2]}", "1")]
    [InlineData("{$indexOfArray: ['$a', 2, 2]}", "{a: [1, 2, 2]}", "2")]
    [InlineData("{$indexOfArray: ['$a', 9]}", "{a: [1]}", "-1")]
    [InlineData("{$reverseArray: '$a'}", "{a: [1, 2]}", "[2, 1]")]
    [InlineData("{$range: [0, 10, 3]}", "{}", "[0, 3, 6, 9]")]
    [InlineData("{$range: [5, 0, -2]}", "{}", "[5, 3, 1]")]
    [InlineData("{$sum: '$a'}", "{a: [1, 2, 'x', 3.5]}", "6.5")]
    [InlineData("{$sum: [1, 2]}", "{}", "3")]
    [InlineData("{$avg: '$a'}", "{a: [1, 2]}", "1.5")]
    [InlineData("{$max: '$a'}", "{a: [1, 5, null]}", "5")]
    [InlineData("{$min: [4, 2, '$missing']}", "{}", "2")]
    [InlineData("{$zip: {inputs: [[1, 2, 3], ['a', 'b']]}}", "{}", "[[1, 'a'], [2, 'b']]")]
    [InlineData("{$zip: {inputs: [[1, 2], ['a']], useLongestLength: true, defaults: [0, 'z']}}", "{}", "[[1, 'a'], [2, 'z']]")]
    [InlineData("{$sortArray: {input: [3, 1, 2], sortBy: -1}}", "{}", "[3, 2, 1]")]
    [InlineData("{$sortArray: {input: '$a', sortBy: {n: 1}}}", "{a: [{n: 2, i: 0}, {n: 1}, {n: 2, i: 1}]}", "[{n: 1}, {n: 2, i: 0}, {n: 2, i: 1}]")]
    public void Arrays(string expression, string document, string expected) =>
        AssertValue(expected, Eval(expression, document));

    [Fact]
    public void Array_edge_cases()
    {
        Assert.Null(Eval("{$arrayElemAt: [[1], 5]}"));
        Assert.Null(Eval("{$first: [[]]}"));
        AssertError(17124, "{$size: '$a'}", "{a: 1}");
        Assert.Contains("missing", AssertError(17124, "{$size: '$a'}").Message, StringComparison.Ordinal);
        AssertError(40081, "{$in: [1, 'x']}");
        AssertError(28651, "{$filter: {input: 1, cond: true}}");
    }

    [Theory]
    [InlineData("{$concat: ['a', '$b', 'c']}", "{b: 'B'}", "'aBc'")]
    [InlineData("{$concat: ['a', '$missing']}", "{}", "null")]
    [InlineData("{$concat: ['a', null]}", "{}", "null")]
    [InlineData("{$toLower: 'AbC'}", "{}", "'abc'")]
    [InlineData("{$toUpper: '$missing'}", "{}", "''")]
    [InlineData("{$toUpper: 5}", "{}", "'5'")]
    [InlineData("{$substr: ['hello', 1, 3]}", "{}", "'ell'")]
    [InlineData("{$substrBytes: ['hello', 2, -1]}", "{}", "'llo'")]
    [InlineData("{$substrCP: ['שלום', 1, 2]}", "{}", "'לו'")]
    [InlineData("{$strLenCP: 'שלום'}", "{}", "4")]
    [InlineData("{$strLenBytes: 'שלום'}", "{}", "8")]
    [InlineData("{$split: ['a,b,,c', ',']}", "{}", "['a', 'b', '', 'c']")]
    [InlineData("{$split: [null, ',']}", "{}", "null")]
    [InlineData("{$trim: {input: '  hi \\n'}}", "{}", "'hi'")]
    [InlineData("{$ltrim: {input: 'xxhixx', chars: 'x'}}", "{}", "'hixx'")]
    [InlineData("{$rtrim: {input: 'xxhixx', chars: 'x'}}", "{}", "'xxhi'")]
    [InlineData("{$regexMatch: {input: 'Hello', regex: '^h', options: 'i'}}", "{}", "true")]
    [InlineData("{$regexMatch: {input: 'Hello', regex: /^h/}}", "{}", "false")]
    [InlineData("{$regexMatch: {input: '$missing', regex: 'a'}}", "{}", "false")]
    [InlineData("{$regexFind: {input: 'abc123', regex: '([0-9])([0-9])'}}", "{}", "{match: '12', idx: 3, captures: ['1', '2']}")]
    [InlineData("{$indexOfCP: ['abcb', 'b']}", "{}", "1")]
    [InlineData("{$indexOfCP: ['abcb', 'b', 2]}", "{}", "3")]
    [InlineData("{$indexOfCP: ['abc', 'z']}", "{}", "-1")]
    [InlineData("{$indexOfCP: [null, 'z']}", "{}", "null")]
    [InlineData("{$strcasecmp: ['abc', 'ABC']}", "{}", "0")]
    [InlineData("{$strcasecmp: ['abd', 'ABC']}", "{}", "1")]
    [InlineData("{$replaceAll: {input: 'a-b-c', find: '-', replacement: '+'}}", "{}", "'a+b+c'")]
    [InlineData("{$replaceOne: {input: 'a-b-c', find: '-', replacement: '+'}}", "{}", "'a+b-c'")]
    public void Strings(string expression, string document, string expected) =>
        AssertValue(expected, Eval(expression, document));

    [Fact]
    public void String_errors()
    {
        AssertError(16702, "{$concat: ['a', 1]}");
        AssertError(40087, "{$split: ['a', '']}");
        AssertError(28656, "{$substrBytes: ['é', 1, 1]}");
    }

    [Theory]
    [InlineData("{$toString: 5}", "'5'")]
    [InlineData("{$toString: 2.5}", "'2.5'")]
    [InlineData("{$toString: true}", "'true'")]
    [InlineData("{$toString: ISODate('2024-01-02T03:04:05.006Z')}", "'2024-01-02T03:04:05.006Z'")]
    [InlineData("{$toString: ObjectId('65f0a0a0a0a0a0a0a0a0a0a0')}", "'65f0a0a0a0a0a0a0a0a0a0a0'")]
    [InlineData("{$toInt: '42'}", "42")]
    [InlineData("{$toInt: 4.9}", "4")]
    [InlineData("{$toInt: true}", "1")]
    [InlineData("{$toLong: ISODate('1970-01-01T00:00:01Z')}", "NumberLong(1000)")]
    [InlineData("{$toDouble: '2.5'}", "2.5")]
    [InlineData("{$toDouble: 3}", "3.0")]
    [InlineData("{$toDecimal: 1}", "NumberDecimal('1')")]
    [InlineData("{$toBool: 0}", "false")]
    [InlineData("{$toBool: 'false'}", "true")]
    [InlineData("{$toDate: '2024-01-02T03:04:05Z'}", "ISODate('2024-01-02T03:04:05Z')")]
    [InlineData("{$toDate: NumberLong(1000)}", "ISODate('1970-01-01T00:00:01Z')")]
    [InlineData("{$toObjectId: '65f0a0a0a0a0a0a0a0a0a0a0'}", "ObjectId('65f0a0a0a0a0a0a0a0a0a0a0')")]
    [InlineData("{$toInt: null}", "null")]
    [InlineData("{$convert: {input: 'abc', to: 'int', onError: -1}}", "-1")]
    [InlineData("{$convert: {input: '$missing', to: 'int', onNull: 0}}", "0")]
    [InlineData("{$convert: {input: '7', to: 16}}", "7")]
    [InlineData("{$type: '$missing'}", "'missing'")]
    [InlineData("{$type: 1}", "'int'")]
    [InlineData("{$type: NumberLong(1)}", "'long'")]
    [InlineData("{$type: [[]]}", "'array'")]
    [InlineData("{$type: {a: 1}}", "'object'")]
    public void Conversions(string expression, string expected) => AssertValue(expected, Eval(expression));

    [Fact]
    public void Conversion_failures_are_241()
    {
        AssertError(ErrorCodes.ConversionFailure, "{$toInt: 'abc'}");
        AssertError(ErrorCodes.ConversionFailure, "{$toObjectId: 'xyz'}");
        AssertError(ErrorCodes.ConversionFailure, "{$toInt: 3000000000}");
        AssertError(ErrorCodes.ConversionFailure, "{$toDate: 5}");
    }

    [Theory]
    [InlineData("{$year: '$d'}", "2024")]
    [InlineData("{$month: '$d'}", "2")]
    [InlineData("{$dayOfMonth: '$d'}", "29")]
    [InlineData("{$hour: '$d'}", "13")]
    [InlineData("{$minute: '$d'}", "14")]
    [InlineData("{$second: '$d'}", "15")]
    [InlineData("{$millisecond: '$d'}", "16")]
    [InlineData("{$dayOfWeek: '$d'}", "5")]
    [InlineData("{$dayOfYear: '$d'}", "60")]
    [InlineData("{$week: '$d'}", "8")]
    [InlineData("{$isoWeek: '$d'}", "9")]
    [InlineData("{$year: {date: '$d', timezone: 'UTC'}}", "2024")]
    [InlineData("{$year: '$missing'}", "null")]
    [InlineData("{$dateToString: {date: '$d'}}", "'2024-02-29T13:14:15.016Z'")]
    [InlineData("{$dateToString: {date: '$d', format: '%Y/%m/%d %H:%M:%S.%L %j %w %u %U %V %G %%'}}", "'2024/02/29 13:14:15.016 060 5 4 08 09 2024 %'")]
    [InlineData("{$dateToString: {date: '$missing', onNull: 'none'}}", "'none'")]
    [InlineData("{$dateFromString: {dateString: '2024-02-29T13:14:15.016Z'}}", "ISODate('2024-02-29T13:14:15.016Z')")]
    [InlineData("{$dateFromString: {dateString: '2024-02-29'}}", "ISODate('2024-02-29T00:00:00Z')")]
    [InlineData("{$dateFromString: {dateString: '2024-02-29T15:14:15+02:00'}}", "ISODate('2024-02-29T13:14:15Z')")]
    [InlineData("{$dateFromString: {dateString: '29/02/2024 13', format: '%d/%m/%Y %H'}}", "ISODate('2024-02-29T13:00:00Z')")]
    [InlineData("{$dateFromString: {dateString: 'nope', onError: 'bad'}}", "'bad'")]
    [InlineData("{$dateTrunc: {date: '$d', unit: 'month'}}", "ISODate('2024-02-01T00:00:00Z')")]
    [InlineData("{$dateTrunc: {date: '$d', unit: 'year'}}", "ISODate('2024-01-01T00:00:00Z')")]
    [InlineData("{$dateTrunc: {date: '$d', unit: 'quarter'}}", "ISODate('2024-01-01T00:00:00Z')")]
    [InlineData("{$dateTrunc: {date: '$d', unit: 'hour', binSize: 6}}", "ISODate('2024-02-29T12:00:00Z')")]
    [InlineData("{$dateTrunc: {date: '$d', unit: 'week'}}", "ISODate('2024-02-25T00:00:00Z')")]
    [InlineData("{$dateTrunc: {date: '$d', unit: 'week', startOfWeek: 'monday'}}", "ISODate('2024-02-26T00:00:00Z')")]
    [InlineData("{$dateTrunc: {date: '$d', unit: 'year', binSize: 10}}", "ISODate('2020-01-01T00:00:00Z')")]
    [InlineData("{$dateTrunc: {date: '$d', unit: 'millisecond'}}", "ISODate('2024-02-29T13:14:15.016Z')")]
    [InlineData("{$dateAdd: {startDate: '$d', unit: 'month', amount: 1}}", "ISODate('2024-03-29T13:14:15.016Z')")]
    [InlineData("{$dateAdd: {startDate: ISODate('2024-01-31T00:00:00Z'), unit: 'month', amount: 1}}", "ISODate('2024-02-29T00:00:00Z')")]
    [InlineData("{$dateAdd: {startDate: '$d', unit: 'hour', amount: -13}}", "ISODate('2024-02-29T00:14:15.016Z')")]
    [InlineData("{$dateSubtract: {startDate: '$d', unit: 'day', amount: 29}}", "ISODate('2024-01-31T13:14:15.016Z')")]
    [InlineData("{$dateDiff: {startDate: ISODate('2023-12-31T23:00:00Z'), endDate: '$d', unit: 'year'}}", "NumberLong(1)")]
    [InlineData("{$dateDiff: {startDate: ISODate('2024-02-28T23:59:00Z'), endDate: '$d', unit: 'day'}}", "NumberLong(1)")]
    [InlineData("{$dateDiff: {startDate: ISODate('2024-01-15T00:00:00Z'), endDate: '$d', unit: 'month'}}", "NumberLong(1)")]
    [InlineData("{$dateDiff: {startDate: ISODate('2024-02-24T00:00:00Z'), endDate: '$d', unit: 'week'}}", "NumberLong(1)")]
    [InlineData("{$dateDiff: {startDate: '$d', endDate: ISODate('2024-02-29T13:14:16Z'), unit: 'millisecond'}}", "NumberLong(984)")]
    [InlineData("{$dateFromParts: {year: 2024, month: 2, day: 29, hour: 13}}", "ISODate('2024-02-29T13:00:00Z')")]
    [InlineData("{$dateFromParts: {year: 2024, month: 14, day: 0}}", "ISODate('2025-01-31T00:00:00Z')")]
    [InlineData("{$dateFromParts: {isoWeekYear: 2024, isoWeek: 9, isoDayOfWeek: 4}}", "ISODate('2024-02-29T00:00:00Z')")]
    [InlineData("{$dateToParts: {date: '$d'}}", "{year: 2024, month: 2, day: 29, hour: 13, minute: 14, second: 15, millisecond: 16}")]
    [InlineData("{$dateToParts: {date: '$d', iso8601: true}}", "{isoWeekYear: 2024, isoWeek: 9, isoDayOfWeek: 4, hour: 13, minute: 14, second: 15, millisecond: 16}")]
    public void Dates(string expression, string expected) =>
        AssertValue(expected, Eval(expression, "{d: ISODate('2024-02-29T13:14:15.016Z')}"));

    [Fact]
    public void Non_utc_timezone_is_an_error_naming_it()
    {
        var error = AssertError(ErrorCodes.BadValue, "{$year: {date: '$$NOW', timezone: 'Asia/Jerusalem'}}");
        Assert.Contains("Asia/Jerusalem", error.Message, StringComparison.Ordinal);
        AssertError(ErrorCodes.BadValue, "{$dateToString: {date: '$$NOW', timezone: '+02:00'}}");
        AssertError(16006, "{$year: 'not a date'}");
    }

    [Theory]
    [InlineData("{$mergeObjects: ['$a', {y: 3}, null]}", "{a: {x: 1, y: 2}}", "{x: 1, y: 3}")]
    [InlineData("{$objectToArray: '$a'}", "{a: {x: 1}}", "[{k: 'x', v: 1}]")]
    [InlineData("{$arrayToObject: [[['x', 1], ['y', 2]]]}", "{}", "{x: 1, y: 2}")]
    [InlineData("{$arrayToObject: '$a'}", "{a: [{k: 'x', v: 1}]}", "{x: 1}")]
    [InlineData("{$getField: 'a.b'}", "{'a.b': 5}", "5")]
    [InlineData("{$getField: {field: 'x', input: '$a'}}", "{a: {x: 2}}", "2")]
    [InlineData("{$setField: {field: 'x', input: '$a', value: 9}}", "{a: {x: 2, y: 1}}", "{x: 9, y: 1}")]
    [InlineData("{$setField: {field: 'x', input: '$a', value: '$$REMOVE'}}", "{a: {x: 2, y: 1}}", "{y: 1}")]
    [InlineData("{$setUnion: [[1, 2], [2, 3]]}", "{}", "[1, 2, 3]")]
    [InlineData("{$setIntersection: [[1, 2, 3], [3, 2.0]]}", "{}", "[2, 3]")]
    [InlineData("{$setDifference: [[1, 2, 3], [2]]}", "{}", "[1, 3]")]
    [InlineData("{$setEquals: [[1, 2], [2, 1, 1]]}", "{}", "true")]
    [InlineData("{$setIsSubset: [[1], [1, 2]]}", "{}", "true")]
    [InlineData("{$anyElementTrue: [[0, null, 2]]}", "{}", "true")]
    [InlineData("{$allElementsTrue: [[1, 0]]}", "{}", "false")]
    [InlineData("{$setUnion: [[1], null]}", "{}", "null")]
    public void Objects_and_sets(string expression, string document, string expected) =>
        AssertValue(expected, Eval(expression, document));
}
