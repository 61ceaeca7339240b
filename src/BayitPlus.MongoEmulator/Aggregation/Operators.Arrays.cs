using BayitPlus.MongoEmulator.Bson;
using MongoDB.Bson;

namespace BayitPlus.MongoEmulator.Aggregation;

internal static partial class Operators
{
    private static void AddArrays(Dictionary<string, OperatorCompiler> table)
    {
        Unary(table, "$size", value => value is BsonArray array
            ? new BsonInt32(array.Count)
            : throw new MongoErrorException(17124, $"The argument to $size must be an array. Type of argument: {Values.TypeName(value)}"));
        Binary(table, "$in", In);
        Binary(table, "$arrayElemAt", (array, index) => ElementAt("$arrayElemAt", array, index));
        Unary(table, "$first", array => ElementAt("$first", array, new BsonInt32(0)));
        Unary(table, "$last", array => ElementAt("$last", array, new BsonInt32(-1)));
        Unary(table, "$isArray", value => Values.Bool(value is BsonArray));
        Variadic(table, "$concatArrays", 0, int.MaxValue, values =>
        {
            var result = new BsonArray();
            foreach (var value in values)
            {
                if (Values.IsNullish(value))
                {
                    return BsonNull.Value;
                }

                result.AddRange(value as BsonArray
                    ?? throw TypeError(28664, "$concatArrays", "only supports arrays", value));
            }

            return result;
        });
        Unary(table, "$reverseArray", value => Values.IsNullish(value) ? BsonNull.Value
            : value is BsonArray array ? new BsonArray(array.Reverse())
            : throw new MongoErrorException(34435, $"The argument to $reverseArray must be an array, but was of type: {Values.TypeName(value)}"));
        Variadic(table, "$slice", 2, 3, Slice);
        Variadic(table, "$indexOfArray", 2, 4, IndexOfArray);
        Variadic(table, "$range", 2, 3, Range);
        table["$filter"] = CompileFilter;
        table["$map"] = CompileMap;
        table["$reduce"] = CompileReduce;
        table["$zip"] = CompileZip;
        table["$sortArray"] = CompileSortArray;
        AddArrayAggregates(table);
    }

    private static BsonValue In(BsonOrder order, BsonValue? value, BsonValue? array)
    {
        if (array is not BsonArray items)
        {
            throw new MongoErrorException(40081, $"$in requires an array as a second argument, found: {Values.TypeName(array)}");
        }

        foreach (var item in items)
        {
            if (order.Equals(item, value))
            {
                return Values.True;
            }
        }

        return Values.False;
    }

    private static BsonValue? ElementAt(string op, BsonValue? array, BsonValue? index)
    {
        if (Values.IsNullish(array) || Values.IsNullish(index))
        {
            return BsonNull.Value;
        }

        if (array is not BsonArray items)
        {
            throw new MongoErrorException(28689, $"{op}'s argument must be an array, but is {Values.TypeName(array)}");
        }

        if (!Values.IsNumber(index) || !Values.IsIntegral(index!, out var i))
        {
            throw new MongoErrorException(28691, $"{op}'s second argument must be a 32-bit integer, but is {index}");
        }

        var position = i < 0 ? items.Count + i : i;
        return position >= 0 && position < items.Count ? items[(int)position] : null;
    }

    private static BsonValue? Slice(BsonValue?[] values)
    {
        if (values.Any(Values.IsNullish))
        {
            return BsonNull.Value;
        }

        if (values[0] is not BsonArray array)
        {
            throw new MongoErrorException(28724, $"First argument to $slice must be an array, but is of type: {Values.TypeName(values[0])}");
        }

        var numbers = new long[values.Length - 1];
        for (var i = 1; i < values.Length; i++)
        {
            if (!Values.IsNumber(values[i]) || !Values.IsIntegral(values[i]!, out numbers[i - 1]))
            {
                throw new MongoErrorException(28725, $"Arguments to $slice must be integral numbers, found {values[i]}");
            }
        }

        long start, count;
        if (numbers.Length == 1)
        {
            count = Math.Min(Math.Abs(numbers[0]), array.Count);
            start = numbers[0] >= 0 ? 0 : array.Count - count;
        }
        else
        {
            if (numbers[1] <= 0)
            {
                throw new MongoErrorException(28729, $"Third argument to $slice must be positive: {numbers[1]}");
            }

            start = numbers[0] >= 0 ? Math.Min(numbers[0], array.Count) : Math.Max(0, array.Count + numbers[0]);
            count = Math.Min(numbers[1], array.Count - start);
        }

        return new BsonArray(array.Skip((int)start).Take((int)count));
    }

