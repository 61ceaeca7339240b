using BayitPlus.MongoEmulator.Bson;
using MongoDB.Bson;

namespace BayitPlus.MongoEmulator.Aggregation;

internal delegate Evaluator OperatorCompiler(ExpressionCompiler compiler, BsonValue operand);

/// <summary>The expression operators, by name. Each family registers itself from its own file.</summary>
internal static partial class Operators
{
    private static readonly Dictionary<string, OperatorCompiler> Table = BuildTable();

    /// <summary>Real MongoDB operators the emulator does not implement: rejected by name rather than
    /// reported as unknown.</summary>
    private static readonly HashSet<string> UnsupportedOperators =
    [
        "$function", "$accumulator", "$binarySize", "$bsonSize", "$toHashedIndexKey", "$tsSecond", "$tsIncrement",
        "$firstN", "$lastN", "$maxN", "$minN", "$median", "$percentile", "$getSearchScore", "$toUUID", "$encStrContains",
    ];

    public static Evaluator Compile(ExpressionCompiler compiler, string name, BsonValue operand) =>
        Table.TryGetValue(name, out var op) ? op(compiler, operand)
        : UnsupportedOperators.Contains(name) ? throw MongoErrorException.BadValue($"The expression operator {name} is not supported by the emulator")
        : throw new MongoErrorException(ErrorCodes.InvalidPipelineOperator, $"Unrecognized expression '{name}'");

    private static Dictionary<string, OperatorCompiler> BuildTable()
    {
        var table = new Dictionary<string, OperatorCompiler>(StringComparer.Ordinal);
        AddControl(table);
        AddArithmetic(table);
        AddArrays(table);
        AddStrings(table);
        AddConversions(table);
        AddDates(table);
        AddObjectsAndSets(table);
        return table;
    }

    private static void Unary(Dictionary<string, OperatorCompiler> table, string name, Func<BsonValue?, BsonValue?> function) =>
        table[name] = (compiler, operand) =>
        {
            var arg = compiler.CompileArgs(name, operand, 1, 1)[0];
            return context => function(arg(context));
        };

    private static void Binary(Dictionary<string, OperatorCompiler> table, string name, Func<BsonValue?, BsonValue?, BsonValue?> function) =>
        table[name] = (compiler, operand) =>
        {
            var args = compiler.CompileArgs(name, operand, 2, 2);
            var (left, right) = (args[0], args[1]);
            return context => function(left(context), right(context));
        };

    /// <summary>A binary operator that compares or matches values: under the scope's collation.</summary>
    private static void Binary(Dictionary<string, OperatorCompiler> table, string name, Func<BsonOrder, BsonValue?, BsonValue?, BsonValue?> function) =>
        table[name] = (compiler, operand) =>
        {
            var args = compiler.CompileArgs(name, operand, 2, 2);
            var (left, right) = (args[0], args[1]);
            return context => function(context.Scope.Order, left(context), right(context));
        };

    /// <summary>A comparison operator: the two values compare under the scope's collation.</summary>
    private static void Comparison(Dictionary<string, OperatorCompiler> table, string name, Func<int, BsonValue> result) =>
        table[name] = (compiler, operand) =>
        {
            var args = compiler.CompileArgs(name, operand, 2, 2);
            var (left, right) = (args[0], args[1]);
            return context => result(context.Scope.Order.Compare(left(context), right(context)));
        };

    private static void Variadic(
        Dictionary<string, OperatorCompiler> table, string name, int min, int max, Func<BsonValue?[], BsonValue?> function) =>
        table[name] = (compiler, operand) =>
        {
            var args = compiler.CompileArgs(name, operand, min, max);
            return context => function(EvaluateAll(args, context));
        };

    /// <summary>A variadic operator that compares or matches values: under the scope's collation.</summary>
    private static void Variadic(
        Dictionary<string, OperatorCompiler> table, string name, int min, int max, Func<BsonOrder, BsonValue?[], BsonValue?> function) =>
        table[name] = (compiler, operand) =>
        {
            var args = compiler.CompileArgs(name, operand, min, max);
            return context => function(context.Scope.Order, EvaluateAll(args, context));
        };

