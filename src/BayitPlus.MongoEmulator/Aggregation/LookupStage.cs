using BayitPlus.MongoEmulator.Bson;
using BayitPlus.MongoEmulator.Query;
using MongoDB.Bson;

namespace BayitPlus.MongoEmulator.Aggregation;

/// <summary>$lookup: the equality form (localField/foreignField, with query semantics: a local array
/// matches any of its elements, a missing local value matches null or missing), the let/pipeline form,
/// and both combined.</summary>
internal sealed class LookupStage : Stage
{
    private readonly string _from;
    private readonly string[]? _localPath;
    private readonly string? _foreignField;
    private readonly string[] _asPath;
    private readonly (string Name, AggExpression Value)[] _let;
    private readonly BsonArray? _pipeline;
    private readonly Stage[]? _stages;
    private readonly AggregationContext _context;

    private LookupStage(
        string from, string[]? localPath, string? foreignField, string[] asPath,
        (string, AggExpression)[] let, BsonArray? pipeline, AggregationContext context)
    {
        _from = from;
        _localPath = localPath;
        _foreignField = foreignField;
        _asPath = asPath;
        _let = let;
        _pipeline = pipeline;
        _context = context;

        // Parsing validates the sub-pipeline now; without let variables the parsed stages are reused.
        var stages = pipeline is null ? null : Pipeline.ParseStages(pipeline, SubContext([]), within: "$lookup");
        _stages = let.Length == 0 ? stages : null;
    }

    public static LookupStage Parse(BsonValue spec, AggregationContext context)
    {
        if (spec is not BsonDocument document)
        {
            throw new MongoErrorException(ErrorCodes.FailedToParse, "the $lookup specification must be an Object");
        }

        string? from = null, localField = null, foreignField = null, asField = null;
        BsonDocument let = [];
        BsonArray? pipeline = null;
        foreach (var element in document)
        {
            switch (element.Name)
            {
                case "from":
                    from = element.Value is BsonString s
                        ? s.Value
                        : throw MongoErrorException.BadValue("$lookup 'from' must be a collection name of the same database (cross-database lookups are not supported by the emulator)");
                    break;
                case "localField":
                    localField = StringOption(element);
                    break;
                case "foreignField":
                    foreignField = StringOption(element);
                    break;
                case "as":
                    asField = StringOption(element);
                    break;
                case "let":
                    let = element.Value as BsonDocument
                        ?? throw new MongoErrorException(ErrorCodes.FailedToParse, "$lookup argument 'let' must be an object");
                    break;
                case "pipeline":
                    pipeline = element.Value as BsonArray
                        ?? throw new MongoErrorException(ErrorCodes.FailedToParse, "$lookup argument 'pipeline' must be an array");
                    break;
                default:
                    throw new MongoErrorException(ErrorCodes.FailedToParse, $"unknown argument to $lookup: {element.Name}");
            }
        }

        if (from is null || asField is null)
        {
            throw new MongoErrorException(ErrorCodes.FailedToParse, "$lookup requires 'from' and 'as' to be specified");
        }

        if ((localField is null) != (foreignField is null))
        {
            throw new MongoErrorException(ErrorCodes.FailedToParse, "$lookup requires both or neither of 'localField' and 'foreignField' to be specified");
        }

        if (localField is null && pipeline is null)
        {
            throw new MongoErrorException(ErrorCodes.FailedToParse, "$lookup requires either 'pipeline' or both 'localField' and 'foreignField' to be specified");
        }

        var variables = let.Select(v =>
        {
            ExpressionCompiler.ValidateVariableName(v.Name);
            return (v.Name, AggExpression.Compile(v.Value));
        }).ToArray();
        return new LookupStage(
            from,
            localField is null ? null : ExpressionCompiler.SplitFieldPath(localField),
            foreignField,
            ExpressionCompiler.SplitFieldPath(asField),
            variables,
            pipeline,
            context);
    }

