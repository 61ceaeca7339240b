using BayitPlus.Api.Infrastructure.Catalog;
using BayitPlus.Api.Infrastructure.Http;
using BayitPlus.Api.Infrastructure.Mongo;
using Mediator;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.Content;

/// <summary>A home screen in one call: the featured rail and one rail per section (the sections
/// with the most items first), each newest first. One aggregation ranks the sections while the
/// featured rail is read; then one indexed query per rail, all in parallel.</summary>
public static class GetHome
{
    public sealed record Query(string Language) : IQuery<HomeResponse>;

    public sealed class Handler(MongoContext db, ContentSettings settings) : IQueryHandler<Query, HomeResponse>
    {
        private static readonly SortDefinition<ContentDocument> Newest = new BsonDocument { { "created_at", -1 }, { "_id", -1 } };

        public async ValueTask<HomeResponse> Handle(Query query, CancellationToken cancellationToken)
        {
            var content = db.Collection<ContentDocument>(ContentDocument.CollectionName);
            var featured = Rail(content, Builders<ContentDocument>.Filter.Eq(c => c.IsFeatured, true), cancellationToken);
            var ranking = PipelineDefinition<ContentDocument, BsonDocument>.Create(
                [.. GetTaxonomy.CountsOf("section_ids"), new BsonDocument("$limit", settings.HomeSections)]);
            var sections = await (await content.AggregateAsync(ranking, cancellationToken: cancellationToken)).ToListAsync(cancellationToken);

            var rails = await Task.WhenAll(sections.Select(async section =>
            {
                var sectionId = section["_id"].AsString;
                var items = await Rail(content, Builders<ContentDocument>.Filter.AnyEq(c => c.SectionIds, sectionId), cancellationToken);
                return new HomeSectionRail(sectionId, [.. items.Select(c => ContentCardMapping.From(c, query.Language))]);
            }));
            return new HomeResponse([.. (await featured).Select(c => ContentCardMapping.From(c, query.Language))], rails);
        }

        private Task<List<ContentDocument>> Rail(IMongoCollection<ContentDocument> content, FilterDefinition<ContentDocument> filter, CancellationToken ct) =>
            content.Find(filter).Sort(Newest).Limit(settings.HomeRailSize).ToListAsync(ct);
    }

    internal static void Map(RouteGroupBuilder group) => group
        .MapGet("/home", async (HttpContext http, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(new Query(RequestLanguage.Resolve(http)), ct)))
        .WithLanguage()
        .WithName("GetContentHome")
        .WithSummary("The home screen: the featured rail and the first items of each section, newest first")
        .WithDescription(
            "featured holds the newest featured items (isFeatured), rails one entry per section, the sections with the most items first " +
            "(at most Content:HomeSections, 8 by default), each with its newest items; every rail holds at most Content:HomeRailSize items (10 by default). " +
            "Items are the same cards as in browse, without stream URLs. " + OperationNotes.Language + " " + OperationNotes.Durations + " " + OperationNotes.Cached)
        .AllowAnonymous()
        .CacheOutput(CatalogCache.Policy);
}

/// <summary>The home screen: the featured rail, then one rail per section.</summary>
public sealed record HomeResponse(IReadOnlyList<ContentResponse> Featured, IReadOnlyList<HomeSectionRail> Rails);

public sealed record HomeSectionRail(string SectionId, IReadOnlyList<ContentResponse> Items);
