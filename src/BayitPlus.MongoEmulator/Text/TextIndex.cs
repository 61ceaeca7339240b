using MongoDB.Bson;

namespace BayitPlus.MongoEmulator.Text;

/// <summary>A parsed <c>$text</c> query: terms, phrases and negations.</summary>
public sealed class TextQuery
{
    private TextQuery()
    {
    }
}

/// <summary>An inverted text index over the fields of a text index specification, with weights,
/// tokenizing Hebrew, English and Spanish text case- and diacritic-insensitively.</summary>
public sealed class TextIndex
{
    /// <param name="keyPattern">The index key, e.g. <c>{title: "text", description: "text"}</c>
    /// (other, non-text keys are prefix/suffix fields and are ignored for scoring).</param>
    /// <param name="options">The index options: <c>weights</c>, <c>default_language</c>, <c>language_override</c>.</param>
    public TextIndex(BsonDocument keyPattern, BsonDocument options) => throw new NotImplementedException();

    public void Add(BsonValue id, BsonDocument document) => throw new NotImplementedException();

    public void Remove(BsonValue id, BsonDocument document) => throw new NotImplementedException();

    /// <summary>Parses <c>{$search, $language, $caseSensitive, $diacriticSensitive}</c>.</summary>
    public TextQuery Parse(BsonDocument textSpec) => throw new NotImplementedException();

    /// <summary>The ids of matching documents (keys compared with MongoDB equality) and their scores.</summary>
    public IReadOnlyDictionary<BsonValue, double> Search(TextQuery query) => throw new NotImplementedException();

    /// <summary>Scores one document that may not be in the index; null when it does not match.</summary>
    public double? Score(BsonDocument document, TextQuery query) => throw new NotImplementedException();
}
