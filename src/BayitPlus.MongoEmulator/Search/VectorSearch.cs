using BayitPlus.MongoEmulator.Bson;
using BayitPlus.MongoEmulator.Query;
using MongoDB.Bson;

namespace BayitPlus.MongoEmulator.Search;

/// <summary>The <c>$vectorSearch</c> stage. Both ANN and ENN queries run as an exact nearest-neighbour
/// scan: <c>numCandidates</c> is validated as Atlas does but never makes results less exact.</summary>
internal sealed class VectorSearch
{
    private const int MaxCandidates = 10_000;

    private static readonly HashSet<string> FilterOperators =
        ["$eq", "$ne", "$gt", "$gte", "$lt", "$lte", "$in", "$nin", "$not", "$exists"];

    private readonly string _index;
    private readonly string _path;
    private readonly double[] _query;
    private readonly int _limit;
    private readonly BsonDocument? _filter;

    private VectorSearch(string index, string path, double[] query, int limit, BsonDocument? filter)
    {
        _index = index;
        _path = path;
        _query = query;
        _limit = limit;
        _filter = filter;
    }

    public static VectorSearch Parse(BsonValue spec)
    {
        var document = spec as BsonDocument ?? throw MongoErrorException.FailedToParse("$vectorSearch requires an object");
        foreach (var element in document)
        {
            if (element.Name is not ("index" or "path" or "queryVector" or "numCandidates" or "limit" or "filter" or "exact"))
            {
                throw MongoErrorException.FailedToParse($"\"$vectorSearch.{element.Name}\" is not allowed");
            }
        }

        var index = RequiredString(document, "index");
        var path = RequiredString(document, "path");
        var query = document.GetValue("queryVector", null) is BsonArray { Count: > 0 } vector && vector.All(BsonOrder.IsNumber)
            ? vector.Select(BsonOrder.ToDouble).ToArray()
            : throw MongoErrorException.FailedToParse("\"$vectorSearch.queryVector\" must be a non-empty array of numbers");
        var limit = WholeNumber(document, "limit") ?? throw MongoErrorException.FailedToParse("\"$vectorSearch.limit\" is required");
        if (limit < 1)
        {
            throw MongoErrorException.FailedToParse("\"$vectorSearch.limit\" must be positive");
        }

        var exact = document.GetValue("exact", false) is BsonBoolean b ? b.Value : throw MongoErrorException.FailedToParse("\"$vectorSearch.exact\" must be a boolean");
        var candidates = WholeNumber(document, "numCandidates");
        if (!exact)
        {
            if (candidates is not { } numCandidates)
            {
                throw MongoErrorException.FailedToParse("\"$vectorSearch.numCandidates\" is required for approximate (exact: false) queries");
            }

            if (numCandidates < limit || numCandidates > MaxCandidates)
            {
                throw MongoErrorException.FailedToParse($"\"$vectorSearch.numCandidates\" must be at least \"limit\" ({limit}) and at most {MaxCandidates}");
            }
        }

        var filter = document.GetValue("filter", null) switch
        {
            null => null,
            BsonDocument f => f,
            _ => throw MongoErrorException.FailedToParse("\"$vectorSearch.filter\" must be an object"),
        };
        return new VectorSearch(index, path, query, limit, filter);
    }

    /// <summary>The top <c>limit</c> documents of <paramref name="documents"/>, best first, each with
    /// its <c>vectorSearchScore</c>. An unknown index name yields nothing, as on Atlas.</summary>
    public IEnumerable<MetaDoc> Run(IReadOnlyList<SearchIndex> indexes, IEnumerable<BsonDocument> documents, QueryContext context)
    {
        var index = indexes.FirstOrDefault(i => i.Name == _index);
        if (index is null)
        {
            return [];
        }

        var field = index.Vectors.FirstOrDefault(v => v.Path == _path)
            ?? throw MongoErrorException.BadValue($"Path '{_path}' needs to be indexed as vector");
        if (_query.Length != field.Dimensions)
        {
            throw MongoErrorException.BadValue($"vector field is indexed with {field.Dimensions} dimensions but queried with {_query.Length}");
        }

        if (_filter is not null)
        {
            CheckFilter(_filter, index);
        }

        var filter = _filter is null ? null : CompiledFilter.Compile(_filter, context);
        var scored = new List<(double Score, BsonDocument Document)>();
        foreach (var document in documents)
        {
            if (Vector(document, field.Dimensions) is { } vector && (filter?.Matches(document) ?? true))
            {
                scored.Add((Score(field.Similarity, _query, vector), document));
            }
        }

        return scored.OrderByDescending(s => s.Score).Take(_limit).Select(s => new MetaDoc(s.Document, VectorSearchScore: s.Score)).ToList();
    }

