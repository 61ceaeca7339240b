using BayitPlus.MongoEmulator.Bson;
using BayitPlus.MongoEmulator.Query;
using MongoDB.Bson;

namespace BayitPlus.MongoEmulator.Tests.Query;

public sealed class FieldPathTests
{
    [Theory]
    [InlineData("{a: 1}", "a", "1")]
    [InlineData("{a: {b: {c: 'x'}}}", "a.b.c", "'x'")]
    [InlineData("{a: [10, 20]}", "a.1", "20")]
    [InlineData("{a: [{b: 1}]}", "a.0.b", "1")]
    [InlineData("{a: {'1': 5}}", "a.1", "5")]
    [InlineData("{a: null}", "a", "null")]
    [InlineData("{a: [1, 2]}", "a", "[1, 2]")]
    public void Get_reads_documents_and_indexes_arrays(string document, string path, string expected) =>
        Assert.Equal(BsonDocument.Parse($"{{v: {expected}}}")["v"], FieldPath.Get(BsonDocument.Parse(document), path));

    [Theory]
    [InlineData("{}", "a")]
    [InlineData("{a: 1}", "a.b")]
    [InlineData("{a: [{b: 1}]}", "a.b")]
    [InlineData("{a: [1]}", "a.5")]
    [InlineData("{a: [1]}", "a.01")]
    [InlineData("{a: {b: 1}}", "a.c")]
    public void Get_returns_null_when_missing(string document, string path) =>
        Assert.Null(FieldPath.Get(BsonDocument.Parse(document), path));

    [Theory]
    [InlineData("{a: 1}", "a", "[1]")]
    [InlineData("{}", "a", "[null]")]
    [InlineData("{a: [1, 2, 1]}", "a", "[1, 2, [1, 2, 1]]")]
    [InlineData("{a: []}", "a", "[[]]")]
    [InlineData("{a: [{b: 1}, {b: [2, 3]}, {c: 1}]}", "a.b", "[1, 2, 3, [2, 3], null]")]
    [InlineData("{a: [1, 2]}", "a.b", "[null]")]
    [InlineData("{a: [[1]]}", "a", "[[1], [[1]]]")]
    [InlineData("{a: [4, 5]}", "a.1", "[5]")]
    public void Index_keys_expand_arrays(string document, string path, string expectedKeys)
    {
        var keys = FieldPath.IndexKeys(BsonDocument.Parse(document), path);
        Assert.Equal(BsonDocument.Parse($"{{k: {expectedKeys}}}")["k"].AsBsonArray.ToList(), keys.ToList());
    }

    private static readonly string[] ContractDocuments =
    [
        "{}", "{a: null}", "{a: 1}", "{a: 2.5}", "{a: 'x'}", "{a: [1, 2]}", "{a: []}", "{a: [[1, 2], 3]}", "{a: [null]}",
        "{a: {b: 1}}", "{a: {b: [1, 'x']}}", "{a: [{b: 1}, {b: 2}]}", "{a: [{b: 1}, {c: 1}]}", "{a: [1, {b: 3}]}",
        "{a: [{b: [{c: 1}, {c: 2}]}]}", "{a: [{b: {c: [4, 5]}}]}", "{a: 4}", "{a: {b: null}}", "{a: [{b: []}]}",
        "{a: [{'0': 1}, 7]}", "{a: [[{b: 1}]]}", "{a: {b: {c: 1}}}", "{a: [{b: [[1]]}]}",
    ];

    private static readonly string[] ContractPaths = ["a", "a.b", "a.b.c", "a.0", "a.1", "a.0.b"];

    private static readonly string[] ContractPredicates =
    [
        "null", "1", "2", "2.5", "'x'", "[1, 2]", "[]", "[null]", "{b: 1}", "{c: 1}", "[1]", "[[1]]",
        "{$gt: 1}", "{$gte: 1}", "{$lt: 2}", "{$lte: 1}", "{$gt: 'a'}", "{$lt: [2]}", "{$gte: null}", "{$lte: null}",
        "{$gt: {}}", "{$gt: 1, $lt: 3}", "{$in: [null, 3]}", "{$in: [[1, 2], 'x']}", "{$gte: []}", "{$lt: MaxKey}",
    ];

    /// <summary>The index contract: when an equality or range predicate matches a document, one of
    /// the document's index keys on that path satisfies the predicate on its own.</summary>
    [Fact]
    public void Index_keys_never_miss_a_match()
    {
        var checkedMatches = 0;
        foreach (var documentJson in ContractDocuments)
        {
            var document = BsonDocument.Parse(documentJson);
            foreach (var path in ContractPaths)
            {
                var keys = FieldPath.IndexKeys(document, path);
                Assert.NotEmpty(keys);
                foreach (var predicateJson in ContractPredicates)
                {
                    var predicate = BsonDocument.Parse($"{{'{path}': {predicateJson}}}");
                    var filter = CompiledFilter.Compile(predicate, QueryContext.Default);
                    if (!filter.Matches(document))
                    {
                        continue;
                    }

                    checkedMatches++;
                    var keyFilter = SingleValueFilter(predicate[0]);
                    Assert.True(
                        keys.Any(key => keyFilter.Matches(new BsonDocument("k", new BsonArray { key }))),
                        $"{predicate} matches {document} but no key in [{string.Join(", ", keys)}] does");
                }
            }
        }

        Assert.True(checkedMatches > 100, $"only {checkedMatches} matches exercised");
    }

    /// <summary>A filter applying the predicate to one value as it is, never expanding it: the value
    /// form of $elemMatch tests the single element of <c>{k: [key]}</c> directly.</summary>
    private static CompiledFilter SingleValueFilter(BsonValue predicate)
    {
        var operators = predicate is BsonDocument document && document.ElementCount > 0 && document.GetElement(0).Name.StartsWith('$')
            ? document
            : new BsonDocument("$eq", predicate);
        return CompiledFilter.Compile(new BsonDocument("k", new BsonDocument("$elemMatch", operators)), QueryContext.Default);
    }

    [Fact]
    public void Index_keys_are_deduplicated_with_mongo_equality()
    {
        var keys = FieldPath.IndexKeys(BsonDocument.Parse("{a: [1, 1.0, NumberLong(1), 2]}"), "a");
        Assert.Equal(3, keys.Count);
        Assert.Equal(0, BsonOrder.CompareValues(keys[0], new BsonInt32(1)));
    }
}