    private static BsonValue?[] EvaluateAll(Evaluator[] args, EvalContext context)
    {
        var values = new BsonValue?[args.Length];
        for (var i = 0; i < args.Length; i++)
        {
            values[i] = args[i](context);
        }

        return values;
    }

    private static MongoErrorException TypeError(int code, string op, string expected, BsonValue? actual) =>
        new(code, $"{op} {expected}, not {Values.TypeName(actual)}");

    private static void AddControl(Dictionary<string, OperatorCompiler> table)
    {
        table["$literal"] = (_, operand) => _ => operand;

        Comparison(table, "$eq", order => Values.Bool(order == 0));
        Comparison(table, "$ne", order => Values.Bool(order != 0));
        Comparison(table, "$gt", order => Values.Bool(order > 0));
        Comparison(table, "$gte", order => Values.Bool(order >= 0));
        Comparison(table, "$lt", order => Values.Bool(order < 0));
        Comparison(table, "$lte", order => Values.Bool(order <= 0));
        Comparison(table, "$cmp", order => new BsonInt32(Math.Sign(order)));

        table["$and"] = (compiler, operand) =>
        {
            var args = compiler.CompileArgs(operand);
            return context =>
            {
                foreach (var arg in args)
                {
                    if (!Values.IsTrue(arg(context)))
                    {
                        return Values.False;
                    }
                }

                return Values.True;
            };
        };
        table["$or"] = (compiler, operand) =>
        {
            var args = compiler.CompileArgs(operand);
            return context =>
            {
                foreach (var arg in args)
                {
                    if (Values.IsTrue(arg(context)))
                    {
                        return Values.True;
                    }
                }

                return Values.False;
            };
        };
        Unary(table, "$not", value => Values.Bool(!Values.IsTrue(value)));

        table["$cond"] = CompileCond;
        table["$ifNull"] = (compiler, operand) =>
        {
            var args = compiler.CompileArgs("$ifNull", operand, 2, int.MaxValue);
            return context =>
            {
                for (var i = 0; i < args.Length - 1; i++)
                {
                    if (args[i](context) is { } value && !Values.IsNullish(value))
                    {
                        return value;
                    }
                }

                return args[^1](context);
            };
        };
        table["$switch"] = CompileSwitch;
        table["$let"] = CompileLet;
        table["$meta"] = (_, operand) => (operand as BsonString)?.Value switch
        {
            "textScore" => context => context.Scope.TextScore is { } score ? new BsonDouble(score) : null,
            "vectorSearchScore" => context => context.Scope.VectorSearchScore is { } score ? new BsonDouble(score) : null,
            _ => throw MongoErrorException.BadValue($"$meta {operand} is not supported by the emulator (only \"textScore\" and \"vectorSearchScore\")"),
        };
        Unary(table, "$type", value => new BsonString(Values.TypeName(value)));
        Unary(table, "$isNumber", value => Values.Bool(Values.IsNumber(value)));
        table["$rand"] = (_, operand) => operand is BsonDocument { ElementCount: 0 }
            ? _ => new BsonDouble(Random.Shared.NextDouble())
            : throw MongoErrorException.FailedToParse("$rand does not currently accept arguments");
    }

    private static Evaluator CompileCond(ExpressionCompiler compiler, BsonValue operand)
    {
        Evaluator condition, then, otherwise;
        if (operand is BsonDocument document)
        {
            var args = NamedArgs.Parse(compiler, "$cond", document, ["if", "then", "else"], []);
            (condition, then, otherwise) = (args.Required("if"), args.Required("then"), args.Required("else"));
        }
        else
        {
            var args = compiler.CompileArgs("$cond", operand, 3, 3);
            (condition, then, otherwise) = (args[0], args[1], args[2]);
        }

        return context => Values.IsTrue(condition(context)) ? then(context) : otherwise(context);
    }

