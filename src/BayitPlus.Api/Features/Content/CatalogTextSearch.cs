using BayitPlus.Api.Infrastructure.Catalog;
using BayitPlus.Api.Infrastructure.Mongo;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.Content;

/// <summary>The Content slice's answer to <see cref="ICatalogTextSearch"/>: catalog search's ranking
/// (the weighted text index, the taxonomy filter, text score and then the newest id first) as ids
/// only, for a slice that fuses it with another ranking.</summary>
public sealed class CatalogTextSearch(MongoContext db) : ICatalogTextSearch
{
    public async Task<IReadOnlyList<string>> RankAsync(string text, CatalogFilter filter, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        var where = Builders<ContentDocument>.Filter;
        var clauses = new TaxonomyFilter(filter.Sections, filter.Formats, filter.Audiences, filter.Genres, filter.Topics, filter.YearFrom, filter.YearTo).Clauses();
        clauses.Insert(0, where.Text(text));
        var sort = Builders<ContentDocument>.Sort;
        var found = await db.Collection<ContentDocument>(ContentDocument.CollectionName)
            .Find(where.And(clauses))
            .Sort(sort.Combine(sort.MetaTextScore("score"), sort.Descending(c => c.Id)))
            .Limit(limit)
            .Project<BsonDocument>(Builders<ContentDocument>.Projection.Include(c => c.Id))
            .ToListAsync(cancellationToken);
        return [.. found.Select(item => item["_id"].AsObjectId.ToString())];
    }
}