    /// <summary>Atlas's normalisation to 0–1: (1 + cosine) / 2, (1 + dot product) / 2, 1 / (1 + distance).</summary>
    internal static double Score(VectorSimilarity similarity, double[] query, double[] vector)
    {
        double dot = 0, queryNorm = 0, vectorNorm = 0, squared = 0;
        for (var i = 0; i < query.Length; i++)
        {
            dot += query[i] * vector[i];
            queryNorm += query[i] * query[i];
            vectorNorm += vector[i] * vector[i];
            squared += (query[i] - vector[i]) * (query[i] - vector[i]);
        }

        return similarity switch
        {
            VectorSimilarity.Cosine => queryNorm == 0 || vectorNorm == 0 ? 0.5 : (1 + (dot / Math.Sqrt(queryNorm * vectorNorm))) / 2,
            VectorSimilarity.DotProduct => (1 + dot) / 2,
            _ => 1 / (1 + Math.Sqrt(squared)),
        };
    }

    /// <summary>Documents whose path is not an array of exactly <paramref name="dimensions"/> numbers are not indexed.</summary>
    private double[]? Vector(BsonDocument document, int dimensions) =>
        FieldPath.Get(document, _path) is BsonArray array && array.Count == dimensions && array.All(BsonOrder.IsNumber)
            ? array.Select(BsonOrder.ToDouble).ToArray()
            : null;

    private static void CheckFilter(BsonDocument filter, SearchIndex index)
    {
        foreach (var element in filter)
        {
            if (element.Name is "$and" or "$or" or "$nor")
            {
                if (element.Value is not BsonArray clauses)
                {
                    throw MongoErrorException.BadValue($"{element.Name} must be an array");
                }

                foreach (var clause in clauses)
                {
                    CheckFilter(clause as BsonDocument ?? throw MongoErrorException.BadValue($"{element.Name} entries must be objects"), index);
                }
            }
            else if (element.Name.StartsWith('$'))
            {
                throw MongoErrorException.BadValue($"Operator {element.Name} is not supported in a $vectorSearch filter");
            }
            else
            {
                if (!index.Filters.Contains(element.Name))
                {
                    throw MongoErrorException.BadValue($"Path '{element.Name}' needs to be indexed as filter");
                }

                CheckOperators(element.Value);
            }
        }
    }

    private static void CheckOperators(BsonValue value)
    {
        if (value is not BsonDocument operators || operators.ElementCount == 0 || !operators.GetElement(0).Name.StartsWith('$'))
        {
            CheckValue(value);
            return;
        }

        foreach (var op in operators)
        {
            if (!FilterOperators.Contains(op.Name))
            {
                throw MongoErrorException.BadValue($"Operator {op.Name} is not supported in a $vectorSearch filter");
            }

            if (op.Name == "$not")
            {
                CheckOperators(op.Value);
            }
            else if (op.Name is "$gt" or "$gte" or "$lt" or "$lte" && op.Value is BsonObjectId)
            {
                throw MongoErrorException.BadValue($"A $vectorSearch filter cannot apply {op.Name} to an ObjectId");
            }
            else
            {
                CheckValue(op.Value);
            }
        }
    }

    /// <summary>Atlas indexes filter fields as booleans, dates, ObjectIds, numbers, strings, UUIDs
    /// and nulls, so a filter can compare only with those (or arrays of them).</summary>
    private static void CheckValue(BsonValue value)
    {
        if (value is BsonArray array)
        {
            foreach (var item in array)
            {
                CheckValue(item);
            }
        }
        else if (value.BsonType is not (BsonType.Boolean or BsonType.DateTime or BsonType.ObjectId or BsonType.Int32 or BsonType.Int64 or BsonType.Double or BsonType.String or BsonType.Null)
            && value is not BsonBinaryData { SubType: BsonBinarySubType.UuidStandard })
        {
            throw MongoErrorException.BadValue($"A $vectorSearch filter cannot compare with a value of type {value.BsonType}");
        }
    }

    private static string RequiredString(BsonDocument document, string name) =>
        document.GetValue(name, null) is BsonString { Value.Length: > 0 } value
            ? value.Value
            : throw MongoErrorException.FailedToParse($"\"$vectorSearch.{name}\" is required and must be a string");

    private static int? WholeNumber(BsonDocument document, string name) =>
        document.GetValue(name, null) switch
        {
            null => null,
            var v when BsonOrder.IsNumber(v) && BsonOrder.ToDouble(v) is var d && d == Math.Floor(d) && Math.Abs(d) <= int.MaxValue => (int)d,
            _ => throw MongoErrorException.FailedToParse($"\"$vectorSearch.{name}\" must be a whole number"),
        };
}
