using System.Security.Claims;
using BayitPlus.Api.Infrastructure;
using BayitPlus.Api.Infrastructure.Auth;
using BayitPlus.Api.Infrastructure.Http;
using BayitPlus.Api.Infrastructure.Mongo;
using BayitPlus.Api.Infrastructure.Validation;
using FluentValidation;
using Mediator;
using Microsoft.AspNetCore.Mvc;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.Activity;

/// <summary>The signed-in user's watch history, most recently watched first, in keyset pages
/// (<c>watched_at</c> desc, then <c>_id</c> desc, on the spec's user_id+watched_at index).</summary>
public static class ListHistory
{
    private static readonly Keyset<WatchHistoryDocument> Recent = new("watch-history", "watched_at", BsonType.DateTime, h => h.WatchedAt, h => h.Id);

    public sealed record Parameters(
        [FromQuery(Name = "finished")] string? Finished,
        [FromQuery(Name = "cursor")] string? Cursor,
        [FromQuery(Name = "limit")] string? Limit);

    public sealed record Query(string UserId, string? Finished, string? Cursor, string? Limit, string Language) : IQuery<Page<WatchedItemResponse>>;

    public sealed class Validator : AbstractValidator<Query>
    {
        public Validator()
        {
            RuleFor(q => q.Finished).Boolean().WithMessage("finished must be true or false.");
            RuleFor(q => q.Limit).PageLimit();
            RuleFor(q => q.Cursor).PageCursor(Recent);
        }
    }

    public sealed class Handler(MongoContext db, WatchedItems items, ActivitySettings settings) : IQueryHandler<Query, Page<WatchedItemResponse>>
    {
        public async ValueTask<Page<WatchedItemResponse>> Handle(Query query, CancellationToken cancellationToken)
        {
            var where = Builders<WatchHistoryDocument>.Filter;
            var filter = where.Eq(h => h.UserId, query.UserId);
            if (!string.IsNullOrEmpty(query.Finished))
            {
                // By the spec's progress, not this API's stored flag: entries the Python system writes have
                // no flag, and a changed Activity:FinishedAt applies to every entry at once.
                var finished = where.Gte(h => h.Progress, settings.FinishedAt);
                filter &= bool.Parse(query.Finished) ? finished : where.Not(finished);
            }

            var page = await Recent.ReadAsync(db.WatchHistory(), filter, query.Cursor, query.Limit, cancellationToken);
            return new Page<WatchedItemResponse>(await items.CardsAsync(query.UserId, page.Items, query.Language, cancellationToken), page.NextCursor);
        }
    }

    internal static void Map(RouteGroupBuilder group) => group
        .MapGet("/me/history", async ([AsParameters] Parameters parameters, ClaimsPrincipal user, HttpContext http, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(new Query(user.Id(), parameters.Finished, parameters.Cursor, parameters.Limit, RequestLanguage.Resolve(http)), ct)))
        .WithQueryRules<Query>()
        .WithLanguage()
        .WithName("ListWatchHistory")
        .WithSummary("The signed-in user's watch history, most recently watched first")
        .WithDescription("Every item the user reported progress on, as the catalog's card in the language of lang or Accept-Language with " +
            "the user's progress; finished=true or false keeps only finished or unfinished items. Items removed from the catalog, and items above " +
            "the profile's maxAudience, are left out, so a page can hold fewer than limit items; keep following nextCursor until it is null.")
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status401Unauthorized);
}
