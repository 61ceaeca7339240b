using BayitPlus.Api.Infrastructure.Mongo;
using Mediator;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.Content;

/// <summary>The five taxonomy axes with the values in use and how many items carry each, counted
/// live in one aggregation. Formats and audiences list every allowed value, with 0 when unused.</summary>
public static class GetTaxonomy
{
    public sealed record Query : IQuery<TaxonomyResponse>;

    public sealed class Handler(MongoContext db) : IQueryHandler<Query, TaxonomyResponse>
    {
        public async ValueTask<TaxonomyResponse> Handle(Query query, CancellationToken cancellationToken)
        {
            var facets = new BsonDocument
            {
                { "sections", new BsonArray(CountsOf("section_ids")) },
                { "formats", new BsonArray(ClosedCountsOf("content_format", Taxonomy.Formats)) },
                { "audiences", new BsonArray(ClosedCountsOf("audience_id", Taxonomy.Audiences)) },
                { "genres", new BsonArray(CountsOf("genre_ids")) },
                { "topics", new BsonArray(CountsOf("topic_tags")) },
            };
            var pipeline = PipelineDefinition<BsonDocument, BsonDocument>.Create([new BsonDocument("$facet", facets)]);
            var result = await (await db.Collection<BsonDocument>(ContentDocument.CollectionName)
                .AggregateAsync(pipeline, cancellationToken: cancellationToken)).SingleAsync(cancellationToken);
            return new TaxonomyResponse(
                Read(result["sections"]),
                WithEveryValue(Read(result["formats"]), Taxonomy.Formats),
                WithEveryValue(Read(result["audiences"]), Taxonomy.Audiences),
                Read(result["genres"]),
                Read(result["topics"]));
        }

        private static List<TaxonomyAxisValue> Read(BsonValue facet) =>
            [.. facet.AsBsonArray.Select(v => new TaxonomyAxisValue(v["_id"].AsString, v["count"].ToInt64()))];

        private static List<TaxonomyAxisValue> WithEveryValue(List<TaxonomyAxisValue> counted, IReadOnlyList<string> allowed) =>
            [.. allowed.Select(value => counted.FirstOrDefault(c => c.Id == value) ?? new TaxonomyAxisValue(value, 0)).OrderBy(c => c, Order)];
    }

    /// <summary>Most items first, then by id, as the database sorts strings.</summary>
    private static readonly Comparer<TaxonomyAxisValue> Order = Comparer<TaxonomyAxisValue>.Create((a, b) =>
        b.Count.CompareTo(a.Count) is var byCount and not 0 ? byCount : string.CompareOrdinal(a.Id, b.Id));

    /// <summary>Counts of the string values of a field (one value or an array of them), most items first.</summary>
    internal static BsonDocument[] CountsOf(string field) =>
    [
        new("$unwind", "$" + field),
        new("$match", new BsonDocument(field, new BsonDocument("$type", "string"))),
        new("$group", new BsonDocument { { "_id", "$" + field }, { "count", new BsonDocument("$sum", 1) } }),
        new("$sort", new BsonDocument { { "count", -1 }, { "_id", 1 } }),
    ];

    /// <summary>Counts of a closed axis; values outside the allowed set (written by other services) are left out.</summary>
    private static BsonDocument[] ClosedCountsOf(string field, IReadOnlyList<string> allowed) =>
    [
        new("$match", new BsonDocument(field, new BsonDocument("$in", new BsonArray(allowed)))),
        new("$group", new BsonDocument { { "_id", "$" + field }, { "count", new BsonDocument("$sum", 1) } }),
    ];

    internal static void Map(RouteGroupBuilder group) => group
        .MapGet("/", async (ISender sender, CancellationToken ct) => TypedResults.Ok(await sender.Send(new Query(), ct)))
        .WithName("GetTaxonomy")
        .WithSummary("The five taxonomy axes (sections, formats, audiences, genres, topics) with live item counts")
        .WithDescription(
            "Each axis lists its values (ids, e.g. drama, not localized names) with how many items carry them, most items first, then by id. " +
            "Sections, genres and topics list only values in use; formats and audiences list every allowed value, with 0 when unused, " +
            "and are the only values the browse and search filters format and audience accept. Counted live from the catalog. " + OperationNotes.Cached)
        .AllowAnonymous()
        .CacheOutput(CatalogCache.Policy);
}

/// <summary>The taxonomy axes, each value with how many items carry it.</summary>
public sealed record TaxonomyResponse(
    IReadOnlyList<TaxonomyAxisValue> Sections,
    IReadOnlyList<TaxonomyAxisValue> Formats,
    IReadOnlyList<TaxonomyAxisValue> Audiences,
    IReadOnlyList<TaxonomyAxisValue> Genres,
    IReadOnlyList<TaxonomyAxisValue> Topics);

public sealed record TaxonomyAxisValue(string Id, long Count);
