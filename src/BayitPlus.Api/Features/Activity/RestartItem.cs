using System.ComponentModel;
using System.Security.Claims;
using BayitPlus.Api.Infrastructure.Auth;
using BayitPlus.Api.Infrastructure.Errors;
using BayitPlus.Api.Infrastructure.Mongo;
using Mediator;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.Activity;

/// <summary>Sets an item of the history back to the start (progress 0, not finished), for watching
/// it again: reports behind the stored position never move it back on their own. The restart time
/// is kept, so a report sent before it and arriving after it does not undo it.</summary>
public static class RestartItem
{
    public sealed record Command(string UserId, string ContentId) : ICommand<WatchProgressResponse>;

    public sealed class Handler(MongoContext db, ActivitySettings settings, TimeProvider time) : ICommandHandler<Command, WatchProgressResponse>
    {
        public async ValueTask<WatchProgressResponse> Handle(Command command, CancellationToken cancellationToken)
        {
            var contentId = Ids.Parse(command.ContentId, "History entry").ToString();
            var now = time.GetUtcNow().UtcDateTime;
            var restarted = await db.WatchHistory().FindOneAndUpdateAsync(
                h => h.UserId == command.UserId && h.ContentId == contentId,
                Builders<WatchHistoryDocument>.Update
                    .Set(h => h.PositionSeconds, 0)
                    .Set(h => h.Progress, 0)
                    .Set(h => h.WatchedAt, now)
                    .Set(h => h.RestartedAt, now),
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
