using BayitPlus.Api.Infrastructure;
using BayitPlus.Api.Infrastructure.Catalog;
using BayitPlus.Api.Infrastructure.Http;
using BayitPlus.Api.Infrastructure.Mongo;
using BayitPlus.Api.Infrastructure.Validation;
using FluentValidation;
using Mediator;
using Microsoft.AspNetCore.Mvc;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.Content;

/// <summary>Browse the VOD catalog by any combination of the five taxonomy axes, year range and
/// featured flag. Repeating a parameter of one axis matches items having ANY of the values
/// (<c>genre=drama&amp;genre=comedy</c>: dramas and comedies); different parameters must ALL match
/// (<c>genre=drama&amp;audience=kids</c>: dramas for kids). Sorted newest first by default; pages are
/// keyset cursors on the sort key and <c>_id</c>.</summary>
public static class BrowseContent
{
    public const int MaxValuesPerAxis = CatalogTaxonomy.MaxValuesPerAxis;
    public const int MaxSlugLength = CatalogTaxonomy.MaxSlugLength;
    public const int MinYear = CatalogTaxonomy.MinYear;
    public const int MaxYear = CatalogTaxonomy.MaxYear;

    /// <summary>The query string, taken as text so that a malformed value is a 400 naming its
    /// parameter rather than a binding failure. Empty values count as absent.</summary>
    public sealed record Parameters(
        [FromQuery(Name = "section")] string[]? Section,
        [FromQuery(Name = "format")] string[]? Format,
        [FromQuery(Name = "audience")] string[]? Audience,
        [FromQuery(Name = "genre")] string[]? Genre,
        [FromQuery(Name = "topic")] string[]? Topic,
        [FromQuery(Name = "yearFrom")] string? YearFrom,
        [FromQuery(Name = "yearTo")] string? YearTo,
        [FromQuery(Name = "featured")] string? Featured,
        [FromQuery(Name = "sort")] string? Sort,
        [FromQuery(Name = "cursor")] string? Cursor,
        [FromQuery(Name = "limit")] string? Limit)
    {
        public Query ToQuery(string language) => new(
            Values(Section), Values(Format), Values(Audience), Values(Genre), Values(Topic),
            Blank(YearFrom), Blank(YearTo), Blank(Featured), Blank(Sort), Blank(Cursor), Blank(Limit), language);

        private static string[] Values(string[]? values) => values?.Where(v => !string.IsNullOrWhiteSpace(v)).ToArray() ?? [];

        private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
    }

    public sealed record Query(
        IReadOnlyList<string> Section,
        IReadOnlyList<string> Format,
        IReadOnlyList<string> Audience,
        IReadOnlyList<string> Genre,
        IReadOnlyList<string> Topic,
        string? YearFrom,
        string? YearTo,
        string? Featured,
        string? Sort,
        string? Cursor,
        string? Limit,
        string Language) : IQuery<Page<ContentResponse>>;

    public sealed class Validator : AbstractValidator<Query>
    {
        public Validator()
        {
            Slugs(q => q.Section, "section");
            Slugs(q => q.Genre, "genre");
            Slugs(q => q.Topic, "topic");
            Choices(q => q.Format, "format", Taxonomy.Formats);
            Choices(q => q.Audience, "audience", Taxonomy.Audiences);
            RuleFor(q => q.YearFrom).WholeNumber(MinYear, MaxYear).WithMessage($"yearFrom must be a year between {MinYear} and {MaxYear}.");
            RuleFor(q => q.YearTo).WholeNumber(MinYear, MaxYear).WithMessage($"yearTo must be a year between {MinYear} and {MaxYear}.");
            RuleFor(q => q.YearFrom).Must((q, from) => ParseInt(from) <= ParseInt(q.YearTo))
                .When(q => BeYear(q.YearFrom) && BeYear(q.YearTo))
                .WithMessage("yearFrom must not be after yearTo.");
            RuleFor(q => q.Featured).Boolean().WithMessage("featured must be true or false.");
            RuleFor(q => q.Sort).OneOf(BrowseSort.All.Select(s => s.Name))
                .WithMessage($"sort must be one of: {string.Join(", ", BrowseSort.All.Select(s => s.Name))}.");
            RuleFor(q => q.Limit).PageLimit();
            RuleFor(q => q.Cursor).PageCursor((q, cursor) => (BrowseSort.Find(q.Sort) ?? BrowseSort.Newest).Keyset.Accepts(cursor))
                .When(q => q.Sort is null || BrowseSort.Find(q.Sort) is not null);
        }

