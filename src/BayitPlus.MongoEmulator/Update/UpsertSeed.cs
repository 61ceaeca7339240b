using BayitPlus.MongoEmulator.Bson;
using MongoDB.Bson;

namespace BayitPlus.MongoEmulator.Update;

/// <summary>The fields an upsert copies from its filter: every path the filter pins to one value
/// by equality (directly, through <c>$eq</c>, a one-value <c>$in</c>, <c>$and</c> or a one-branch
/// <c>$or</c>), created in path order like the server's sorted map of equalities.</summary>
internal static class UpsertSeed
{
    public static BsonDocument Build(BsonDocument filter, bool idOnly)
    {
        var equalities = new SortedDictionary<string, BsonValue>(StringComparer.Ordinal);
        Collect(filter, equalities);
        var seed = new BsonDocument();
        foreach (var (path, value) in equalities)
        {
            if (!idOnly || path == "_id" || path.StartsWith("_id.", StringComparison.Ordinal))
            {
                Insert(seed, path, value);
            }
        }

        return seed;
    }

    private static void Collect(BsonDocument filter, SortedDictionary<string, BsonValue> equalities)
    {
        foreach (var element in filter)
        {
            if (!element.Name.StartsWith('$'))
            {
                if (EqualityValue(element.Value) is { } value)
                {
                    Add(equalities, element.Name, value);
                }

                continue;
            }

            if (element.Value is not BsonArray branches
                || !(element.Name == "$and" || (element.Name == "$or" && branches.Count == 1)))
            {
                continue;
            }

            foreach (var branch in branches)
            {
                if (branch is BsonDocument clause)
                {
                    Collect(clause, equalities);
                }
            }
        }
    }

    private static BsonValue? EqualityValue(BsonValue value)
    {
        if (value is BsonRegularExpression)
        {
            return null;
        }

        if (value is not BsonDocument conditions || conditions.ElementCount == 0 || !conditions.GetElement(0).Name.StartsWith('$'))
        {
            return value;
        }

        if (conditions.TryGetValue("$eq", out var equal))
        {
            return equal;
        }

        return conditions.TryGetValue("$in", out var choices) && choices is BsonArray { Count: 1 } single
                                                              && single[0] is not BsonRegularExpression
            ? single[0]
            : null;
    }

    private static void Add(SortedDictionary<string, BsonValue> equalities, string path, BsonValue value)
    {
        if (equalities.ContainsKey(path))
        {
            throw new MongoErrorException(ErrorCodes.NotSingleValueField,
                $"cannot infer query fields to set, path '{path}' is matched twice");
        }

        foreach (var existing in equalities.Keys)
        {
            if (existing.StartsWith(path + ".", StringComparison.Ordinal) || path.StartsWith(existing + ".", StringComparison.Ordinal))
            {
                throw new MongoErrorException(ErrorCodes.NotSingleValueField,
                    $"cannot infer query fields to set, both paths '{existing}' and '{path}' are matched");
            }
        }

        equalities.Add(path, value);
    }

    private static void Insert(BsonDocument seed, string path, BsonValue value)
    {
        var segments = path.Split('.');
        var current = seed;
        for (var i = 0; i < segments.Length - 1; i++)
        {
            if (current.GetValue(segments[i], null) is not BsonDocument next)
            {
                next = [];
                current.Add(segments[i], next);
            }

            current = next;
        }

        current.Add(segments[^1], value.DeepClone());
    }
}
