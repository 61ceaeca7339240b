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
