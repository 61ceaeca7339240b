using System.Linq.Expressions;
using System.Runtime.CompilerServices;
using BayitPlus.Api.Infrastructure.Catalog;
using BayitPlus.Api.Infrastructure.Errors;
using BayitPlus.Api.Infrastructure.Mongo;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.Content;

/// <summary>The Content slice's answer to <see cref="ICatalogSource"/>: items projected to their
/// texts and taxonomy, and a change stream over the <c>content</c> collection that yields the ids
/// of items inserted, changed or deleted (whoever wrote them, the Python services included).</summary>
public sealed class CatalogSource(MongoContext db) : ICatalogSource
{
    private static readonly ProjectionDefinition<ContentDocument> TextFields = Builders<ContentDocument>.Projection.Combine(
        new Expression<Func<ContentDocument, object?>>[]
        {
            c => c.Title, c => c.TitleEn, c => c.TitleEs, c => c.Description, c => c.DescriptionEn, c => c.DescriptionEs,
            c => c.Cast, c => c.Director, c => c.GenreIds, c => c.TopicTags, c => c.SectionIds, c => c.ContentFormat, c => c.AudienceId, c => c.Year,
        }.Select(field => Builders<ContentDocument>.Projection.Include(field)));

    private static readonly string[] ChangeKinds = ["insert", "update", "replace", "delete"];

    private IMongoCollection<ContentDocument> Items => db.Collection<ContentDocument>(ContentDocument.CollectionName);

    public async IAsyncEnumerable<CatalogItemText> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var cursor = await Items.Find(FilterDefinition<ContentDocument>.Empty)
            .Project<ContentDocument>(TextFields)
            .Sort(Builders<ContentDocument>.Sort.Ascending(c => c.Id))
            .ToCursorAsync(cancellationToken);
        while (await cursor.MoveNextAsync(cancellationToken))
        {
            foreach (var item in cursor.Current)
            {
                yield return Text(item);
            }
        }
    }

    public async Task<IReadOnlyList<CatalogItemText>> ReadAsync(IReadOnlyCollection<string> contentIds, CancellationToken cancellationToken)
    {
        var ids = new BsonArray(contentIds.Where(Ids.IsValid).Select(ObjectId.Parse).Distinct());
        if (ids.Count == 0)
        {
            return [];
        }

        var found = await Items.Find(new BsonDocument("_id", new BsonDocument("$in", ids))).Project<ContentDocument>(TextFields).ToListAsync(cancellationToken);
        return [.. found.Select(Text)];
    }

    public Task<long> CountAsync(CancellationToken cancellationToken) => Items.CountDocumentsAsync(FilterDefinition<ContentDocument>.Empty, cancellationToken: cancellationToken);

    public async Task<IAsyncEnumerable<string>> WatchChangesAsync(CancellationToken cancellationToken)
    {
        var pipeline = new EmptyPipelineDefinition<ChangeStreamDocument<ContentDocument>>()
            .Match(new BsonDocument("operationType", new BsonDocument("$in", new BsonArray(ChangeKinds))))
            .Project<ChangeStreamDocument<ContentDocument>, ChangeStreamDocument<ContentDocument>, ChangeStreamDocument<ContentDocument>>(
                new BsonDocument { ["operationType"] = 1, ["documentKey"] = 1 });
        return ChangedIds(await Items.WatchAsync(pipeline, new ChangeStreamOptions(), cancellationToken), cancellationToken);
    }

    private static async IAsyncEnumerable<string> ChangedIds(
        IChangeStreamCursor<ChangeStreamDocument<ContentDocument>> cursor, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var opened = cursor;
        while (await cursor.MoveNextAsync(cancellationToken))
        {
            foreach (var change in cursor.Current)
            {
                if (change.DocumentKey.GetValue("_id", BsonNull.Value) is { IsObjectId: true } id)
                {
                    yield return id.AsObjectId.ToString();
                }
            }
        }
    }

    private static CatalogItemText Text(ContentDocument c) => new(
        c.Id,
        new LocalizedText(c.Title, c.TitleEn, c.TitleEs),
        new LocalizedText(c.Description, c.DescriptionEn, c.DescriptionEs),
        c.Cast,
        c.Director,
        c.GenreIds,
        c.TopicTags,
        c.SectionIds,
        c.ContentFormat,
        c.AudienceId,
        c.Year);
}
