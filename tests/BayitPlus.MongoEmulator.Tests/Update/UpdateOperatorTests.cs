using BayitPlus.MongoEmulator.Bson;
using MongoDB.Bson;
using static BayitPlus.MongoEmulator.Tests.Update.UpdateTestKit;

namespace BayitPlus.MongoEmulator.Tests.Update;

public sealed class UpdateOperatorTests
{
    [Fact]
    public void Set_replaces_in_place_and_appends_new_fields_in_name_order()
    {
        Expect("{_id: 1, a: 5, b: 2, c: 3, z: 4}", "{_id: 1, a: 1, b: 2}", "{$set: {z: 4, a: 5, c: 3}}");
    }

    [Fact]
    public void Set_orders_numeric_field_names_numerically()
    {
        Expect("{_id: 1, a: {'2': 'x', '10': 'y'}}", "{_id: 1}", "{$set: {'a.10': 'y', 'a.2': 'x'}}");
    }

    [Fact]
    public void Set_to_a_value_of_another_type_is_a_modification()
    {
        var outcome = Apply("{_id: 1, a: 1}", "{$set: {a: 1.0}}");
        Assert.True(outcome.Modified);
        Assert.Equal(BsonType.Double, outcome.Document["a"].BsonType);
    }

    [Fact]
    public void Empty_operand_is_a_no_op()
    {
        Assert.False(Apply("{_id: 1, a: 1}", "{$set: {}}").Modified);
    }

    [Fact]
    public void Apply_does_not_mutate_the_original()
    {
        var original = BsonDocument.Parse("{_id: 1, a: {b: [1, 2]}}");
        var spec = Parse("{$push: {'a.b': 3}, $set: {c: 1}}");
        var outcome = spec.Apply(original, MongoEmulator.Query.CompiledFilter.Compile([], Context));
        Assert.Equal("{ \"_id\" : 1, \"a\" : { \"b\" : [1, 2] } }", original.ToJson());
        Assert.Equal(3, outcome.Document["a"]["b"].AsBsonArray.Count);
    }

    [Fact]
    public void Unset_removes_fields_and_nulls_array_elements()
    {
        Expect("{_id: 1, b: {d: 2}, e: [1, null, 3]}", "{_id: 1, a: 1, b: {c: 1, d: 2}, e: [1, 2, 3]}",
            "{$unset: {a: '', 'b.c': 1, 'e.1': true, 'x.y': 1}}");
    }

    [Fact]
    public void Unset_of_missing_field_is_a_no_op()
    {
        Assert.False(Apply("{_id: 1, a: 1}", "{$unset: {b: 1, 'a.c': 1}}").Modified);
    }

    [Theory]
    [InlineData("{a: 1}", "{$inc: {a: 2}}", "{a: 3}")]
    [InlineData("{a: 2147483647}", "{$inc: {a: 1}}", "{a: NumberLong(2147483648)}")]
    [InlineData("{a: -2147483648}", "{$inc: {a: -1}}", "{a: NumberLong(-2147483649)}")]
    [InlineData("{a: 1}", "{$inc: {a: NumberLong(1)}}", "{a: NumberLong(2)}")]
    [InlineData("{a: 1}", "{$inc: {a: 0.5}}", "{a: 1.5}")]
    [InlineData("{a: NumberLong(1)}", "{$inc: {a: 1.5}}", "{a: 2.5}")]
    [InlineData("{a: 1.5}", "{$inc: {a: NumberDecimal('1.25')}}", "{a: NumberDecimal('2.75')}")]
    [InlineData("{a: NumberDecimal('1.1')}", "{$inc: {a: 1}}", "{a: NumberDecimal('2.1')}")]
    [InlineData("{}", "{$inc: {a: NumberLong(5)}}", "{a: NumberLong(5)}")]
    [InlineData("{a: 3}", "{$mul: {a: 4}}", "{a: 12}")]
    [InlineData("{a: 65536}", "{$mul: {a: 65536}}", "{a: NumberLong(4294967296)}")]
    [InlineData("{a: 3}", "{$mul: {a: 0.5}}", "{a: 1.5}")]
    [InlineData("{a: 3}", "{$mul: {a: NumberLong(2)}}", "{a: NumberLong(6)}")]
    [InlineData("{}", "{$mul: {a: 7}}", "{a: 0}")]
    [InlineData("{}", "{$mul: {a: NumberLong(7)}}", "{a: NumberLong(0)}")]
    [InlineData("{}", "{$mul: {a: 2.5}}", "{a: 0.0}")]
    public void Arithmetic_promotes_numeric_types_like_the_server(string document, string update, string expected)
    {
        Expect(expected, document, update);
    }

