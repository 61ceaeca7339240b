using BayitPlus.MongoEmulator.Bson;
using MongoDB.Bson;

namespace BayitPlus.MongoEmulator.Engine;

/// <summary>Chooses the records a filter must look at: an index lookup when a top-level equality,
/// <c>$in</c> or range condition falls on the first field of a usable index, else the whole
/// collection. The caller still applies the full filter, so a plan only has to return a superset.
/// On a multikey index a range uses one bound only: different elements of an array may satisfy each bound.</summary>
internal static class QueryPlanner
{
    /// <summary>The plan for <paramref name="filter"/> under the query's <paramref name="collation"/>:
    /// only indexes with the same collation order keys as the query compares them.</summary>
    public static Plan Choose(CollectionStore collection, BsonDocument filter, Collation? collation)
    {
        var conditions = new List<(string Field, Condition Condition)>();
        Collect(filter, conditions);
        if (conditions.Count == 0)
        {
            return Plan.Scan(collection);
        }

        foreach (var (field, condition) in conditions)
        {
            if (field == "_id" && condition.Points is { } ids && collation is null)
            {
                var records = ids.Select(collection.FindById).OfType<Record>().Distinct().OrderBy(r => r.Order).ToList();
                return new Plan("_id_", records, records.Count);
            }
        }

        Plan? best = null;
        var bestRank = int.MaxValue;
        foreach (var (field, condition) in conditions)
        {
            foreach (var index in collection.Btrees)
            {
                var definition = index.Definition;
                // A sparse index lacks the documents without its fields: only an equality to values
                // (never null, see IsPoint), which those documents cannot match, may use it.
                if ((definition.Sparse && condition.Points is null) || definition.PartialFilter is not null || definition.Fields[0] != field
                    || !Collation.AreSame(definition.Collation, collation))
                {
                    continue;
                }

                var rank = condition.Points is not null ? (definition.Unique ? 0 : 1) : 2;
                if (rank >= bestRank)
                {
                    continue;
                }

                var records = condition.Points is { } points
                    ? points.SelectMany(index.Equal)
                    : !index.IsMultikey
                        ? index.Range(condition.Lower, condition.LowerInclusive, condition.Upper, condition.UpperInclusive)
                        : condition.Lower is not null
                            ? index.Range(condition.Lower, condition.LowerInclusive, null, false)
                            : index.Range(null, false, condition.Upper, condition.UpperInclusive);
                var list = records.Distinct().OrderBy(r => r.Order).ToList();
                best = new Plan(definition.Name, list, list.Count);
                bestRank = rank;
            }
        }

        return best ?? Plan.Scan(collection);
    }

    private static void Collect(BsonDocument filter, List<(string, Condition)> conditions)
    {
        foreach (var element in filter)
        {
            if (element.Name == "$and" && element.Value is BsonArray branches)
            {
                foreach (var branch in branches.OfType<BsonDocument>())
                {
                    Collect(branch, conditions);
                }
            }
            else if (!element.Name.StartsWith('$') && Analyze(element.Value) is { } condition)
            {
                conditions.Add((element.Name, condition));
            }
        }
    }

    private static Condition? Analyze(BsonValue value)
    {
        if (value is BsonDocument operators && operators.ElementCount > 0 && operators.GetElement(0).Name.StartsWith('$'))
        {
            var condition = new Condition();
            var usable = false;
            foreach (var op in operators)
            {
                switch (op.Name)
                {
                    case "$eq" when IsPoint(op.Value):
                        condition.Points = [op.Value];
                        usable = true;
                        break;
                    case "$in" when op.Value is BsonArray values && values.All(IsPoint):
                        condition.Points = [.. values];
                        usable = true;
                        break;
                    case "$gt" or "$gte" when IsPoint(op.Value):
                        condition.Lower = op.Value;
                        condition.LowerInclusive = op.Name == "$gte";
                        usable = true;
                        break;
                    case "$lt" or "$lte" when IsPoint(op.Value):
                        condition.Upper = op.Value;
                        condition.UpperInclusive = op.Name == "$lte";
                        usable = true;
                        break;
                }
            }

            return usable ? condition : null;
        }

        return IsPoint(value) ? new Condition { Points = [value] } : null;
    }

    /// <summary>Values whose index lookup is exact: not null (which also matches missing and
    /// array-embedded nulls), not arrays, regexes or documents (which have their own semantics).</summary>
    private static bool IsPoint(BsonValue value) =>
        value.BsonType is not (BsonType.Null or BsonType.Undefined or BsonType.Array or BsonType.RegularExpression or BsonType.Document or BsonType.MinKey or BsonType.MaxKey);

    private sealed class Condition
    {
        public List<BsonValue>? Points { get; set; }

        public BsonValue? Lower { get; set; }

        public bool LowerInclusive { get; set; }

        public BsonValue? Upper { get; set; }

        public bool UpperInclusive { get; set; }
    }
}

/// <summary>The records a query examines and the index that produced them (null for a scan).</summary>
internal sealed record Plan(string? IndexName, IEnumerable<Record> Records, int Examined)
{
    public static Plan Scan(CollectionStore collection) => new(null, collection.Natural, collection.Count);
}
