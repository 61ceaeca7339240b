using System.Security.Claims;
using BayitPlus.Api.Infrastructure.Audit;
using BayitPlus.Api.Infrastructure.Auth;
using BayitPlus.Api.Infrastructure.Errors;
using BayitPlus.Api.Infrastructure.Mongo;
using Mediator;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.Users;

/// <summary>Deletes the signed-in user's account: it is deactivated at once (every session signed
/// out) and <see cref="AnonymizationJob"/> anonymizes it after <c>Users:AnonymizeAfter</c>. The last
/// active admin cannot leave (409): nobody could administer the system afterwards.</summary>
public static class DeleteCurrentUser
{
    public sealed record Command(string UserId) : ICommand, IAuditedCommand
    {
        AuditTarget IAuditedCommand.Audit => new("user.deleted", "user", UserDocument.CollectionName, UserId);
    }

    public sealed class Handler(MongoContext db, RefreshTokens refreshTokens, AccountStatusLookup accounts, UsersSettings settings, TimeProvider time) : ICommandHandler<Command>
    {
        public async ValueTask<Unit> Handle(Command command, CancellationToken cancellationToken)
        {
            var now = time.GetUtcNow().UtcDateTime;
            var before = await db.Users().FindOneAndUpdateAsync(
                Accounts.ActiveFilter(command.UserId),
                Builders<UserDocument>.Update
                    .Set(u => u.IsActive, false)
                    .Set(u => u.DeletedAt, now)
                    .Set(u => u.AnonymizeAfter, now + settings.AnonymizeAfter)
                    .Set(u => u.UpdatedAt, now),
                new FindOneAndUpdateOptions<UserDocument> { ReturnDocument = ReturnDocument.Before },
                cancellationToken) ?? throw Accounts.Inactive();
            accounts.Forget(before.Id);
            if (before.Role == Roles.Admin)
            {
                await KeepAnAdminAsync(before);
            }

            await refreshTokens.RevokeAllAsync(command.UserId, cancellationToken);
            return Unit.Value;
        }

        /// <summary>The count is taken after the deletion is written, so of two last admins leaving at
        /// once, the later count sees both gone and that admin stays: the system is never left
        /// without an admin (both may stay, and may retry). Undone without the client's token, so a
        /// hang-up cannot leave the account half-deleted.</summary>
        private async Task KeepAnAdminAsync(UserDocument before)
        {
            var admins = Builders<UserDocument>.Filter.Eq(u => u.Role, Roles.Admin) & Builders<UserDocument>.Filter.Eq(u => u.IsActive, true);
            if (await db.Users().CountDocumentsAsync(admins, new CountOptions { Limit = 1 }, CancellationToken.None) > 0)
            {
                return;
            }

            await db.Users().UpdateOneAsync(
                Builders<UserDocument>.Filter.Eq(u => u.Id, before.Id),
                Builders<UserDocument>.Update
                    .Set(u => u.IsActive, true)
                    .Set(u => u.DeletedAt, before.DeletedAt)
                    .Set(u => u.AnonymizeAfter, before.AnonymizeAfter)
                    .Set(u => u.UpdatedAt, before.UpdatedAt),
                cancellationToken: CancellationToken.None);
            accounts.Forget(before.Id);
            throw new ConflictException("account", "This is the last active admin account: make another account an admin before deleting this one.");
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
        .WithDescription("Answers 204; every session of the account is signed out and its tokens stop working. 409 when the caller " +
            "is the last active admin, who cannot leave the system without one.")
        .ProducesProblem(StatusCodes.Status401Unauthorized)
        .ProducesProblem(StatusCodes.Status409Conflict);
}