    private static Evaluator CompileSwitch(ExpressionCompiler compiler, BsonValue operand)
    {
        if (operand is not BsonDocument document)
        {
            throw new MongoErrorException(40060, $"$switch requires an object as an argument, found: {Values.TypeName(operand)}");
        }

        var branches = new List<(Evaluator Case, Evaluator Then)>();
        Evaluator? fallback = null;
        foreach (var element in document)
        {
            switch (element.Name)
            {
                case "branches":
                    if (element.Value is not BsonArray array)
                    {
                        throw new MongoErrorException(40061, "$switch expected an array for 'branches'");
                    }

                    foreach (var branch in array)
                    {
                        if (branch is not BsonDocument branchDoc)
                        {
                            throw new MongoErrorException(40062, "$switch expected each branch to be an object");
                        }

                        var args = NamedArgs.Parse(compiler, "$switch branch", branchDoc, ["case", "then"], []);
                        branches.Add((args.Required("case"), args.Required("then")));
                    }

                    break;
                case "default":
                    fallback = compiler.Compile(element.Value);
                    break;
                default:
                    throw new MongoErrorException(40067, $"$switch found an unknown argument: {element.Name}");
            }
        }

        if (branches.Count == 0)
        {
            throw new MongoErrorException(40068, "$switch requires at least one branch");
        }

        return context =>
        {
            foreach (var (condition, then) in branches)
            {
                if (Values.IsTrue(condition(context)))
                {
                    return then(context);
                }
            }

            return fallback is not null
                ? fallback(context)
                : throw new MongoErrorException(
                    40066, "$switch could not find a matching branch for an input, and no default was specified.");
        };
    }

    private static Evaluator CompileLet(ExpressionCompiler compiler, BsonValue operand)
    {
        if (operand is not BsonDocument document || document.GetValue("vars", null) is not BsonDocument vars)
        {
            throw new MongoErrorException(16874, "$let requires an object with 'vars' (an object) and 'in'");
        }

        if (!document.Contains("in"))
        {
            throw new MongoErrorException(16876, "Missing 'in' parameter to $let");
        }

        if (document.Names.FirstOrDefault(name => name is not ("vars" or "in")) is { } unknown)
        {
            throw new MongoErrorException(16875, $"Unrecognized parameter to $let: {unknown}");
        }

        // Variable values see only the enclosing scope, not each other.
        var values = vars.Select(v => compiler.Compile(v.Value)).ToArray();
        var slots = vars.Select(v => compiler.Bind(v.Name)).ToArray();
        var body = compiler.Compile(document["in"]);
        compiler.Unbind(slots.Length);
        return context =>
        {
            for (var i = 0; i < slots.Length; i++)
            {
                context.Slots[slots[i]] = values[i](context);
            }

            return body(context);
        };
    }

    /// <summary>The named arguments of a document-style operator, compiled.</summary>
    private sealed class NamedArgs
    {
        private readonly Dictionary<string, Evaluator> _args;
        private readonly string _op;

        private NamedArgs(string op, Dictionary<string, Evaluator> args)
        {
            _op = op;
            _args = args;
        }

        public static NamedArgs Parse(
            ExpressionCompiler compiler, string op, BsonValue operand, string[] required, string[] optional)
        {
            if (operand is not BsonDocument document)
            {
                throw MongoErrorException.FailedToParse($"{op} expects an object of named arguments but found {Values.TypeName(operand)}");
            }

            var args = new Dictionary<string, Evaluator>(StringComparer.Ordinal);
            foreach (var element in document)
            {
                if (!required.Contains(element.Name) && !optional.Contains(element.Name))
                {
                    throw MongoErrorException.FailedToParse($"Unrecognized parameter to {op}: {element.Name}");
                }

                args[element.Name] = compiler.Compile(element.Value);
            }

            if (required.FirstOrDefault(name => !args.ContainsKey(name)) is { } missing)
            {
                throw MongoErrorException.FailedToParse($"Missing '{missing}' parameter to {op}");
            }

            return new NamedArgs(op, args);
        }

        public Evaluator Required(string name) =>
            _args.TryGetValue(name, out var arg) ? arg : throw MongoErrorException.FailedToParse($"Missing '{name}' parameter to {_op}");

        public Evaluator? Optional(string name) => _args.GetValueOrDefault(name);
    }
}
