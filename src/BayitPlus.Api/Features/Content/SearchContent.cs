using System.Security.Claims;
using BayitPlus.Api.Infrastructure;
using BayitPlus.Api.Infrastructure.Catalog;
using BayitPlus.Api.Infrastructure.Http;
using BayitPlus.Api.Infrastructure.Mongo;
using BayitPlus.Api.Infrastructure.Validation;
using FluentValidation;
using FluentValidation.Results;
using Mediator;
using Microsoft.AspNetCore.Mvc;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.Content;

/// <summary>Full-text search over the catalog with the weighted text index (titles 10, descriptions
/// 5, cast and director 3, in all three languages), ranked by relevance and narrowed by the taxonomy
/// filters, paged by an opaque cursor bound to the search (<see cref="SearchCursor"/>). Every search is
/// recorded in <c>searchquery</c> once, by its first page, and its id is returned with every page so a
/// click on a result can be recorded against it.</summary>
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
        [FromQuery(Name = "limit")] string? Limit,
        [FromQuery(Name = "cursor")] string? Cursor)
    {
        public Command ToCommand(string? userId, string language) => new(
            Q, Values(Section), Values(Format), Values(Audience), Values(Genre), Values(Topic),
            Blank(YearFrom), Blank(YearTo), Blank(Limit), Blank(Cursor), userId, language);

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
        string? Cursor,
        string? UserId,
        string Language) : ICommand<SearchResultsResponse>, ITaxonomyFilterQuery;

    public sealed class Validator : TaxonomyFilterValidator<Command>
    {
        public Validator()
        {
            RuleFor(c => c.Q)
                .NotEmpty().WithMessage("q is required: give the words to search for.")
                .MaximumLength(MaxQueryLength).WithMessage($"q must be at most {MaxQueryLength} characters long.");
            RuleFor(c => c.Limit).WholeNumber(1, MaxLimit, DefaultLimit).WithMessage($"limit must be between 1 and {MaxLimit}.");
            RuleFor(c => c.Cursor).PageCursor((_, cursor) => SearchCursor.IsWellFormed(cursor));
        }
    }

    public sealed class Handler(MongoContext db, TimeProvider time) : ICommandHandler<Command, SearchResultsResponse>
    {
        public async ValueTask<SearchResultsResponse> Handle(Command command, CancellationToken cancellationToken)
        {
            var text = command.Q!.Trim();
            var content = db.Collection<ContentDocument>(ContentDocument.CollectionName);
            var filter = Filter(command, text);
            var digest = SearchCursor.Digest(filter.Render(new RenderArgs<ContentDocument>(content.DocumentSerializer, content.Settings.SerializerRegistry)));
            var position = string.IsNullOrEmpty(command.Cursor) ? null
                : SearchCursor.Decode(command.Cursor, digest) ?? throw new ValidationException([new ValidationFailure("cursor", SearchCursor.Message)]);
            var offset = position?.Offset ?? 0;
            var size = Math.Min(DescriptiveRules.ParseWholeNumber(command.Limit) ?? DefaultLimit, SearchCursor.MaxResults - offset);

            var started = time.GetTimestamp();
            var found = await content
                .Find(filter)
                .Sort(Builders<ContentDocument>.Sort.Combine(
                    Builders<ContentDocument>.Sort.MetaTextScore("score"),
                    Builders<ContentDocument>.Sort.Descending(c => c.Id)))
                .Skip(offset)
                .Limit(size + 1)
                .ToListAsync(cancellationToken);
            var elapsed = time.GetElapsedTime(started);
            var items = found.Take(size).ToList();

            var searchId = position?.SearchId ?? await RecordAsync(command, text, items.Count, elapsed, cancellationToken);
            var next = found.Count > size && offset + size < SearchCursor.MaxResults ? new SearchCursor(searchId, offset + size).Encode(digest) : null;
            return new SearchResultsResponse([.. items.Select(c => ContentCardMapping.From(c, command.Language))], next, searchId);
        }

        /// <summary>Records a search, by its first page, and returns its id.</summary>
        private async Task<string> RecordAsync(Command command, string text, int results, TimeSpan elapsed, CancellationToken cancellationToken)
        {
            var record = new SearchQueryDocument
            {
                UserId = command.UserId,
                QueryText = text,
                SearchType = SearchType,
                ResultsCount = results,
                ResponseTimeMs = (int)Math.Round(elapsed.TotalMilliseconds, MidpointRounding.AwayFromZero),
                CreatedAt = time.GetUtcNow().UtcDateTime,
            };
            await db.Collection<SearchQueryDocument>(SearchQueryDocument.CollectionName).InsertOneAsync(record, cancellationToken: cancellationToken);
            return record.Id;
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
        .WithDescription(
            "q (required, at most 200 characters) is matched against titles (weight 10), descriptions (5), cast and director (3) in Hebrew, English and Spanish; " +
            "section, format, audience, genre and topic narrow the results as in browse (repeated values of one parameter: any of them; different parameters: all), " +
            "and yearFrom/yearTo bound the year. Pages of limit results (1 to 50, default 20), most relevant first: pass nextCursor as cursor, with the same q " +
            "and filters, for the next page; nextCursor is null on the last page, and at most the 1,000 best matches can be paged through. " +
            "Each search is recorded once (its first page) for analytics, with the caller's user id when a valid bearer token comes along (an invalid one searches " +
            "anonymously); searchId, the same on every page, is what POST /api/search/{searchId}/click takes. Never cached. " +
            OperationNotes.Language + " " + OperationNotes.Durations + " 400 names each invalid parameter, a cursor of another search included.")
        .AllowAnonymous()
        .ProducesValidationProblem();
}

/// <summary>A page of matches, most relevant first; <c>nextCursor</c> is null on the last page, and
/// <c>searchId</c>, the id a click on a result is recorded against, is the same on every page.</summary>
public sealed record SearchResultsResponse(IReadOnlyList<ContentResponse> Items, string? NextCursor, string SearchId);
