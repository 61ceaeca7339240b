using System.Security.Claims;
using BayitPlus.Api.Infrastructure.Http;
using BayitPlus.Api.Infrastructure.Mongo;
using BayitPlus.Api.Infrastructure.Validation;
using FluentValidation;
using Mediator;
using Microsoft.AspNetCore.Mvc;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.Content;

/// <summary>Full-text search over the catalog with the weighted text index (titles 10, descriptions
/// 5, cast and director 3, in all three languages), ranked by relevance and narrowed by the taxonomy
/// filters. Every search is recorded in <c>searchquery</c>, and its id is returned so a click on a
/// result can be recorded against it.</summary>
public static class SearchContent
{
    public const int MaxQueryLength = 200;
    public const int DefaultLimit = 20;
    public const int MaxLimit = 50;
    public const string SearchType = "traditional";

    /// <summary>The query string, taken as text (as browse's) so that a malformed value is a 400
    /// naming its parameter rather than a binding failure. Empty values count as absent.</summary>
    public sealed record Parameters(
        [FromQuery(Name = "q")] string? Q,
        [FromQuery(Name = "section")] string[]? Section,
        [FromQuery(Name = "format")] string[]? Format,
        [FromQuery(Name = "audience")] string[]? Audience,
        [FromQuery(Name = "genre")] string[]? Genre,
        [FromQuery(Name = "topic")] string[]? Topic,
        [FromQuery(Name = "yearFrom")] string? YearFrom,
        [FromQuery(Name = "yearTo")] string? YearTo,
        [FromQuery(Name = "limit")] string? Limit)
    {
        public Command ToCommand(string? userId, string language) => new(
            Q, Values(Section), Values(Format), Values(Audience), Values(Genre), Values(Topic),
            Blank(YearFrom), Blank(YearTo), Blank(Limit), userId, language);

        private static string[] Values(string[]? values) => values?.Where(v => !string.IsNullOrWhiteSpace(v)).ToArray() ?? [];

        private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
    }

