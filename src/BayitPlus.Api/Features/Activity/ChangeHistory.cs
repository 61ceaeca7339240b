using System.ComponentModel;
using System.Security.Claims;
using BayitPlus.Api.Infrastructure.Auth;
using BayitPlus.Api.Infrastructure.Errors;
using BayitPlus.Api.Infrastructure.Mongo;
using Mediator;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.Activity;

/// <summary>Removes one item from the signed-in user's history; 404 when it is not there (another
/// user's entries are never reachable: the filter is the caller's own id).</summary>
public static class RemoveFromHistory
{
    public sealed record Command(string UserId, string ContentId) : ICommand<Unit>;

    public sealed class Handler(MongoContext db) : ICommandHandler<Command, Unit>
    {
        public async ValueTask<Unit> Handle(Command command, CancellationToken cancellationToken)
        {
            var contentId = Ids.Parse(command.ContentId, "History entry").ToString();
            var deleted = await db.WatchHistory().DeleteOneAsync(h => h.UserId == command.UserId && h.ContentId == contentId, cancellationToken);
            return deleted.DeletedCount == 1 ? Unit.Value : throw new NotFoundException("History entry");
        }
    }

    internal static void Map(RouteGroupBuilder group) => group
        .MapDelete("/me/history/{contentId}", async ([Description("The catalog item's id.")] string contentId, ClaimsPrincipal user, ISender sender, CancellationToken ct) =>
        {
            await sender.Send(new Command(user.Id(), contentId), ct);
            return TypedResults.NoContent();
        })
        .WithName("RemoveFromWatchHistory")
        .WithSummary("Remove one item from the signed-in user's watch history")
        .WithDescription("Its progress and watched time go with it. 404 when the item is not in the user's history.")
        .ProducesProblem(StatusCodes.Status401Unauthorized)
        .ProducesProblem(StatusCodes.Status404NotFound);
}

/// <summary>Clears the signed-in user's whole history.</summary>
public static class ClearHistory
{
    public sealed record Command(string UserId) : ICommand<Unit>;

    public sealed class Handler(MongoContext db) : ICommandHandler<Command, Unit>
    {
        public async ValueTask<Unit> Handle(Command command, CancellationToken cancellationToken)
        {
            await db.WatchHistory().DeleteManyAsync(h => h.UserId == command.UserId, cancellationToken);
            return Unit.Value;
        }
    }

    internal static void Map(RouteGroupBuilder group) => group
        .MapDelete("/me/history", async (ClaimsPrincipal user, ISender sender, CancellationToken ct) =>
        {
            await sender.Send(new Command(user.Id()), ct);
            return TypedResults.NoContent();
        })
        .WithName("ClearWatchHistory")
        .WithSummary("Clear the signed-in user's whole watch history")
        .WithDescription("Deletes every entry (an empty history answers 204 too).")
        .ProducesProblem(StatusCodes.Status401Unauthorized);
}

/// <summary>Sets an item of the history back to the start (progress 0, not finished), for watching
/// it again: reports behind the stored position never move it back on their own.</summary>
public static class RestartItem
{
    public sealed record Command(string UserId, string ContentId) : ICommand<WatchProgressResponse>;

    public sealed class Handler(MongoContext db, ActivitySettings settings, TimeProvider time) : ICommandHandler<Command, WatchProgressResponse>
    {
        public async ValueTask<WatchProgressResponse> Handle(Command command, CancellationToken cancellationToken)
        {
            var contentId = Ids.Parse(command.ContentId, "History entry").ToString();
            var restarted = await db.WatchHistory().FindOneAndUpdateAsync(
                h => h.UserId == command.UserId && h.ContentId == contentId,
                Builders<WatchHistoryDocument>.Update
                    .Set(h => h.PositionSeconds, 0)
                    .Set(h => h.Progress, 0)
                    .Set(h => h.WatchedAt, time.GetUtcNow().UtcDateTime),
                new FindOneAndUpdateOptions<WatchHistoryDocument> { ReturnDocument = ReturnDocument.After },
                cancellationToken);
            return restarted is null ? throw new NotFoundException("History entry") : WatchProgressResponse.From(restarted, settings);
        }
    }

    internal static void Map(RouteGroupBuilder group) => group
        .MapPost("/me/history/{contentId}/restart", async ([Description("The catalog item's id.")] string contentId, ClaimsPrincipal user, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(new Command(user.Id(), contentId), ct)))
        .WithName("RestartWatchHistoryItem")
        .WithSummary("Start an item of the signed-in user's history again from the beginning")
        .WithDescription("Position and progress go back to 0 and the item is no longer finished (it leaves continue watching until " +
            "progress passes Activity:MinProgress again); the time already watched is kept. 404 when the item is not in the user's history.")
        .ProducesProblem(StatusCodes.Status401Unauthorized)
        .ProducesProblem(StatusCodes.Status404NotFound);
}
