using System.Security.Claims;
using BayitPlus.Api.Infrastructure.Audit;
using BayitPlus.Api.Infrastructure.Auth;
using BayitPlus.Api.Infrastructure.Errors;
using BayitPlus.Api.Infrastructure.Mongo;
using Mediator;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.Beta500;

/// <summary>The signed-in member leaves the program: the seat is freed, the credits are forfeited
/// (a <c>deduct</c> of reason <c>withdrawn</c>), the role goes back to <c>user</c>, in one
/// transaction with its audit record. Leaving is final for the member (an account enrolls once).</summary>
public static class WithdrawFromBeta
{
    public sealed record Command(string UserId) : ICommand, IAuditedCommand
    {
        AuditTarget IAuditedCommand.Audit => new("beta.withdrawn", "betauser", BetaUserDocument.CollectionName, UserId.ToLowerInvariant(), KeyField: "user_id", Atomic: true);
    }

    public sealed class Handler(MongoContext db, Membership membership, IAccountRoles accounts, TimeProvider time) : ICommandHandler<Command>
    {
        public async ValueTask<Unit> Handle(Command command, CancellationToken cancellationToken)
        {
            var userId = command.UserId.ToLowerInvariant();
            var ended = await membership.EndAsync(AuditTransaction.Required, userId, EndedReasons.Withdrawn, time.GetUtcNow().UtcDateTime, cancellationToken);
            if (ended is null)
            {
                var member = await Membership.Members(db).Find(AuditTransaction.Required, Membership.Of(userId)).FirstOrDefaultAsync(cancellationToken);
                throw member is null
                    ? GetBetaMembership.NotMember()
                    : new ConflictException("isActive", "This membership has already ended.");
            }

            AuditTransaction.AfterCommit(() => accounts.Forget(userId));
            return Unit.Value;
        }
    }

    internal static void Map(RouteGroupBuilder group) => group
        .MapDelete("/me", async (ClaimsPrincipal user, ISender sender, CancellationToken ct) =>
        {
            await sender.Send(new Command(user.Id()), ct);
            return TypedResults.NoContent();
        })
        .RequireAuthorization()
        .WithName("WithdrawFromBeta")
        .WithSummary("Leave the Beta 500 program")
        .WithDescription("Answers 204: the seat is freed, the remaining AI credits are forfeited and the role goes back to `user` (an admin stays `admin`). " +
            "An account enrolls once, so leaving is final unless an admin reactivates the membership. 404 (type `" + EnrollmentProblems.NotMember +
            "`) when the account never enrolled; 409 when the membership has already ended.")
        .ProducesProblem(StatusCodes.Status401Unauthorized)
        .ProducesProblem(StatusCodes.Status404NotFound)
        .ProducesProblem(StatusCodes.Status409Conflict);
}
