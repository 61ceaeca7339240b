using BayitPlus.Api.Infrastructure.Audit;
using BayitPlus.Api.Infrastructure.Auth;
using BayitPlus.Api.Infrastructure.Errors;
using BayitPlus.Api.Infrastructure.Mongo;
using Mediator;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.Beta500;

/// <summary>Admin: ends a membership (<c>ended_reason</c> deactivated): the seat is freed and the
/// role goes back to <c>user</c> (an admin stays <c>admin</c>); the credits stay, for a
/// reactivation. Audited in the same transaction.</summary>
public static class DeactivateBetaMember
{
    public sealed record Command(string UserId) : ICommand<BetaMemberResponse>, IAuditedCommand
    {
        AuditTarget IAuditedCommand.Audit => new("beta.member_deactivated", "betauser", BetaUserDocument.CollectionName, UserId.ToLowerInvariant(), KeyField: "user_id", Atomic: true);
    }

    public sealed class Handler(MongoContext db, Membership membership, IAccountRoles accounts, BetaSettings settings, TimeProvider time) : ICommandHandler<Command, BetaMemberResponse>
    {
        public async ValueTask<BetaMemberResponse> Handle(Command command, CancellationToken cancellationToken)
        {
            var userId = Ids.Parse(command.UserId, "Beta member").ToString();
            var session = AuditTransaction.Required;
            if (await membership.EndAsync(session, userId, EndedReasons.Deactivated, time.GetUtcNow().UtcDateTime, cancellationToken) is null)
            {
                _ = await Membership.Members(db).Find(session, Membership.Of(userId)).FirstOrDefaultAsync(cancellationToken)
                    ?? throw new NotFoundException("Beta member") { Type = EnrollmentProblems.NotMember };
                throw new ConflictException("isActive", "This membership is not active.");
            }

            AuditTransaction.AfterCommit(() => accounts.Forget(userId));
            var after = await Membership.Members(db).Find(session, Membership.Of(userId)).FirstAsync(cancellationToken);
            return BetaMemberResponse.Of(after, settings);
        }
    }

    internal static void Map(RouteGroupBuilder group) => group
        .MapPost("/{userId}/deactivate", async (string userId, ISender sender, CancellationToken ct) => TypedResults.Ok(await sender.Send(new Command(userId), ct)))
        .WithName("DeactivateBetaMember")
        .WithSummary("Admin: end a Beta 500 membership")
        .WithDescription("Frees the seat and sets the role back to `user` (an admin stays `admin`); the credits are kept for a reactivation. " +
            "Answers the member. 404 when the account never enrolled; 409 when the membership is not active.")
        .ProducesProblem(StatusCodes.Status401Unauthorized)
        .ProducesProblem(StatusCodes.Status403Forbidden)
        .ProducesProblem(StatusCodes.Status404NotFound)
        .ProducesProblem(StatusCodes.Status409Conflict);
}
