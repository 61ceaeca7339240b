using System.Security.Claims;
using BayitPlus.Api.Infrastructure.Audit;
using BayitPlus.Api.Infrastructure.Auth;
using BayitPlus.Api.Infrastructure.Mongo;
using Mediator;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.Users;

/// <summary>Deletes the signed-in user's account: it is deactivated at once (every session signed
/// out) and <see cref="AnonymizationJob"/> anonymizes it after <c>Users:AnonymizeAfter</c>.</summary>
public static class DeleteCurrentUser
{
    public sealed record Command(string UserId) : ICommand, IAuditedCommand
    {
        AuditTarget IAuditedCommand.Audit => new("user.deleted", "user", UserDocument.CollectionName, UserId);
    }

    public sealed class Handler(MongoContext db, RefreshTokens refreshTokens, UsersSettings settings, TimeProvider time) : ICommandHandler<Command>
    {
        public async ValueTask<Unit> Handle(Command command, CancellationToken cancellationToken)
        {
            var now = time.GetUtcNow().UtcDateTime;
            var deactivated = await db.Users().UpdateOneAsync(
                Accounts.ActiveFilter(command.UserId),
                Builders<UserDocument>.Update
                    .Set(u => u.IsActive, false)
                    .Set(u => u.DeletedAt, now)
                    .Set(u => u.AnonymizeAfter, now + settings.AnonymizeAfter)
                    .Set(u => u.UpdatedAt, now),
                cancellationToken: cancellationToken);
            if (deactivated.ModifiedCount == 0)
            {
                throw Accounts.Inactive();
            }

            await refreshTokens.RevokeAllAsync(command.UserId, cancellationToken);
            return Unit.Value;
        }
    }

    internal static void Map(RouteGroupBuilder group) => group
        .MapDelete("/me", async (ClaimsPrincipal user, ISender sender, CancellationToken ct) =>
        {
            await sender.Send(new Command(user.Id()), ct);
            return TypedResults.NoContent();
        })
        .WithName("DeleteCurrentUser")
        .WithSummary("Delete the signed-in user's account (deactivated now, anonymized after 30 days)")
        .ProducesProblem(StatusCodes.Status401Unauthorized);
}