    private static string StringOption(BsonElement element) => element.Value is BsonString s
        ? s.Value
        : throw new MongoErrorException(ErrorCodes.FailedToParse, $"$lookup argument '{element.Name}' must be a string, is type {Values.TypeName(element.Value)}");

    public override IEnumerable<MetaDoc> Execute(IEnumerable<MetaDoc> input)
    {
        var host = _context.Host ?? throw MongoErrorException.BadValue("$lookup needs access to other collections");
        List<BsonDocument>? foreign = null;
        Dictionary<BsonValue, List<int>>? index = null;
        foreach (var document in input)
        {
            foreign ??= [.. host.ReadCollection(_from)];
            IEnumerable<BsonDocument> candidates = foreign;
            if (_localPath is not null)
            {
                index ??= BuildIndex(foreign);
                candidates = Matches(document.Document, index).Select(i => foreign[i]);
            }

            var results = new BsonArray();
            if (_pipeline is null)
            {
                results.AddRange(candidates);
            }
            else
            {
                var stages = _stages ?? Pipeline.ParseStages(_pipeline, SubContext(LetValues(document)), within: "$lookup");
                results.AddRange(Pipeline.Run(stages, candidates.Select(d => new MetaDoc(d))).Select(d => d.Document));
            }

            yield return document with { Document = DocumentPaths.With(document.Document, _asPath, results) };
        }
    }

    private AggregationContext SubContext(BsonDocument letValues)
    {
        var variables = new BsonDocument(_context.Query.Variables.Elements);
        variables.Merge(letValues, overwriteExistingElements: true);
        return new AggregationContext
        {
            Host = _context.Host,
            Query = new QueryContext { Now = _context.Query.Now, Variables = variables, Order = _context.Query.Order },
        };
    }

    private BsonDocument LetValues(MetaDoc document)
    {
        var scope = _context.ScopeFor(document);
        var values = new BsonDocument();
        foreach (var (name, value) in _let)
        {
            values.Add(name, value.Evaluate(document.Document, scope) ?? BsonNull.Value);
        }

        return values;
    }

    private Dictionary<BsonValue, List<int>> BuildIndex(List<BsonDocument> foreign)
    {
        var index = new Dictionary<BsonValue, List<int>>(_context.Query.Order);
        for (var i = 0; i < foreign.Count; i++)
        {
            // Since MongoDB 8.0 a null (or missing) local value no longer matches an undefined foreign one.
            foreach (var key in FieldPath.IndexKeys(foreign[i], _foreignField!).Where(k => k.BsonType != BsonType.Undefined))
            {
                if (!index.TryGetValue(key, out var positions))
                {
                    index.Add(key, positions = []);
                }

                if (positions.Count == 0 || positions[^1] != i)
                {
                    positions.Add(i);
                }
            }
        }

        return index;
    }

    /// <summary>Positions of the foreign documents whose foreign field equals any local value, in collection order.</summary>
    private IEnumerable<int> Matches(BsonDocument document, Dictionary<BsonValue, List<int>> index)
    {
        var locals = new List<BsonValue>();
        if (!CollectLocal(document, 0, locals))
        {
            locals.Add(BsonNull.Value);
        }

        var positions = new SortedSet<int>();
        foreach (var local in locals)
        {
            if (index.TryGetValue(local, out var matches))
            {
                positions.UnionWith(matches);
            }
        }

        return positions;
    }

    /// <summary>Gathers the local values along the path, through arrays; false when the path leads nowhere.</summary>
    private bool CollectLocal(BsonValue value, int depth, List<BsonValue> output)
    {
        if (depth == _localPath!.Length)
        {
            if (value is BsonArray array)
            {
                output.AddRange(array);
            }
            else
            {
                output.Add(value);
            }

            return true;
        }

        switch (value)
        {
            case BsonDocument document:
                return document.TryGetValue(_localPath[depth], out var next) && CollectLocal(next, depth + 1, output);
            case BsonArray array:
                var found = false;
                foreach (var item in array)
                {
                    found |= item is BsonDocument && CollectLocal(item, depth, output);
                }

                return found;
            default:
                return false;
        }
    }
}
