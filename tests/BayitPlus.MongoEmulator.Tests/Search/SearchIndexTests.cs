using BayitPlus.MongoEmulator.Bson;
using BayitPlus.MongoEmulator.Query;
using BayitPlus.MongoEmulator.Search;
using MongoDB.Bson;

namespace BayitPlus.MongoEmulator.Tests.Search;

/// <summary>What only the emulator does: on Atlas a <c>type: "search"</c> index would be built.</summary>
public sealed class SearchIndexTests
{
    private static readonly SearchIndex Index = SearchIndex.Parse(BsonDocument.Parse(
        "{name: 'v', type: 'vectorSearch', definition: {fields: [{type: 'vector', path: 'e', numDimensions: 2, similarity: 'cosine'}, {type: 'filter', path: 'g'}]}}"), DateTime.UnixEpoch);

    [Fact]
    public void Atlas_Search_index_is_refused_as_not_implemented()
    {
        var error = Assert.Throws<MongoErrorException>(() => SearchIndex.Parse(BsonDocument.Parse("{name: 'text', type: 'search', definition: {mappings: {dynamic: true}}}"), DateTime.UnixEpoch));

        Assert.Equal(ErrorCodes.NotImplemented, error.Code);
    }

    [Fact]
    public void Index_without_a_type_is_an_Atlas_Search_index_and_refused()
    {
        var error = Assert.Throws<MongoErrorException>(() => SearchIndex.Parse(BsonDocument.Parse("{definition: {mappings: {dynamic: true}}}"), DateTime.UnixEpoch));

        Assert.Equal(ErrorCodes.NotImplemented, error.Code);
    }

    [Theory]
    [InlineData("{g: {$regex: 'a'}}")]
    [InlineData("{$expr: {$eq: ['$g', 'a']}}")]
    [InlineData("{g: {$not: {$size: 1}}}")]
    [InlineData("{g: {$gt: ObjectId('0123456789abcdef01234567')}}")]
    public void Filter_operators_outside_Atlas_list_are_refused(string filter)
    {
        var search = VectorSearch.Parse(BsonDocument.Parse($"{{index: 'v', path: 'e', queryVector: [1, 0], limit: 1, exact: true, filter: {filter}}}"));

        Assert.Throws<MongoErrorException>(() => search.Run([Index], [BsonDocument.Parse("{e: [1, 0], g: 'a'}")], QueryContext.Default).ToList());
    }

    [Fact]
    public void Zero_vector_scores_as_orthogonal_under_cosine() =>
        Assert.Equal(0.5, VectorSearch.Score(VectorSimilarity.Cosine, [1, 0], [0, 0]));
}
