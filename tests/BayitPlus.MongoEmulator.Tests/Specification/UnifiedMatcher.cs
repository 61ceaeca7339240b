using MongoDB.Bson;

namespace BayitPlus.MongoEmulator.Tests.Specification;

/// <summary>
/// The unified test format's matching rules: root-level documents may carry extra fields, nested ones
/// may not; 32/64-bit integers and doubles compare by value; the <c>$$</c> operators
/// (<c>$$exists</c>, <c>$$type</c>, <c>$$unsetOrMatches</c>, <c>$$matchesEntity</c>, <c>$$lte</c>,
/// <c>$$matchAsDocument</c>, <c>$$matchAsRoot</c>, <c>$$matchesHexBytes</c>) apply anywhere.
/// </summary>
internal sealed class UnifiedMatcher(IReadOnlyDictionary<string, BsonValue> entities)
{
    private static readonly Dictionary<string, BsonType[]> TypeAliases = new()
    {
        ["double"] = [BsonType.Double],
        ["string"] = [BsonType.String],
        ["object"] = [BsonType.Document],
        ["array"] = [BsonType.Array],
        ["binData"] = [BsonType.Binary],
        ["undefined"] = [BsonType.Undefined],
        ["objectId"] = [BsonType.ObjectId],
        ["bool"] = [BsonType.Boolean],
        ["date"] = [BsonType.DateTime],
        ["null"] = [BsonType.Null],
        ["regex"] = [BsonType.RegularExpression],
        ["dbPointer"] = [],
        ["javascript"] = [BsonType.JavaScript],
        ["symbol"] = [BsonType.Symbol],
        ["javascriptWithScope"] = [BsonType.JavaScriptWithScope],
        ["int"] = [BsonType.Int32],
        ["timestamp"] = [BsonType.Timestamp],
        ["long"] = [BsonType.Int64],
        ["decimal"] = [BsonType.Decimal128],
        ["minKey"] = [BsonType.MinKey],
        ["maxKey"] = [BsonType.MaxKey],
        ["number"] = [BsonType.Int32, BsonType.Int64, BsonType.Double, BsonType.Decimal128],
    };

    /// <summary>Null when <paramref name="actual"/> matches, else where and why not.</summary>
    public string? Match(BsonValue expected, BsonValue? actual, bool root, string path = "$")
    {
        if (expected is BsonDocument { ElementCount: 1 } op && op.GetElement(0).Name.StartsWith("$$", StringComparison.Ordinal))
        {
            return MatchOperator(op.GetElement(0), actual, root, path);
        }

        if (actual is null)
        {
            return $"{path}: expected {expected.ToJson()}, but the field is missing";
        }

        switch (expected)
        {
            case BsonDocument expectedDocument:
                if (actual is not BsonDocument actualDocument)
                {
                    return $"{path}: expected a document {expected.ToJson()}, got {actual.ToJson()}";
                }

                foreach (var element in expectedDocument)
                {
                    var failure = Match(element.Value, actualDocument.GetValue(element.Name, null), false, $"{path}.{element.Name}");
                    if (failure is not null)
                    {
                        return failure;
                    }
                }

                if (!root)
                {
                    var extra = actualDocument.Names.FirstOrDefault(name => !expectedDocument.Contains(name));
                    if (extra is not null)
                    {
                        return $"{path}: unexpected field '{extra}' in {actual.ToJson()}";
                    }
                }

                return null;

            case BsonArray expectedArray:
                if (actual is not BsonArray actualArray)
                {
                    return $"{path}: expected an array {expected.ToJson()}, got {actual.ToJson()}";
                }

                if (actualArray.Count != expectedArray.Count)
                {
                    return $"{path}: expected {expectedArray.Count} elements {expected.ToJson()}, got {actualArray.Count}: {actual.ToJson()}";
                }

                for (var i = 0; i < expectedArray.Count; i++)
                {
                    var failure = Match(expectedArray[i], actualArray[i], false, $"{path}[{i}]");
                    if (failure is not null)
                    {
                        return failure;
                    }
                }

                return null;

            default:
                return ScalarsEqual(expected, actual) ? null : $"{path}: expected {expected.ToJson()}, got {actual.ToJson()}";
        }
    }

    /// <summary>Matches a result array whose elements are root-level documents (find, aggregate, ...).</summary>
    public string? MatchRootArray(BsonArray expected, BsonValue actual)
    {
        if (actual is not BsonArray actualArray || actualArray.Count != expected.Count)
        {
            return $"expected {expected.ToJson()}, got {actual.ToJson()}";
        }

        for (var i = 0; i < expected.Count; i++)
        {
            var failure = Match(expected[i], actualArray[i], true, $"$[{i}]");
            if (failure is not null)
            {
                return failure;
            }
        }

        return null;
    }

    private static bool ScalarsEqual(BsonValue expected, BsonValue actual) =>
        IsPlainNumber(expected) && IsPlainNumber(actual)
            ? expected.ToDouble() == actual.ToDouble()
            : expected.Equals(actual);

    private static bool IsPlainNumber(BsonValue value) => value.BsonType is BsonType.Int32 or BsonType.Int64 or BsonType.Double;

    private string? MatchOperator(BsonElement op, BsonValue? actual, bool root, string path)
    {
        switch (op.Name)
        {
            case "$$exists":
                return (actual is not null) == op.Value.ToBoolean()
                    ? null
                    : $"{path}: expected the field to {(op.Value.ToBoolean() ? "exist" : "be absent")}, got {actual?.ToJson() ?? "nothing"}";

            case "$$type":
                var names = op.Value is BsonArray array ? array.Select(v => v.AsString) : [op.Value.AsString];
                return actual is not null && names.Any(name => TypeAliases[name].Contains(actual.BsonType))
                    ? null
                    : $"{path}: expected type {op.Value.ToJson()}, got {actual?.ToJson() ?? "nothing"}";

            case "$$unsetOrMatches":
                return actual is null ? null : Match(op.Value, actual, root, path);

            case "$$matchesEntity":
                return Match(entities[op.Value.AsString], actual, root, path);

            case "$$matchAsDocument":
                return actual is BsonString json
                    ? Match(op.Value, BsonDocument.Parse(json.Value), false, path)
                    : $"{path}: expected a JSON string, got {actual?.ToJson() ?? "nothing"}";

            case "$$matchAsRoot":
                return Match(op.Value, actual, true, path);

            case "$$lte":
                return actual is not null && IsPlainNumber(actual) && actual.ToDouble() <= op.Value.ToDouble()
                    ? null
                    : $"{path}: expected <= {op.Value}, got {actual?.ToJson() ?? "nothing"}";

            case "$$matchesHexBytes":
                return actual is BsonBinaryData bytes && Convert.ToHexString(bytes.Bytes).Equals(op.Value.AsString, StringComparison.OrdinalIgnoreCase)
                    ? null
                    : $"{path}: expected bytes {op.Value}, got {actual?.ToJson() ?? "nothing"}";

            case "$$sessionLsid":
                // The runner creates no session entities, so the name is undefined: an error, as the format requires.
                throw new UnifiedRunnerLimitation($"$$sessionLsid names {op.Value}, but the runner does not create session entities");

            default:
                throw new UnifiedRunnerLimitation($"the matching operator {op.Name} is not supported by the runner");
        }
    }
}

/// <summary>Something the runner itself cannot do: the test fails with this reason whatever it expects.</summary>
internal sealed class UnifiedRunnerLimitation(string message) : Exception(message);
