using System.Linq.Expressions;
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
    /// <summary>What a card shows (<see cref="ContentCardMapping.From"/>) and the audience it is
    /// gated on: a stored item also carries stream URLs, subtitles and the admin's fields, which lists
    /// of cards have no use for.</summary>
    private static readonly ProjectionDefinition<ContentDocument> CardFields = Builders<ContentDocument>.Projection.Combine(
        new Expression<Func<ContentDocument, object?>>[]
        {
            c => c.Title, c => c.TitleEn, c => c.TitleEs, c => c.Description, c => c.DescriptionEn, c => c.DescriptionEs,
            c => c.Thumbnail, c => c.Backdrop, c => c.PosterUrl, c => c.SectionIds, c => c.PrimarySectionId, c => c.ContentFormat,
            c => c.AudienceId, c => c.GenreIds, c => c.TopicTags, c => c.SubcategoryIds, c => c.Duration, c => c.Year, c => c.Rating,
            c => c.Cast, c => c.Director, c => c.TmdbId, c => c.IsFeatured, c => c.ViewCount, c => c.CreatedAt,
        }.Select(field => Builders<ContentDocument>.Projection.Include(field)));

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

        var where = Builders<ContentDocument>.Filter;
        var filter = (FilterDefinition<ContentDocument>)new BsonDocument("_id", new BsonDocument("$in", ids));
        if (Audiences.AllowedUpTo(maxAudience) is { } allowed)
        {
            // The parental limit in the query, the allowed list built once: an item without an
            // audience counts as general (Eq null matches a missing field too).
            var audience = where.In(c => c.AudienceId, allowed);
            filter &= allowed.Contains(Audiences.General) ? audience | where.Eq(c => c.AudienceId, null) : audience;
        }

        var found = await Items.Find(filter).Project<ContentDocument>(CardFields).ToListAsync(cancellationToken);
        return found.ToDictionary(c => c.Id, c => ContentCardMapping.From(c, language), StringComparer.Ordinal);
    }
}
