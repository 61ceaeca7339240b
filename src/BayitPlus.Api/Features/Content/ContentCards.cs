using BayitPlus.Api.Infrastructure.Catalog;
using BayitPlus.Api.Infrastructure.Errors;
using BayitPlus.Api.Infrastructure.Mongo;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.Content;

/// <summary>The Content slice's answer to <see cref="IContentCards"/>: the same cards and language
/// rules as the public catalog, read by <c>_id</c> in one query.</summary>
public sealed class ContentCards(MongoContext db) : IContentCards
{
    private IMongoCollection<ContentDocument> Items => db.Collection<ContentDocument>(ContentDocument.CollectionName);

    public async Task<bool> IsVisibleAsync(string contentId, CancellationToken cancellationToken) =>
        Ids.IsValid(contentId) && await Items.Find(new BsonDocument("_id", ObjectId.Parse(contentId))).Limit(1).CountDocumentsAsync(cancellationToken) > 0;

    public async Task<IReadOnlyDictionary<string, ContentResponse>> FindAsync(
        IReadOnlyCollection<string> contentIds, string language, string? maxAudience, CancellationToken cancellationToken)
    {
        var ids = new BsonArray(contentIds.Where(Ids.IsValid).Select(ObjectId.Parse).Distinct());
        if (ids.Count == 0)
        {
            return new Dictionary<string, ContentResponse>();
        }

        var found = await Items.Find(new BsonDocument("_id", new BsonDocument("$in", ids))).ToListAsync(cancellationToken);
        return found.Where(c => Audiences.Allows(maxAudience, c.AudienceId))
            .ToDictionary(c => c.Id, c => ContentCardMapping.From(c, language), StringComparer.Ordinal);
    }
}
