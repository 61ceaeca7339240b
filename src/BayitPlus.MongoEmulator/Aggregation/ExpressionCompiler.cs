using BayitPlus.MongoEmulator.Bson;
using MongoDB.Bson;

namespace BayitPlus.MongoEmulator.Aggregation;

/// <summary>Turns an expression specification into a tree of <see cref="Evaluator"/> closures,
/// resolving variables bound inside the expression to slots at compile time.</summary>
internal sealed class ExpressionCompiler
{
    private readonly List<(string Name, int Slot)> _bound = [];

    public int SlotCount { get; private set; }

    public Evaluator Compile(BsonValue spec) => spec.BsonType switch
    {
        BsonType.String when spec.AsString.StartsWith('$') => CompilePath(spec.AsString),
        BsonType.Document => CompileDocument(spec.AsBsonDocument),
        BsonType.Array => CompileArray(spec.AsBsonArray),
        _ => _ => spec,
    };

    /// <summary>An operator's operand: an array is the argument list, anything else one argument.</summary>
    public Evaluator[] CompileArgs(BsonValue spec) =>
        spec is BsonArray array ? [.. array.Select(Compile)] : [Compile(spec)];

    public Evaluator[] CompileArgs(string op, BsonValue spec, int min, int max)
    {
        var args = CompileArgs(spec);
        if (args.Length < min || args.Length > max)
        {
            var expected = min == max ? $"exactly {min}" : max == int.MaxValue ? $"at least {min}" : $"between {min} and {max}";
            throw new MongoErrorException(
                ErrorCodes.Location16020,
                $"Expression {op} takes {expected} arguments. {args.Length} were passed in.");
        }

        return args;
    }

    /// <summary>Binds a variable name to a new slot for the expressions compiled until <see cref="Unbind"/>.</summary>
    public int Bind(string name)
    {
        ValidateVariableName(name);
        var slot = SlotCount++;
        _bound.Add((name, slot));
        return slot;
    }

    public void Unbind(int count) => _bound.RemoveRange(_bound.Count - count, count);

    public static void ValidateVariableName(string name)
    {
        if (name.Length == 0)
        {
            throw new MongoErrorException(16866, "empty variable names are not allowed");
        }

        if (!(char.IsLower(name[0]) || name[0] > 127))
        {
            throw new MongoErrorException(16867, $"'{name}' starts with an invalid character for a user variable name");
        }

        if (name.Any(c => !(char.IsLetterOrDigit(c) || c == '_' || c > 127)))
        {
            throw new MongoErrorException(16868, $"'{name}' contains an invalid character for a variable name");
        }
    }

    /// <summary>The value at a dotted path; an array met on the way maps the rest of the path over its
    /// documents (nested arrays stay nested, missing results are dropped), as aggregation does.</summary>
    public static BsonValue? GetPath(BsonValue? value, string[] parts, int start)
    {
        for (var i = start; i < parts.Length; i++)
        {
            switch (value)
            {
                case BsonDocument document:
                    value = document.TryGetValue(parts[i], out var next) ? next : null;
                    break;
                case BsonArray array:
                    return MapPath(array, parts, i);
                default:
                    return null;
            }
        }

        return value;
    }

    private static BsonArray MapPath(BsonArray array, string[] parts, int start)
    {
        var result = new BsonArray(array.Count);
        foreach (var item in array)
        {
            if (item is BsonDocument document)
            {
                if (GetPath(document, parts, start) is { } value)
                {
                    result.Add(value);
                }
            }
            else if (item is BsonArray inner)
            {
                result.Add(MapPath(inner, parts, start));
            }
        }

        return result;
    }

    public static string[] SplitFieldPath(string path)
    {
        var parts = path.Split('.');
        foreach (var part in parts)
        {
            if (part.Length == 0)
            {
                throw new MongoErrorException(15998, "FieldPath field names may not be empty strings.");
            }

            if (part[0] == '$')
            {
                throw new MongoErrorException(16410, $"FieldPath field names may not start with '$'. Consider using $getField or $setField. Path: {path}");
            }
        }

        return parts;
    }

    private Evaluator CompilePath(string text)
    {
        if (text.Length == 1)
        {
            throw new MongoErrorException(16872, "'$' by itself is not a valid FieldPath");
        }

        if (text[1] != '$')
        {
            var parts = SplitFieldPath(text[1..]);
            return parts.Length == 1
                ? context => context.Root.TryGetValue(parts[0], out var value) ? value : null
                : context => GetPath(context.Root, parts, 0);
        }

        var dot = text.IndexOf('.', StringComparison.Ordinal);
        var name = dot < 0 ? text[2..] : text[2..dot];
        var rest = dot < 0 ? [] : SplitFieldPath(text[(dot + 1)..]);
        var variable = CompileVariable(name);
        return rest.Length == 0 ? variable : context => GetPath(variable(context), rest, 0);
    }

    private Evaluator CompileVariable(string name)
    {
        for (var i = _bound.Count - 1; i >= 0; i--)
        {
            if (_bound[i].Name == name)
            {
                var slot = _bound[i].Slot;
                return context => context.Slots[slot];
            }
        }

        switch (name)
        {
            case "ROOT" or "CURRENT":
                return context => context.Root;
            case "REMOVE":
                return _ => null;
            case "NOW":
                return context => Values.Date(context.Scope.Now);
            case "CLUSTER_TIME" or "SEARCH_META" or "USER_ROLES":
                throw MongoErrorException.BadValue($"The variable $${name} is not supported by the emulator");
        }

        ValidateVariableName(name);
        return context => context.Scope.Variables.TryGetValue(name, out var value)
            ? value
            : throw new MongoErrorException(17276, $"Use of undefined variable: {name}");
    }

    private Evaluator CompileDocument(BsonDocument spec)
    {
        if (spec.ElementCount > 0 && spec.GetElement(0).Name.StartsWith('$'))
        {
            if (spec.ElementCount != 1)
            {
                throw new MongoErrorException(
                    15983,
                    $"an expression specification must contain exactly one field, the name of the expression. Found {spec.ElementCount} fields in {spec}");
            }

            var element = spec.GetElement(0);
            return Operators.Compile(this, element.Name, element.Value);
        }

        var fields = new (string Name, Evaluator Value)[spec.ElementCount];
        for (var i = 0; i < fields.Length; i++)
        {
            var element = spec.GetElement(i);
            ValidateFieldName(element.Name);
            fields[i] = (element.Name, Compile(element.Value));
        }

        return context =>
        {
            var result = new BsonDocument();
            foreach (var (name, value) in fields)
            {
                if (value(context) is { } v)
                {
                    result.Add(name, v);
                }
            }

            return result;
        };
    }

    private Evaluator CompileArray(BsonArray spec)
    {
        var items = spec.Select(Compile).ToArray();
        return context =>
        {
            var result = new BsonArray(items.Length);
            foreach (var item in items)
            {
                // Missing values become null inside arrays, as MongoDB does.
                result.Add(item(context) ?? BsonNull.Value);
            }

            return result;
        };
    }

    private static void ValidateFieldName(string name)
    {
        if (name.Length == 0)
        {
            throw new MongoErrorException(15998, "FieldPath field names may not be empty strings.");
        }

        if (name[0] == '$')
        {
            throw new MongoErrorException(16410, $"FieldPath field names may not start with '$'. Field: {name}");
        }

        if (name.Contains('.', StringComparison.Ordinal))
        {
            throw new MongoErrorException(16412, $"FieldPath field names may not contain '.'. Field: {name}");
        }
    }
}
