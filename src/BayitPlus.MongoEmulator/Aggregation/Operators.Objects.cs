using BayitPlus.MongoEmulator.Bson;
using MongoDB.Bson;

namespace BayitPlus.MongoEmulator.Aggregation;

internal static partial class Operators
{
    private static void AddObjectsAndSets(Dictionary<string, OperatorCompiler> table)
    {
        Variadic(table, "$mergeObjects", 0, int.MaxValue, values =>
        {
            var merged = Accumulator.Factory("$mergeObjects")!(BsonOrder.Instance);
            foreach (var value in values)
            {
                merged.Add(value);
            }

            return merged.Result();
        });
        Unary(table, "$objectToArray", value => Values.IsNullish(value) ? BsonNull.Value
            : value is BsonDocument document
                ? new BsonArray(document.Select(e => new BsonDocument { { "k", e.Name }, { "v", e.Value } }))
                : throw new MongoErrorException(40390, $"$objectToArray requires a document input, found: {Values.TypeName(value)}"));
        Unary(table, "$arrayToObject", ArrayToObject);
        table["$getField"] = CompileGetField;
        table["$setField"] = (compiler, operand) => CompileSetField(compiler, operand, "$setField", remove: false);
        table["$unsetField"] = (compiler, operand) => CompileSetField(compiler, operand, "$unsetField", remove: true);

        Variadic(table, "$setUnion", 0, int.MaxValue, (order, values) => SetOperation(order, "$setUnion", 17043, values, sets =>
            sets.SelectMany(set => set)));
        Variadic(table, "$setIntersection", 0, int.MaxValue, (order, values) => SetOperation(order, "$setIntersection", 17047, values, sets =>
            sets.Length == 0 ? [] : sets[0].Where(item => sets.All(set => set.Contains(item)))));
        Variadic(table, "$setDifference", 2, 2, (order, values) => SetOperation(order, "$setDifference", 17048, values, sets =>
            sets[0].Where(item => !sets[1].Contains(item))));
        Variadic(table, "$setEquals", 2, int.MaxValue, (order, values) =>
        {
            var sets = ToSets(order, "$setEquals", 17044, values);
            return Values.Bool(sets.All(set => set.SetEquals(sets[0])));
        });
        Variadic(table, "$setIsSubset", 2, 2, (order, values) =>
        {
            var sets = ToSets(order, "$setIsSubset", 17046, values);
            return Values.Bool(sets[0].IsSubsetOf(sets[1]));
        });
        Unary(table, "$anyElementTrue", value => value is BsonArray array
            ? Values.Bool(array.Any(Values.IsTrue))
            : throw new MongoErrorException(17041, $"$anyElementTrue's argument must be an array, but is {Values.TypeName(value)}"));
        Unary(table, "$allElementsTrue", value => value is BsonArray array
            ? Values.Bool(array.All(Values.IsTrue))
            : throw new MongoErrorException(17040, $"$allElementsTrue's argument must be an array, but is {Values.TypeName(value)}"));
    }

    private static BsonValue? ArrayToObject(BsonValue? value)
    {
        if (Values.IsNullish(value))
        {
            return BsonNull.Value;
        }

        if (value is not BsonArray array)
        {
            throw new MongoErrorException(40386, $"$arrayToObject requires an array input, found: {Values.TypeName(value)}");
        }

        var result = new BsonDocument();
        foreach (var item in array)
        {
            var (key, itemValue) = item switch
            {
                BsonArray { Count: 2 } pair => (pair[0], pair[1]),
                BsonDocument { ElementCount: 2 } kv when kv.Contains("k") && kv.Contains("v") => (kv["k"], kv["v"]),
                _ => throw new MongoErrorException(
                    40398, $"$arrayToObject requires each element to be a [key, value] array or a {{k, v}} document, found: {item}"),
            };
            if (key is not BsonString name)
            {
                throw new MongoErrorException(40395, $"$arrayToObject requires keys to be strings, found: {Values.TypeName(key)}");
            }

            result.Set(name.Value, itemValue);
        }

        return result;
    }

    private static string ConstantFieldName(string op, BsonValue field) => field switch
    {
        BsonString s when !s.Value.StartsWith('$') => s.Value,
        BsonDocument { ElementCount: 1 } d when d.GetElement(0).Name == "$literal" && d[0] is BsonString s => s.Value,
        _ => throw new MongoErrorException(5654602, $"{op} requires 'field' to evaluate to a constant string, found {field}"),
    };

    private static Evaluator CompileGetField(ExpressionCompiler compiler, BsonValue operand)
    {
        string field;
        Evaluator input = context => context.Root;
        if (operand is BsonDocument document && document.Contains("field"))
        {
            if (document.Names.FirstOrDefault(name => name is not ("field" or "input")) is { } unknown)
            {
                throw new MongoErrorException(3041701, $"$getField found an unknown argument: {unknown}");
            }

            field = ConstantFieldName("$getField", document["field"]);
            if (document.TryGetValue("input", out var inputSpec))
            {
                input = compiler.Compile(inputSpec);
            }
        }
        else
        {
            field = ConstantFieldName("$getField", operand);
        }

        return context => input(context) switch
        {
            BsonDocument doc => doc.TryGetValue(field, out var value) ? value : null,
            var other when Values.IsNullish(other) => BsonNull.Value,
            var other => throw new MongoErrorException(3041705, $"$getField requires 'input' to evaluate to type Object, but got {Values.TypeName(other)}"),
        };
    }

    private static Evaluator CompileSetField(ExpressionCompiler compiler, BsonValue operand, string op, bool remove)
    {
        if (operand is not BsonDocument document)
        {
            throw new MongoErrorException(4161100, $"{op} only supports an object as its argument");
        }

        var args = NamedArgs.Parse(compiler, op, document, remove ? ["field", "input"] : ["field", "input", "value"], []);
        var field = ConstantFieldName(op, document["field"]);
        var input = args.Required("input");
        var value = remove ? null : args.Required("value");
        return context =>
        {
            var target = input(context);
            if (Values.IsNullish(target))
            {
                return BsonNull.Value;
            }

            if (target is not BsonDocument source)
            {
                throw new MongoErrorException(4161105, $"{op} requires 'input' to evaluate to type Object");
            }

            var result = new BsonDocument(source);
            if (value?.Invoke(context) is { } newValue)
            {
                result.Set(field, newValue);
            }
            else
            {
                result.Remove(field);
            }

            return result;
        };
    }

    private static HashSet<BsonValue?>[] ToSets(BsonOrder order, string op, int code, BsonValue?[] values) =>
        [.. values.Select(value => value is BsonArray array
            ? new HashSet<BsonValue?>(array, order)
            : throw new MongoErrorException(code, $"All operands of {op} must be arrays. One argument is of type: {Values.TypeName(value)}"))];

    private static BsonValue? SetOperation(
        BsonOrder order, string op, int code, BsonValue?[] values, Func<HashSet<BsonValue?>[], IEnumerable<BsonValue?>> combine)
    {
        if (values.Any(Values.IsNullish))
        {
            return BsonNull.Value;
        }

        var result = new HashSet<BsonValue?>(order);
        var output = new BsonArray();
        foreach (var item in combine(ToSets(order, op, code, values)))
        {
            if (result.Add(item))
            {
                output.Add(item);
            }
        }

        return output;
    }
}