    private static BsonValue? IndexOfArray(BsonOrder order, BsonValue?[] values)
    {
        if (Values.IsNullish(values[0]))
        {
            return BsonNull.Value;
        }

        if (values[0] is not BsonArray array)
        {
            throw new MongoErrorException(40090, $"$indexOfArray requires an array as a first argument, found: {Values.TypeName(values[0])}");
        }

        var start = values.Length > 2 ? NonNegativeIndex("$indexOfArray", values[2]) : 0;
        var end = values.Length > 3 ? Math.Min(NonNegativeIndex("$indexOfArray", values[3]), array.Count) : array.Count;
        for (var i = start; i < end; i++)
        {
            if (order.Equals(array[i], values[1]))
            {
                return new BsonInt32(i);
            }
        }

        return new BsonInt32(-1);
    }

    private static int NonNegativeIndex(string op, BsonValue? value) =>
        Values.IsNumber(value) && Values.IsIntegral(value!, out var index) && index is >= 0 and <= int.MaxValue
            ? (int)index
            : throw new MongoErrorException(40097, $"{op} requires a non-negative integral index, found: {value}");

    private static BsonValue? Range(BsonValue?[] values)
    {
        var numbers = new int[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            numbers[i] = Values.IsNumber(values[i]) && Values.IsIntegral(values[i]!, out var n) && n is >= int.MinValue and <= int.MaxValue
                ? (int)n
                : throw new MongoErrorException(34443, $"$range requires numeric arguments representable as 32-bit integers, found {Values.TypeName(values[i])}");
        }

        var step = numbers.Length == 3 ? numbers[2] : 1;
        if (step == 0)
        {
            throw new MongoErrorException(34449, "$range requires a non-zero step value");
        }

        var result = new BsonArray();
        for (long i = numbers[0]; step > 0 ? i < numbers[1] : i > numbers[1]; i += step)
        {
            result.Add(new BsonInt32((int)i));
        }

        return result;
    }

    /// <summary>Parses <c>input</c> and the <c>as</c> name of $filter and $map, then compiles the
    /// per-element expressions with that name bound.</summary>
    private static (Evaluator Input, int Slot, Evaluator[] Bodies) CompileIteration(
        ExpressionCompiler compiler, string op, BsonValue operand, string[] bodies, string[] optional)
    {
        if (operand is not BsonDocument document)
        {
            throw MongoErrorException.FailedToParse($"{op} only supports an object as its argument");
        }

        foreach (var name in document.Names)
        {
            if (name != "input" && name != "as" && !bodies.Contains(name) && !optional.Contains(name))
            {
                throw MongoErrorException.FailedToParse($"Unrecognized parameter to {op}: {name}");
            }
        }

        if (!document.Contains("input") || bodies.Any(name => !document.Contains(name)))
        {
            throw MongoErrorException.FailedToParse($"Missing 'input' or '{string.Join("'/'", bodies)}' parameter to {op}");
        }

        var input = compiler.Compile(document["input"]);
        var variable = document.GetValue("as", "this") is BsonString { Value: var asName }
            ? asName
            : throw MongoErrorException.FailedToParse($"{op}'s 'as' must be a string");
        var slot = compiler.Bind(variable);
        var compiled = bodies.Select(body => compiler.Compile(document[body])).ToArray();
        compiler.Unbind(1);
        return (input, slot, compiled);
    }

