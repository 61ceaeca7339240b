using System.Globalization;
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
    /// <summary>Entries read at a time to fill a page: items removed from the catalog or above the
    /// parental limit are left out, so a page may need more entries than its limit.</summary>
    private const int BatchSize = Paging.MaxLimit;

    /// <summary>Batches read for one page: a history with long runs of hidden items answers a
    /// shorter page, even an empty one, with a cursor past what was read, rather than reading on
    /// without bound (a kids limit over thousands of mature entries would read them all).</summary>
    private const int MaxBatches = 5;

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

            return await FillAsync(filter, query, Paging.ParseLimit(query.Limit) ?? Paging.DefaultLimit, cancellationToken);
        }

        /// <summary>Reads the history in batches until the page holds <paramref name="limit"/> shown
        /// items, the history ends or <see cref="MaxBatches"/> batches were read; the cursor is the
        /// position after the last entry looked at, so a page may be short or empty and still carry
        /// one. Only a null cursor ends the list.</summary>
        private async Task<Page<WatchedItemResponse>> FillAsync(
            FilterDefinition<WatchHistoryDocument> filter, Query query, int limit, CancellationToken cancellationToken)
        {
            var shown = new List<WatchedItemResponse>();
            var cursor = query.Cursor;
            for (var batches = 1; ; batches++)
            {
                var batch = await Recent.ReadAsync(db.WatchHistory(), filter, cursor, BatchSize.ToString(CultureInfo.InvariantCulture), cancellationToken);
                var cards = (await items.CardsAsync(query.UserId, batch.Items, query.Language, cancellationToken)).ToDictionary(c => c.Content.Id, StringComparer.Ordinal);
                foreach (var (entry, index) in batch.Items.Select((e, i) => (e, i)))
                {
                    if (cards.TryGetValue(entry.ContentId, out var card))
                    {
                        shown.Add(card);
                        if (shown.Count == limit)
                        {
                            var atEnd = index == batch.Items.Count - 1 && batch.NextCursor is null;
                            return new Page<WatchedItemResponse>(shown, atEnd ? null : Recent.CursorAfter(entry));
                        }
                    }
                }

                cursor = batch.NextCursor;
                if (cursor is null || batches >= MaxBatches)
                {
                    return new Page<WatchedItemResponse>(shown, cursor);
                }
            }
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
            "the profile's maxAudience, are left out; the list reads on past them to fill the page, at most 500 entries for one page, so after long " +
            "runs of hidden items a page may be short or even empty and still have a nextCursor. Keep following nextCursor until it is null.")
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status401Unauthorized);
}