        private void Slugs(System.Linq.Expressions.Expression<Func<Query, IReadOnlyList<string>>> axis, string name)
        {
            RuleFor(axis).EachMatches(Taxonomy.SlugPattern, MaxSlugLength)
                .WithMessage($"{name} values must be lowercase slugs such as 'drama' or 'jewish-history'.");
            RuleFor(axis).MaxItems(MaxValuesPerAxis).WithMessage($"At most {MaxValuesPerAxis} {name} values can be combined.");
        }

        private void Choices(System.Linq.Expressions.Expression<Func<Query, IReadOnlyList<string>>> axis, string name, IEnumerable<string> allowed)
        {
            RuleFor(axis).EachOneOf(allowed).WithMessage($"{name} must be one of: {string.Join(", ", allowed)}.");
            RuleFor(axis).MaxItems(MaxValuesPerAxis).WithMessage($"At most {MaxValuesPerAxis} {name} values can be combined.");
        }

        private static bool BeYear(string? value) => ParseInt(value) is >= MinYear and <= MaxYear;
    }

    public sealed class Handler(MongoContext db) : IQueryHandler<Query, Page<ContentResponse>>
    {
        public async ValueTask<Page<ContentResponse>> Handle(Query query, CancellationToken cancellationToken)
        {
            var sort = BrowseSort.Find(query.Sort) ?? BrowseSort.Newest;
            var page = await sort.Keyset.ReadAsync(
                db.Collection<ContentDocument>(ContentDocument.CollectionName), Filter(query), query.Cursor, query.Limit, cancellationToken);
            return page.Select(c => ContentCardMapping.From(c, query.Language));
        }
    }

    /// <summary>The taxonomy and featured filter of a browse query.</summary>
    internal static FilterDefinition<ContentDocument> Filter(Query query)
    {
        var where = Builders<ContentDocument>.Filter;
        var filters = new TaxonomyFilter(query.Section, query.Format, query.Audience, query.Genre, query.Topic, ParseInt(query.YearFrom), ParseInt(query.YearTo)).Clauses();
        if (query.Featured is not null)
        {
            // Items written without the flag (by other services) count as not featured.
            filters.Add(bool.Parse(query.Featured) ? where.Eq(c => c.IsFeatured, true) : where.Ne(c => c.IsFeatured, true));
        }

        return filters.Count == 0 ? where.Empty : where.And(filters);
    }

    private static int? ParseInt(string? value) => DescriptiveRules.ParseWholeNumber(value);

    internal static void Map(RouteGroupBuilder group) => group
        .MapGet("/", async ([AsParameters] Parameters parameters, HttpContext http, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(parameters.ToQuery(RequestLanguage.Resolve(http)), ct)))
        .WithQueryRules<Query>()
        .WithLanguage()
        .WithName("BrowseContent")
        .WithSummary("Browse the catalog by section, format, audience, genre, topic, year and featured; sorted and paged")
        .WithDescription("Repeated values of one parameter match any of them; different parameters must all match. " +
            "sort: newest (default), popular, year, rating. Titles and descriptions in the language of lang or Accept-Language (Content-Language says which).")
        .AllowAnonymous()
        .CacheOutput(CatalogCache.Policy)
        .ProducesValidationProblem();

    /// <summary>A browse order: newest, most viewed, latest year or best rated first.</summary>
    private sealed record BrowseSort(string Name, Keyset<ContentDocument> Keyset)
    {
        public static readonly BrowseSort Newest = new("newest", new("content-newest", "created_at", BsonType.DateTime, c => c.CreatedAt, c => c.Id));

        public static readonly IReadOnlyList<BrowseSort> All =
        [
            Newest,
            new("popular", new("content-popular", "view_count", BsonType.Int64, c => c.ViewCount, c => c.Id)),
            new("year", new("content-year", "year", BsonType.Int32, c => c.Year, c => c.Id, keyMayBeNull: true)),
            new("rating", new("content-rating", "rating", BsonType.Double, c => c.Rating, c => c.Id, keyMayBeNull: true)),
        ];

        public static BrowseSort? Find(string? name) => All.FirstOrDefault(s => s.Name == name);
    }
}
