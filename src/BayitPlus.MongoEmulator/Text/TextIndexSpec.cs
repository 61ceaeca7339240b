using BayitPlus.MongoEmulator.Bson;
using MongoDB.Bson;

namespace BayitPlus.MongoEmulator.Text;

/// <summary>The validated specification of a text index: which strings of a document it indexes,
/// with which weight, and which language each document is in.</summary>
/// <remarks>As in MongoDB, every field named in <c>weights</c> is indexed even when the key pattern
/// does not list it, and a key pattern in the stored form <c>{_fts: "text", _ftsx: 1}</c> takes its
/// fields from <c>weights</c> alone.</remarks>
internal sealed class TextIndexSpec
{
    private const string Wildcard = "$**";
    private const double MaxWeight = 100_000;

    private readonly (string[] Path, double Weight)[] fields;
    private readonly Dictionary<string, double> weights;
    private readonly double? wildcardWeight;

    private TextIndexSpec(Dictionary<string, double> weights, TextLanguage defaultLanguage, string languageOverride)
    {
        this.weights = weights;
        DefaultLanguage = defaultLanguage;
        LanguageOverride = languageOverride;
        wildcardWeight = weights.TryGetValue(Wildcard, out var w) ? w : null;
        fields = [.. weights.Where(kv => kv.Key != Wildcard).Select(kv => (kv.Key.Split('.'), kv.Value))];
    }

    public TextLanguage DefaultLanguage { get; }

    public string LanguageOverride { get; }

    public static TextIndexSpec Parse(BsonDocument keyPattern, BsonDocument options)
    {
        var weights = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var key in keyPattern)
        {
            if (key.Value is BsonString { Value: var type } && key.Name is not "_fts")
            {
                if (type != "text")
                {
                    throw MongoErrorException.BadValue(
                        $"a text index cannot also be a '{type}' index (key field '{key.Name}')");
                }

                weights[ValidFieldName(key.Name)] = 1;
            }
        }

        TextLanguage defaultLanguage = TextLanguage.English;
        var languageOverride = "language";
        foreach (var option in options)
        {
            switch (option.Name)
            {
                case "weights":
                    ReadWeights(option.Value, weights);
                    break;
                case "default_language":
                    defaultLanguage = option.Value is BsonString { Value: var language }
                        ? TextLanguage.Resolve(language, "default_language")
                        : throw MongoErrorException.BadValue("text index option 'default_language' must be a string");
                    break;
                case "language_override":
                    languageOverride = option.Value is BsonString { Value: var name } && name.Length > 0 && name[0] != '$'
                        ? name
                        : throw MongoErrorException.BadValue(
                            "text index option 'language_override' must be a non-empty field name not starting with '$'");
                    break;
                case "textIndexVersion":
                    if (!BsonOrder.IsNumber(option.Value) || BsonOrder.ToDouble(option.Value) != 3)
                    {
                        throw MongoErrorException.BadValue(
                            $"textIndexVersion {option.Value} is not supported: the emulator implements version 3");
                    }

                    break;
            }
        }

        return weights.Count == 0
            ? throw MongoErrorException.BadValue("a text index needs at least one field with value \"text\" or in weights")
            : new TextIndexSpec(weights, defaultLanguage, languageOverride);
    }

    /// <summary>The language of a document: its language override field, else the index default.</summary>
    public TextLanguage LanguageOf(BsonDocument document)
    {
        if (!document.TryGetValue(LanguageOverride, out var value) || BsonOrder.IsNullOrMissing(value))
        {
            return DefaultLanguage;
        }

        return value is BsonString { Value: var name }
            ? TextLanguage.Resolve(name, "language override")
            : throw MongoErrorException.BadValue(
                $"found language override field '{LanguageOverride}' in document with non-string type {value.BsonType}");
    }

    /// <summary>Appends every indexed string of <paramref name="document"/> with its field's weight:
    /// array elements one by one, embedded documents (also inside arrays) along dotted paths.</summary>
    public void Collect(BsonDocument document, List<(double Weight, string Text)> output)
    {
        if (wildcardWeight is not null)
        {
            CollectAll(document, string.Empty, output);
            return;
        }

        foreach (var (path, weight) in fields)
        {
            CollectPath(document, path, 0, weight, output);
        }
    }

    private static void CollectPath(BsonValue value, string[] path, int depth, double weight, List<(double, string)> output)
    {
        if (depth == path.Length)
        {
            if (value is BsonString { Value: var text })
            {
                output.Add((weight, text));
            }
            else if (value is BsonArray array)
            {
                foreach (var item in array)
                {
                    if (item is BsonString { Value: var itemText })
                    {
                        output.Add((weight, itemText));
                    }
                }
            }

            return;
        }

        if (value is BsonDocument document)
        {
            if (document.TryGetValue(path[depth], out var child))
            {
                CollectPath(child, path, depth + 1, weight, output);
            }
        }
        else if (value is BsonArray array)
        {
            foreach (var item in array)
            {
                if (item is BsonDocument)
                {
                    CollectPath(item, path, depth, weight, output);
                }
            }
        }
    }

    private void CollectAll(BsonDocument document, string prefix, List<(double, string)> output)
    {
        foreach (var element in document)
        {
            CollectAny(element.Value, prefix.Length == 0 ? element.Name : prefix + "." + element.Name, output);
        }
    }

    private void CollectAny(BsonValue value, string path, List<(double, string)> output)
    {
        switch (value)
        {
            case BsonString { Value: var text }:
                output.Add((weights.TryGetValue(path, out var weight) ? weight : wildcardWeight!.Value, text));
                break;
            case BsonDocument document:
                CollectAll(document, path, output);
                break;
            case BsonArray array:
                foreach (var item in array)
                {
                    CollectAny(item, path, output);
                }

                break;
        }
    }

    private static void ReadWeights(BsonValue value, Dictionary<string, double> weights)
    {
        if (value is not BsonDocument document)
        {
            throw MongoErrorException.BadValue("text index option 'weights' must be a document");
        }

        foreach (var element in document)
        {
            if (!BsonOrder.IsNumber(element.Value))
            {
                throw MongoErrorException.BadValue(
                    $"text index weight for field '{element.Name}' must be a number, not {element.Value.BsonType}");
            }

            var weight = BsonOrder.ToDouble(element.Value);
            if (!(weight > 0 && weight < MaxWeight))
            {
                throw MongoErrorException.BadValue(
                    $"text index weight for field '{element.Name}' must be in the exclusive interval (0, {MaxWeight}) but found: {weight}");
            }

            weights[ValidFieldName(element.Name)] = weight;
        }
    }

    private static string ValidFieldName(string name)
    {
        if (name == Wildcard)
        {
            return name;
        }

        foreach (var part in name.Split('.'))
        {
            if (part.Length == 0 || part[0] == '$')
            {
                throw MongoErrorException.BadValue(
                    $"text index field name '{name}' is invalid: path components must be non-empty and not start with '$'");
            }
        }

        return name;
    }
}