    /// <summary>A search. Within one axis repeated values are any-of; across axes all must hold,
    /// as in browse. <paramref name="UserId"/> is null for anonymous searches.</summary>
    public sealed record Command(
        string? Q,
        IReadOnlyList<string> Section,
        IReadOnlyList<string> Format,
        IReadOnlyList<string> Audience,
        IReadOnlyList<string> Genre,
        IReadOnlyList<string> Topic,
        string? YearFrom,
        string? YearTo,
        string? Limit,
        string? UserId,
        string Language) : ICommand<SearchResultsResponse>;

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            RuleFor(c => c.Q)
                .NotEmpty().WithMessage("q is required: give the words to search for.")
                .MaximumLength(MaxQueryLength).WithMessage($"q must be at most {MaxQueryLength} characters long.");
            RuleFor(c => c.Limit).WholeNumber(1, MaxLimit, DefaultLimit).WithMessage($"limit must be between 1 and {MaxLimit}.");
            Choices(c => c.Format, "format", Taxonomy.Formats);
            Choices(c => c.Audience, "audience", Taxonomy.Audiences);
            Slugs(c => c.Section, "section");
            Slugs(c => c.Genre, "genre");
            Slugs(c => c.Topic, "topic");
            RuleFor(c => c.YearFrom).WholeNumber(BrowseContent.MinYear, BrowseContent.MaxYear)
                .WithMessage($"yearFrom must be a year between {BrowseContent.MinYear} and {BrowseContent.MaxYear}.");
            RuleFor(c => c.YearTo).WholeNumber(BrowseContent.MinYear, BrowseContent.MaxYear)
                .WithMessage($"yearTo must be a year between {BrowseContent.MinYear} and {BrowseContent.MaxYear}.");
            RuleFor(c => c.YearTo).Must((c, to) => Year(to) >= Year(c.YearFrom))
                .When(c => Year(c.YearFrom) is not null && Year(c.YearTo) is not null)
                .WithMessage("yearTo must not be before yearFrom.");
        }

        private void Slugs(System.Linq.Expressions.Expression<Func<Command, IReadOnlyList<string>>> axis, string name)
        {
            RuleFor(axis).EachMatches(Taxonomy.SlugPattern, BrowseContent.MaxSlugLength)
                .WithMessage($"{name} values must be lowercase slugs (letters, digits and dashes).");
            RuleFor(axis).MaxItems(BrowseContent.MaxValuesPerAxis)
                .WithMessage($"At most {BrowseContent.MaxValuesPerAxis} {name} values can be combined.");
        }

        private void Choices(System.Linq.Expressions.Expression<Func<Command, IReadOnlyList<string>>> axis, string name, IEnumerable<string> allowed)
        {
            RuleFor(axis).EachOneOf(allowed).WithMessage($"{name} must be one of: {string.Join(", ", allowed)}.");
            RuleFor(axis).MaxItems(BrowseContent.MaxValuesPerAxis)
                .WithMessage($"At most {BrowseContent.MaxValuesPerAxis} {name} values can be combined.");
        }

        /// <summary>A year within range, or null: the range rules report the rest.</summary>
        private static int? Year(string? value) =>
            DescriptiveRules.ParseWholeNumber(value) is { } year && year >= BrowseContent.MinYear && year <= BrowseContent.MaxYear ? year : null;
    }

    public sealed class Handler(MongoContext db, TimeProvider time) : ICommandHandler<Command, SearchResultsResponse>
    {
        public async ValueTask<SearchResultsResponse> Handle(Command command, CancellationToken cancellationToken)
        {
            var text = command.Q!.Trim();
            var started = time.GetTimestamp();
            var found = await db.Collection<ContentDocument>(ContentDocument.CollectionName)
                .Find(Filter(command, text))
                .Sort(Builders<ContentDocument>.Sort.Combine(
                    Builders<ContentDocument>.Sort.MetaTextScore("score"),
                    Builders<ContentDocument>.Sort.Descending(c => c.Id)))
                .Limit(DescriptiveRules.ParseWholeNumber(command.Limit) ?? DefaultLimit)
                .ToListAsync(cancellationToken);
            var elapsed = time.GetElapsedTime(started);

            var record = new SearchQueryDocument
            {
                UserId = command.UserId,
                QueryText = text,
                SearchType = SearchType,
                ResultsCount = found.Count,
                ResponseTimeMs = (int)Math.Round(elapsed.TotalMilliseconds, MidpointRounding.AwayFromZero),
                CreatedAt = time.GetUtcNow().UtcDateTime,
            };
            await db.Collection<SearchQueryDocument>(SearchQueryDocument.CollectionName).InsertOneAsync(record, cancellationToken: cancellationToken);

            return new SearchResultsResponse([.. found.Select(content => ContentResponse.From(content, command.Language))], record.Id);
        }

        private static FilterDefinition<ContentDocument> Filter(Command command, string text)
        {
            var filter = Builders<ContentDocument>.Filter;
            var clauses = new TaxonomyFilter(
                command.Section, command.Format, command.Audience, command.Genre, command.Topic,
                DescriptiveRules.ParseWholeNumber(command.YearFrom), DescriptiveRules.ParseWholeNumber(command.YearTo)).Clauses();
            clauses.Insert(0, filter.Text(text));
            return filter.And(clauses);
        }
    }

    internal static void Map(RouteGroupBuilder group) => group
        .MapGet("/", async ([AsParameters] Parameters parameters, ClaimsPrincipal user, HttpContext http, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(parameters.ToCommand(SearchModule.SignedInUserId(user), RequestLanguage.Resolve(http)), ct)))
        .WithQueryRules<Command>()
        .WithLanguage()
        .WithName("SearchContent")
        .WithSummary("Search the catalog by text, ranked by relevance, with optional taxonomy filters; the search is recorded")
        .AllowAnonymous()
        .ProducesValidationProblem();
}

/// <summary>The best matches, most relevant first, and the id a click on one is recorded against.</summary>
public sealed record SearchResultsResponse(IReadOnlyList<ContentResponse> Items, string SearchId);
