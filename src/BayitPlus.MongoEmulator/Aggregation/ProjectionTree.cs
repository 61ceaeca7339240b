using BayitPlus.MongoEmulator.Bson;
using MongoDB.Bson;

namespace BayitPlus.MongoEmulator.Aggregation;

/// <summary>The field tree of a $project, $addFields/$set or $unset specification: dotted paths and
/// nested objects become subtrees; leaves include, exclude or compute a field.</summary>
internal sealed class ProjectionTree
{
    private readonly List<Field> _fields = [];
    private readonly Dictionary<string, Field> _byName = new(StringComparer.Ordinal);

    public enum Kind
    {
        Include,
        Exclude,
        Computed,
        Nested,
    }

    public IReadOnlyList<Field> Fields => _fields;

    public bool HasComputed => _fields.Any(f => f.Kind == Kind.Computed || (f.Kind == Kind.Nested && f.Nested!.HasComputed));

    /// <summary>Parses a $project spec (numbers and booleans include or exclude) or, with
    /// <paramref name="literalValues"/>, an $addFields spec (every leaf is an expression).</summary>
    public static ProjectionTree Parse(string stage, BsonDocument spec, bool literalValues)
    {
        var tree = new ProjectionTree();
        foreach (var element in spec)
        {
            tree.AddPath(stage, element.Name, element.Name.Split('.'), 0, element.Value, literalValues);
        }

        return tree;
    }

    /// <summary>The exclusion tree of $unset's field paths.</summary>
    public static ProjectionTree Exclusions(IEnumerable<string> paths)
    {
        var tree = new ProjectionTree();
        foreach (var path in paths)
        {
            tree.AddPath("$unset", path, path.Split('.'), 0, new BsonInt32(0), literalValues: false);
        }

        return tree;
    }

    public Field? Get(string name) => _byName.GetValueOrDefault(name);

    /// <summary>Every leaf, with its dotted path, to validate inclusion/exclusion mixing.</summary>
    public IEnumerable<(string Path, Field Leaf)> Leaves(string prefix = "")
    {
        foreach (var field in _fields)
        {
            var path = prefix + field.Name;
            if (field.Kind == Kind.Nested)
            {
                foreach (var leaf in field.Nested!.Leaves(path + "."))
                {
                    yield return leaf;
                }
            }
            else
            {
                yield return (path, field);
            }
        }
    }

    public void Add(Field field)
    {
        _fields.Add(field);
        _byName.Add(field.Name, field);
    }

    private void AddPath(string stage, string fullPath, string[] parts, int index, BsonValue value, bool literalValues)
    {
        var name = parts[index];
        ValidateFieldName(stage, fullPath, name);
        var existing = _byName.GetValueOrDefault(name);
        if (index < parts.Length - 1)
        {
            Nest(stage, fullPath, name, existing).AddPath(stage, fullPath, parts, index + 1, value, literalValues);
            return;
        }

        if (value is BsonDocument document && (document.ElementCount == 0 || !document.GetElement(0).Name.StartsWith('$')))
        {
            if (document.ElementCount == 0)
            {
                if (!literalValues)
                {
                    throw new MongoErrorException(51270, $"Invalid {stage} :: caused by :: An empty sub-projection is not a valid value. Found empty object at path {fullPath}");
                }

                AddLeaf(stage, fullPath, existing, new Field(name, Kind.Computed, AggExpression.Compile(document), null, IsMeta: false));
                return;
            }

            var nested = Nest(stage, fullPath, name, existing);
            foreach (var element in document)
            {
                nested.AddPath(stage, fullPath + "." + element.Name, element.Name.Split('.'), 0, element.Value, literalValues);
            }

            return;
        }

        var kind = literalValues || !(value.IsBoolean || BsonOrder.IsNumber(value))
            ? Kind.Computed
            : Values.IsTrue(value) ? Kind.Include : Kind.Exclude;
        var isMeta = value is BsonDocument { ElementCount: 1 } meta && meta.GetElement(0).Name == "$meta";
        AddLeaf(stage, fullPath, existing, new Field(name, kind, kind == Kind.Computed ? AggExpression.Compile(value) : null, null, isMeta));
    }

    private ProjectionTree Nest(string stage, string fullPath, string name, Field? existing)
    {
        if (existing is null)
        {
            var field = new Field(name, Kind.Nested, null, new ProjectionTree(), IsMeta: false);
            Add(field);
            return field.Nested!;
        }

        return existing.Kind == Kind.Nested
            ? existing.Nested!
            : throw new MongoErrorException(31250, $"Invalid {stage} :: caused by :: Path collision at {fullPath}");
    }

    private void AddLeaf(string stage, string fullPath, Field? existing, Field field)
    {
        if (existing is not null)
        {
            throw new MongoErrorException(31250, $"Invalid {stage} :: caused by :: Path collision at {fullPath}");
        }

        Add(field);
    }

    private static void ValidateFieldName(string stage, string fullPath, string name)
    {
        if (name.Length == 0)
        {
            throw new MongoErrorException(40352, $"Invalid {stage} :: caused by :: FieldPath cannot be constructed with empty string: {fullPath}");
        }

        if (name[0] == '$')
        {
            throw new MongoErrorException(16410, $"Invalid {stage} :: caused by :: FieldPath field names may not start with '$': {fullPath}");
        }
    }

    /// <summary>One field of the tree; <c>IsMeta</c> marks a <c>{$meta: ...}</c> leaf, which both
    /// inclusion and exclusion projections allow.</summary>
    public sealed record Field(string Name, Kind Kind, AggExpression? Expression, ProjectionTree? Nested, bool IsMeta);
}
