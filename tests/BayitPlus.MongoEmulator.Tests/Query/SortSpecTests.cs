using BayitPlus.MongoEmulator.Bson;
using BayitPlus.MongoEmulator.Query;
using MongoDB.Bson;

namespace BayitPlus.MongoEmulator.Tests.Query;

public sealed class SortSpecTests
{
    private static List<int> SortedIds(string spec, params string[] documents)
    {
        var sort = SortSpec.Parse(BsonDocument.Parse(spec));
        var input = documents.Select((json, i) => new MetaDoc(BsonDocument.Parse(json).Set("_id", i))).ToList();
        var sorted = sort.Sort(input);
        var viaComparer = input.OrderBy(document => document, sort).Select(document => document.Document["_id"].AsInt32).ToList();
        var ids = sorted.Select(document => document.Document["_id"].AsInt32).ToList();
        Assert.Equal(ids, viaComparer);
        return ids;
    }

    [Fact]
    public void Sorts_ascending_and_descending_across_types()
    {
        string[] documents = ["{a: 'x'}", "{a: 2}", "{}", "{a: null}", "{a: 1.5}", "{a: {b: 1}}", "{a: MinKey}", "{a: true}", "{a: MaxKey}"];
        Assert.Equal([6, 2, 3, 4, 1, 0, 5, 7, 8], SortedIds("{a: 1}", documents));
        Assert.Equal([8, 7, 5, 0, 1, 4, 2, 3, 6], SortedIds("{a: -1}", documents));
    }

    [Fact]
    public void Arrays_sort_by_their_smallest_or_largest_element()
    {
        string[] documents = ["{a: [5, 1]}", "{a: 3}", "{a: [2, 4]}", "{a: []}", "{a: null}"];
        Assert.Equal([3, 4, 0, 2, 1], SortedIds("{a: 1}", documents));
        Assert.Equal([0, 2, 1, 4, 3], SortedIds("{a: -1}", documents));
    }

    [Fact]
    public void Dotted_paths_reach_into_arrays_of_documents()
    {
        string[] documents = ["{a: [{b: 3}, {b: 9}]}", "{a: {b: 5}}", "{a: [{b: 4}, {c: 1}]}"];
        Assert.Equal([2, 0, 1], SortedIds("{'a.b': 1}", documents));
        Assert.Equal([0, 1, 2], SortedIds("{'a.b': -1}", documents));
    }

    [Fact]
    public void Ties_keep_input_order_and_later_keys_break_them()
    {
        string[] documents = ["{a: 1, b: 1}", "{a: 0, b: 2}", "{a: 1, b: 0}", "{a: 0, b: 2}"];
        Assert.Equal([1, 3, 0, 2], SortedIds("{a: 1}", documents));
        Assert.Equal([1, 3, 0, 2], SortedIds("{a: 1, b: -1}", documents));
        Assert.Equal([2, 0, 1, 3], SortedIds("{a: -1, b: 1}", documents));
    }

    [Fact]
    public void Comparer_returns_zero_for_ties()
    {
        var sort = SortSpec.Parse(BsonDocument.Parse("{a: 1}"));
        Assert.Equal(0, sort.Compare(new MetaDoc(BsonDocument.Parse("{a: 1, x: 1}")), new MetaDoc(BsonDocument.Parse("{a: 1.0, x: 2}"))));
        Assert.Equal(0, sort.Compare(new MetaDoc(BsonDocument.Parse("{}")), new MetaDoc(BsonDocument.Parse("{a: null}"))));
    }

    [Fact]
    public void Text_score_sorts_highest_first()
    {
        var sort = SortSpec.Parse(BsonDocument.Parse("{score: {$meta: 'textScore'}, a: 1}"));
        Assert.True(sort.NeedsTextScore);
        Assert.Equal([("score", 0), ("a", 1)], sort.Keys);
        var documents = new[] { new MetaDoc(BsonDocument.Parse("{_id: 0, a: 2}"), 1.0), new MetaDoc(BsonDocument.Parse("{_id: 1, a: 1}"), 3.0), new MetaDoc(BsonDocument.Parse("{_id: 2, a: 1}"), 1.0) };
        Assert.Equal([1, 2, 0], sort.Sort(documents).Select(document => document.Document["_id"].AsInt32));
    }

    [Fact]
    public void Limit_keeps_the_first_documents_in_order()
    {
        var sort = SortSpec.Parse(BsonDocument.Parse("{a: 1}"));
        var documents = Enumerable.Range(0, 100).Select(i => new MetaDoc(new BsonDocument { { "_id", i }, { "a", (i * 37) % 10 } })).ToList();
        var expected = sort.Sort(documents).Take(7).Select(document => document.Document["_id"].AsInt32).ToList();
        Assert.Equal(expected, sort.Sort(documents, 7).Select(document => document.Document["_id"].AsInt32));
        Assert.Empty(sort.Sort(documents, 0));
        Assert.Equal(100, sort.Sort(documents, 500).Count);
    }

    [Fact]
    public void Keys_and_directions_are_reported()
    {
        var sort = SortSpec.Parse(BsonDocument.Parse("{a: 1, 'b.c': -1, d: 1.0, e: NumberLong(-1)}"));
        Assert.False(sort.NeedsTextScore);
        Assert.Equal([("a", 1), ("b.c", -1), ("d", 1), ("e", -1)], sort.Keys);
        Assert.Empty(SortSpec.Parse([]).Keys);
    }

    [Theory]
    [InlineData("{a: 0}")]
    [InlineData("{a: 2}")]
    [InlineData("{a: 'asc'}")]
    [InlineData("{a: {b: 1}}")]
    [InlineData("{a: {$meta: 'randVal'}}")]
    [InlineData("{$natural: -1}")]
    public void Invalid_orderings_are_rejected(string spec)
    {
        var error = Assert.Throws<MongoErrorException>(() => SortSpec.Parse(BsonDocument.Parse(spec)));
        Assert.Equal(ErrorCodes.BadValue, error.Code);
    }
}