    [Theory]
    [InlineData("{$inc: {a: 1}}")]
    [InlineData("{$mul: {a: 2}}")]
    public void Long_overflow_fails(string update)
    {
        var error = Fails(ErrorCodes.BadValue, "{_id: 1, a: NumberLong('9223372036854775807')}", update);
        Assert.Contains("Failed to apply $", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Arithmetic_on_non_number_is_a_type_mismatch()
    {
        var error = Fails(ErrorCodes.TypeMismatch, "{_id: 1, a: 'x'}", "{$inc: {a: 1}}");
        Assert.Contains("Cannot apply $inc to a value of non-numeric type", error.Message, StringComparison.Ordinal);
        Assert.Contains("'a'", error.Message, StringComparison.Ordinal);
        Fails(ErrorCodes.TypeMismatch, "{_id: 1, a: null}", "{$mul: {a: 2}}");
    }

    [Fact]
    public void Non_numeric_arithmetic_argument_is_rejected_at_parse()
    {
        Assert.Contains("Cannot increment with non-numeric argument", ParseFails(ErrorCodes.TypeMismatch, "{$inc: {a: 'x'}}").Message, StringComparison.Ordinal);
        Assert.Contains("Cannot multiply with non-numeric argument", ParseFails(ErrorCodes.TypeMismatch, "{$mul: {a: true}}").Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{a: 5}", "{$min: {a: 3}}", "{a: 3}")]
    [InlineData("{a: 5}", "{$min: {a: 7}}", "{a: 5}")]
    [InlineData("{a: 5}", "{$max: {a: 7}}", "{a: 7}")]
    [InlineData("{a: 5}", "{$max: {a: 'x'}}", "{a: 'x'}")]
    [InlineData("{a: 5}", "{$min: {a: null}}", "{a: null}")]
    [InlineData("{}", "{$min: {a: 1}}", "{a: 1}")]
    [InlineData("{a: ISODate('2020-01-01')}", "{$max: {a: ISODate('2021-01-01')}}", "{a: ISODate('2021-01-01')}")]
    public void Min_and_max_compare_in_bson_order(string document, string update, string expected)
    {
        Expect(expected, document, update);
    }

    [Fact]
    public void Min_with_equal_value_of_other_type_keeps_the_field()
    {
        Assert.False(Apply("{a: 5}", "{$min: {a: 5.0}}").Modified);
    }

    [Fact]
    public void CurrentDate_sets_dates_and_timestamps()
    {
        var result = Apply("{_id: 1, a: 1}", "{$currentDate: {a: true, b: {$type: 'date'}, c: {$type: 'timestamp'}}}").Document;
        Assert.Equal(new BsonDateTime(Now), result["a"]);
        Assert.Equal(new BsonDateTime(Now), result["b"]);
        Assert.Equal(new DateTimeOffset(Now).ToUnixTimeSeconds(), result["c"].AsBsonTimestamp.Timestamp);
    }

    [Theory]
    [InlineData("{$currentDate: {a: 1}}")]
    [InlineData("{$currentDate: {a: {$type: 'string'}}}")]
    [InlineData("{$currentDate: {a: {$kind: 'date'}}}")]
    public void CurrentDate_rejects_bad_specifications(string update)
    {
        ParseFails(ErrorCodes.BadValue, update);
    }

    [Theory]
    [InlineData("{a: [1]}", "{$push: {a: 2}}", "{a: [1, 2]}")]
    [InlineData("{a: [1]}", "{$push: {a: [2, 3]}}", "{a: [1, [2, 3]]}")]
    [InlineData("{}", "{$push: {a: 1}}", "{a: [1]}")]
    [InlineData("{a: [1]}", "{$push: {a: {$each: [2, 3]}}}", "{a: [1, 2, 3]}")]
    [InlineData("{a: [1, 2]}", "{$push: {a: {$each: [9], $position: 1}}}", "{a: [1, 9, 2]}")]
    [InlineData("{a: [1, 2]}", "{$push: {a: {$each: [9], $position: 0}}}", "{a: [9, 1, 2]}")]
    [InlineData("{a: [1, 2, 3]}", "{$push: {a: {$each: [9], $position: -1}}}", "{a: [1, 2, 9, 3]}")]
    [InlineData("{a: [1, 2]}", "{$push: {a: {$each: [9], $position: -10}}}", "{a: [9, 1, 2]}")]
    [InlineData("{a: [1, 2]}", "{$push: {a: {$each: [9], $position: 10}}}", "{a: [1, 2, 9]}")]
    [InlineData("{a: [1, 2, 3]}", "{$push: {a: {$each: [4], $slice: 2}}}", "{a: [1, 2]}")]
    [InlineData("{a: [1, 2, 3]}", "{$push: {a: {$each: [4], $slice: -2}}}", "{a: [3, 4]}")]
    [InlineData("{a: [1, 2, 3]}", "{$push: {a: {$each: [], $slice: 0}}}", "{a: []}")]
    [InlineData("{a: [3, 1]}", "{$push: {a: {$each: [2], $sort: 1}}}", "{a: [1, 2, 3]}")]
    [InlineData("{a: [3, 1]}", "{$push: {a: {$each: [2], $sort: -1, $slice: 2}}}", "{a: [3, 2]}")]
    [InlineData("{a: [{s: 3}, {s: 1}]}", "{$push: {a: {$each: [{s: 2}], $sort: {s: 1}}}}", "{a: [{s: 1}, {s: 2}, {s: 3}]}")]
    [InlineData("{a: [{s: {t: 1}}, {s: {t: 3}}]}", "{$push: {a: {$each: [], $sort: {'s.t': -1}}}}", "{a: [{s: {t: 3}}, {s: {t: 1}}]}")]
    [InlineData("{}", "{$push: {a: {$each: [3, 1, 2], $sort: 1, $slice: -2}}}", "{a: [2, 3]}")]
    public void Push_with_modifiers(string document, string update, string expected)
    {
        Expect(expected, document, update);
    }

    [Fact]
    public void Push_onto_non_array_fails()
    {
        var error = Fails(ErrorCodes.BadValue, "{_id: 1, a: 5}", "{$push: {a: 1}}");
        Assert.Contains("must be an array but is of type int", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{$push: {a: {$each: 1}}}")]
    [InlineData("{$push: {a: {$each: [1], $slice: 'x'}}}")]
    [InlineData("{$push: {a: {$each: [1], $position: 1.5}}}")]
    [InlineData("{$push: {a: {$each: [1], $sort: 2}}}")]
    [InlineData("{$push: {a: {$each: [1], $sort: {}}}}")]
    [InlineData("{$push: {a: {$each: [1], $sort: {b: 'x'}}}}")]
    [InlineData("{$push: {a: {$each: [1], $foo: 1}}}")]
    public void Push_rejects_bad_modifiers(string update)
    {
        ParseFails(ErrorCodes.BadValue, update);
    }

    [Theory]
    [InlineData("{a: [1, 2]}", "{$addToSet: {a: 2}}", "{a: [1, 2]}")]
    [InlineData("{a: [1, 2]}", "{$addToSet: {a: 3}}", "{a: [1, 2, 3]}")]
    [InlineData("{a: [1, 2]}", "{$addToSet: {a: 2.0}}", "{a: [1, 2]}")]
    [InlineData("{a: [1]}", "{$addToSet: {a: {$each: [1, 2, 2, 3]}}}", "{a: [1, 2, 3]}")]
    [InlineData("{a: [{x: 1, y: 2}]}", "{$addToSet: {a: {y: 2, x: 1}}}", "{a: [{x: 1, y: 2}, {y: 2, x: 1}]}")]
    [InlineData("{}", "{$addToSet: {a: {$each: [1, 1]}}}", "{a: [1]}")]
    [InlineData("{a: [[1]]}", "{$addToSet: {a: [1]}}", "{a: [[1]]}")]
    public void AddToSet_adds_only_missing_values(string document, string update, string expected)
    {
        Expect(expected, document, update);
    }

    [Fact]
    public void AddToSet_without_change_is_a_no_op()
    {
        Assert.False(Apply("{a: [1, 2]}", "{$addToSet: {a: {$each: [2, 1]}}}").Modified);
    }

    [Fact]
    public void AddToSet_errors()
    {
        Fails(ErrorCodes.BadValue, "{a: 1}", "{$addToSet: {a: 1}}");
        ParseFails(ErrorCodes.BadValue, "{$addToSet: {a: {$each: 1}}}");
        ParseFails(ErrorCodes.BadValue, "{$addToSet: {a: {$each: [1], $slice: 1}}}");
    }

    [Theory]
    [InlineData("{a: [1, 2, 1, 3]}", "{$pull: {a: 1}}", "{a: [2, 3]}")]
    [InlineData("{a: [[1, 2], [2]]}", "{$pull: {a: [2]}}", "{a: [[1, 2]]}")]
    [InlineData("{a: [1, 5, 8, 3]}", "{$pull: {a: {$gte: 5}}}", "{a: [1, 3]}")]
    [InlineData("{a: [1, 5, 8, 3]}", "{$pull: {a: {$in: [1, 8]}}}", "{a: [5, 3]}")]
    [InlineData("{a: ['apple', 'banana', 'avocado']}", "{$pull: {a: /^a/}}", "{a: ['banana']}")]
    [InlineData("{a: [{x: 1, y: 1}, {x: 2, y: 1}, 1]}", "{$pull: {a: {x: 1}}}", "{a: [{x: 2, y: 1}, 1]}")]
    [InlineData("{a: [{x: 1}, {x: 5}]}", "{$pull: {a: {x: {$gt: 2}}}}", "{a: [{x: 1}]}")]
    [InlineData("{a: [{x: [1, 2]}, {x: [3]}]}", "{$pull: {a: {x: 2}}}", "{a: [{x: [3]}]}")]
    [InlineData("{a: [{x: 1, y: 2}, {x: 1, y: 3}]}", "{$pull: {a: {$or: [{y: 2}, {y: 4}]}}}", "{a: [{x: 1, y: 3}]}")]
    [InlineData("{a: [{b: [{c: 1}, {c: 2}]}, {b: [{c: 3}]}]}", "{$pull: {'a.$[].b': {c: 2}}}", "{a: [{b: [{c: 1}]}, {b: [{c: 3}]}]}")]
    public void Pull_removes_equal_values_or_matching_elements(string document, string update, string expected)
    {
        Expect(expected, document, update);
    }

    [Fact]
    public void Pull_on_missing_field_is_a_no_op_and_on_scalar_fails()
    {
        Assert.False(Apply("{_id: 1}", "{$pull: {a: 1}}").Modified);
        Fails(ErrorCodes.BadValue, "{_id: 1, a: 1}", "{$pull: {a: 1}}");
    }

    [Fact]
    public void PullAll_removes_every_listed_value()
    {
        Expect("{a: [2, 4]}", "{a: [1, 2, 3, 1, 4]}", "{$pullAll: {a: [1, 3.0, 7]}}");
        ParseFails(ErrorCodes.BadValue, "{$pullAll: {a: 1}}");
        Fails(ErrorCodes.BadValue, "{a: 1}", "{$pullAll: {a: [1]}}");
    }

    [Theory]
    [InlineData("{a: [1, 2, 3]}", "{$pop: {a: 1}}", "{a: [1, 2]}")]
    [InlineData("{a: [1, 2, 3]}", "{$pop: {a: -1}}", "{a: [2, 3]}")]
    [InlineData("{a: []}", "{$pop: {a: 1}}", "{a: []}")]
    [InlineData("{}", "{$pop: {a: 1}}", "{}")]
    public void Pop_removes_first_or_last(string document, string update, string expected)
    {
        Expect(expected, document, update);
    }

    [Fact]
    public void Pop_errors()
    {
        ParseFails(ErrorCodes.FailedToParse, "{$pop: {a: 2}}");
        ParseFails(ErrorCodes.FailedToParse, "{$pop: {a: 'x'}}");
        Fails(ErrorCodes.TypeMismatch, "{a: 1}", "{$pop: {a: 1}}");
    }

    [Theory]
    [InlineData("{a: 1, b: 2}", "{$rename: {a: 'c'}}", "{b: 2, c: 1}")]
    [InlineData("{a: 1, b: 2}", "{$rename: {a: 'b'}}", "{b: 1}")]
    [InlineData("{a: {x: 1}, b: 2}", "{$rename: {'a.x': 'c.y'}}", "{a: {}, b: 2, c: {y: 1}}")]
    [InlineData("{a: 1}", "{$rename: {z: 'c'}}", "{a: 1}")]
    [InlineData("{b: 1, a: 2}", "{$rename: {b: 'c', a: 'd'}}", "{c: 1, d: 2}")]
    public void Rename_moves_values(string document, string update, string expected)
    {
        Expect(expected, document, update);
    }

    [Theory]
    [InlineData("{$rename: {a: 1}}")]
    [InlineData("{$rename: {a: 'a'}}")]
    [InlineData("{$rename: {a: 'a.b'}}")]
    [InlineData("{$rename: {'a.$': 'b'}}")]
    [InlineData("{$rename: {a: 'b.$[]'}}")]
    public void Rename_rejects_bad_paths(string update)
    {
        ParseFails(ErrorCodes.BadValue, update);
    }

    [Fact]
    public void Rename_through_arrays_fails()
    {
        Fails(ErrorCodes.BadValue, "{a: [{x: 1}]}", "{$rename: {'a.0.x': 'b'}}");
        Fails(ErrorCodes.BadValue, "{a: 1, b: [{}]}", "{$rename: {a: 'b.0.c'}}");
    }

    [Theory]
    [InlineData("{a: 12}", "{$bit: {a: {and: 10}}}", "{a: 8}")]
    [InlineData("{a: 12}", "{$bit: {a: {or: 3}}}", "{a: 15}")]
    [InlineData("{a: 12}", "{$bit: {a: {xor: NumberLong(5)}}}", "{a: NumberLong(9)}")]
    [InlineData("{}", "{$bit: {a: {or: 5}}}", "{a: 5}")]
    public void Bit_applies_integer_operations(string document, string update, string expected)
    {
        Expect(expected, document, update);
    }

    [Fact]
    public void Bit_errors()
    {
        ParseFails(ErrorCodes.BadValue, "{$bit: {a: {nand: 1}}}");
        ParseFails(ErrorCodes.BadValue, "{$bit: {a: {and: 1.0}}}");
        Fails(ErrorCodes.BadValue, "{a: 1.5}", "{$bit: {a: {and: 1}}}");
    }

    [Fact]
    public void SetOnInsert_is_ignored_outside_an_insert()
    {
        var outcome = Apply("{_id: 1, a: 1}", "{$setOnInsert: {b: 2}}");
        Assert.False(outcome.Modified);
        Assert.False(outcome.Document.Contains("b"));
    }

    [Fact]
    public void Unknown_modifier_is_named()
    {
        var error = ParseFails(ErrorCodes.FailedToParse, "{$foo: {a: 1}}");
        Assert.StartsWith("Unknown modifier: $foo", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Modifier_operand_must_be_a_document()
    {
        var error = ParseFails(ErrorCodes.FailedToParse, "{$set: 1}");
        Assert.Contains("Modifiers operate on fields", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Mixing_operators_and_fields_fails()
    {
        Assert.StartsWith("Unknown modifier: a", ParseFails(ErrorCodes.FailedToParse, "{$set: {b: 1}, a: 1}").Message, StringComparison.Ordinal);
        ParseFails(ErrorCodes.DollarPrefixedFieldName, "{a: 1, $set: {b: 1}}");
    }
}