    private static Evaluator CompileFilter(ExpressionCompiler compiler, BsonValue operand)
    {
        var (input, slot, bodies) = CompileIteration(compiler, "$filter", operand, ["cond"], ["limit"]);
        var condition = bodies[0];
        var limit = operand.AsBsonDocument.TryGetValue("limit", out var limitSpec) ? compiler.Compile(limitSpec) : null;
        return context =>
        {
            var value = input(context);
            if (Values.IsNullish(value))
            {
                return BsonNull.Value;
            }

            if (value is not BsonArray array)
            {
                throw new MongoErrorException(28651, $"input to $filter must be an array not {Values.TypeName(value)}");
            }

            var max = long.MaxValue;
            if (limit?.Invoke(context) is { } limitValue && !Values.IsNullish(limitValue))
            {
                max = Values.IsNumber(limitValue) && Values.IsIntegral(limitValue, out var n) && n > 0
                    ? n
                    : throw new MongoErrorException(327391, $"$filter: limit must be a positive integral number, found {limitValue}");
            }

            var result = new BsonArray();
            foreach (var item in array)
            {
                if (result.Count >= max)
                {
                    break;
                }

                context.Slots[slot] = item;
                if (Values.IsTrue(condition(context)))
                {
                    result.Add(item);
                }
            }

            return result;
        };
    }

    private static Evaluator CompileMap(ExpressionCompiler compiler, BsonValue operand)
    {
        var (input, slot, bodies) = CompileIteration(compiler, "$map", operand, ["in"], []);
        var body = bodies[0];
        return context =>
        {
            var value = input(context);
            if (Values.IsNullish(value))
            {
                return BsonNull.Value;
            }

            if (value is not BsonArray array)
            {
                throw new MongoErrorException(16883, $"input to $map must be an array not {Values.TypeName(value)}");
            }

            var result = new BsonArray(array.Count);
            foreach (var item in array)
            {
                context.Slots[slot] = item;
                result.Add(body(context) ?? BsonNull.Value);
            }

            return result;
        };
    }

    private static Evaluator CompileReduce(ExpressionCompiler compiler, BsonValue operand)
    {
        if (operand is not BsonDocument document)
        {
            throw new MongoErrorException(40075, "$reduce only supports an object as its argument");
        }

        if (document.Names.FirstOrDefault(name => name is not ("input" or "initialValue" or "in")) is { } unknown)
        {
            throw new MongoErrorException(40076, $"$reduce found an unknown argument: {unknown}");
        }

        if (!document.Contains("input") || !document.Contains("initialValue") || !document.Contains("in"))
        {
            throw new MongoErrorException(40077, "$reduce requires 'input', 'initialValue' and 'in' to be specified");
        }

        var input = compiler.Compile(document["input"]);
        var initial = compiler.Compile(document["initialValue"]);
        var valueSlot = compiler.Bind("value");
        var thisSlot = compiler.Bind("this");
        var body = compiler.Compile(document["in"]);
        compiler.Unbind(2);
        return context =>
        {
            var value = input(context);
            if (Values.IsNullish(value))
            {
                return BsonNull.Value;
            }

            if (value is not BsonArray array)
            {
                throw new MongoErrorException(40080, $"$reduce requires that 'input' be an array, found: {Values.TypeName(value)}");
            }

            var accumulated = initial(context);
            foreach (var item in array)
            {
                context.Slots[valueSlot] = accumulated;
                context.Slots[thisSlot] = item;
                accumulated = body(context);
            }

            return accumulated;
        };
    }

    /// <summary>$sum, $avg, $min, $max and the standard deviations as expressions: over the elements
    /// of a single array argument, or over the arguments themselves.</summary>
    private static void AddArrayAggregates(Dictionary<string, OperatorCompiler> table)
    {
        foreach (var name in (string[])["$sum", "$avg", "$min", "$max", "$stdDevPop", "$stdDevSamp"])
        {
            var factory = Accumulator.Factory(name)!;
            table[name] = (compiler, operand) =>
            {
                var args = compiler.CompileArgs(operand);
                return context =>
                {
                    var accumulator = factory(context.Scope.Order);
                    if (args.Length == 1 && args[0](context) is BsonArray array)
                    {
                        foreach (var item in array)
                        {
                            accumulator.Add(item);
                        }
                    }
                    else
                    {
                        foreach (var arg in args)
                        {
                            accumulator.Add(arg(context));
                        }
                    }

                    return accumulator.Result();
                };
            };
        }
    }

