using System.Security.Claims;
using BayitPlus.Api.Infrastructure.Auth;
using BayitPlus.Api.Infrastructure.Mongo;
using Mediator;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.Activity;

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