    private static Evaluator CompileZip(ExpressionCompiler compiler, BsonValue operand)
    {
        var args = NamedArgs.Parse(compiler, "$zip", operand, ["inputs"], ["useLongestLength", "defaults"]);
        var inputs = args.Required("inputs");
        var useLongest = args.Optional("useLongestLength");
        var defaults = args.Optional("defaults");
        return context =>
        {
            if (inputs(context) is not BsonArray arrays)
            {
                throw new MongoErrorException(34461, "inputs must be an array of expressions");
            }

            if (arrays.Any(Values.IsNullish))
            {
                return BsonNull.Value;
            }

            if (arrays.FirstOrDefault(a => a is not BsonArray) is { } wrong)
            {
                throw new MongoErrorException(34468, $"$zip found a non-array expression in input: {wrong}");
            }

            var longest = Values.IsTrue(useLongest?.Invoke(context));
            var fill = defaults?.Invoke(context) as BsonArray;
            if (fill is not null && (!longest || fill.Count != arrays.Count))
            {
                throw new MongoErrorException(34466, "cannot specify defaults unless useLongestLength is true, and defaults must match the number of inputs");
            }

            var lengths = arrays.Select(a => a.AsBsonArray.Count).ToList();
            var length = lengths.Count == 0 ? 0 : longest ? lengths.Max() : lengths.Min();
            var result = new BsonArray(length);
            for (var i = 0; i < length; i++)
            {
                var row = new BsonArray(arrays.Count);
                for (var j = 0; j < arrays.Count; j++)
                {
                    var array = arrays[j].AsBsonArray;
                    row.Add(i < array.Count ? array[i] : fill?[j] ?? BsonNull.Value);
                }

                result.Add(row);
            }

            return result;
        };
    }

    private static Evaluator CompileSortArray(ExpressionCompiler compiler, BsonValue operand)
    {
        if (operand is not BsonDocument document || !document.TryGetValue("sortBy", out var sortBy)
            || !document.TryGetValue("input", out var inputSpec))
        {
            throw MongoErrorException.BadValue("$sortArray requires an object with 'input' and 'sortBy'");
        }

        var input = compiler.Compile(inputSpec);
        if (document.Names.FirstOrDefault(name => name is not ("input" or "sortBy")) is { } unknown)
        {
            throw MongoErrorException.BadValue($"$sortArray found an unknown argument: {unknown}");
        }

        var order = SortArrayOrder(sortBy);
        return context =>
        {
            var value = input(context);
            return Values.IsNullish(value) ? BsonNull.Value
                : value is BsonArray array ? new BsonArray(array.Order(order(context.Scope.Order)))
                : throw MongoErrorException.BadValue($"The input argument to $sortArray must be an array, but was of type: {Values.TypeName(value)}");
        };
    }

    /// <summary>$sortArray's order under a collation: by the whole value (1 or -1) or by document
    /// fields ({a: 1, b: -1}).</summary>
    private static Func<BsonOrder, IComparer<BsonValue>> SortArrayOrder(BsonValue sortBy)
    {
        if (Values.IsNumber(sortBy) && Math.Abs(Values.ToDouble(sortBy)) == 1)
        {
            var direction = (int)Values.ToDouble(sortBy);
            return values => Comparer<BsonValue>.Create((x, y) => direction * values.Compare(x, y));
        }

        if (sortBy is not BsonDocument { ElementCount: > 0 } keys
            || keys.Any(k => !Values.IsNumber(k.Value) || Math.Abs(Values.ToDouble(k.Value)) != 1))
        {
            throw MongoErrorException.BadValue("$sortArray's sortBy must be 1, -1 or an object of fields with 1 or -1");
        }

        var fields = keys.Select(k => (Path: ExpressionCompiler.SplitFieldPath(k.Name), Direction: (int)Values.ToDouble(k.Value))).ToArray();
        return values => Comparer<BsonValue>.Create((x, y) =>
        {
            foreach (var (path, direction) in fields)
            {
                var byField = values.Compare(SortArrayField(x, path), SortArrayField(y, path));
                if (byField != 0)
                {
                    return direction * byField;
                }
            }

            return 0;
        });
    }

    /// <summary>A sort field of an element: null when the element is no document or lacks the field,
    /// as the server does, so such elements sort with nulls rather than below them.</summary>
    private static BsonValue SortArrayField(BsonValue element, string[] path) =>
        (element is BsonDocument document ? DocumentPaths.Get(document, path) : null) ?? BsonNull.Value;
}
