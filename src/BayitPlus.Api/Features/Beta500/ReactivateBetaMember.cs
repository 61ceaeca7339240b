using BayitPlus.Api.Infrastructure.Audit;
using BayitPlus.Api.Infrastructure.Auth;
using BayitPlus.Api.Infrastructure.Errors;
using BayitPlus.Api.Infrastructure.Mongo;
using Mediator;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.Beta500;

/// <summary>Admin: makes an ended membership (withdrawn, expired or deactivated) active again when
/// a seat is free: a new <c>Beta:DurationDays</c> period if the old one has passed, the role
/// <c>beta</c> again. No credits are granted. Audited in the same transaction.</summary>
public static class ReactivateBetaMember
{
    public sealed record Command(string UserId) : ICommand<BetaMemberResponse>, IAuditedCommand
    {
        AuditTarget IAuditedCommand.Audit => new("beta.member_reactivated", "betauser", BetaUserDocument.CollectionName, UserId.ToLowerInvariant(), KeyField: "user_id", Atomic: true);
    }

    public sealed class Handler(MongoContext db, Membership membership, IAccountRoles accounts, BetaSettings settings, TimeProvider time) : ICommandHandler<Command, BetaMemberResponse>
    {
        public async ValueTask<BetaMemberResponse> Handle(Command command, CancellationToken cancellationToken)
        {
            var userId = Ids.Parse(command.UserId, "Beta member").ToString();
            var session = AuditTransaction.Required;
            var reactivated = await membership.ReactivateAsync(session, userId, time.GetUtcNow().UtcDateTime, cancellationToken);
            if (reactivated is null)
            {
                _ = await Membership.Members(db).Find(session, Membership.Of(userId)).FirstOrDefaultAsync(cancellationToken)
                    ?? throw new NotFoundException("Beta member") { Type = EnrollmentProblems.NotMember };
                throw new ConflictException("isActive", "This membership is already active.");
            }

            AuditTransaction.AfterCommit(() => accounts.Forget(userId));
            return BetaMemberResponse.Of(reactivated, settings);
        }
    }

    internal static void Map(RouteGroupBuilder group) => group
        .MapPost("/{userId}/reactivate", async (string userId, ISender sender, CancellationToken ct) => TypedResults.Ok(await sender.Send(new Command(userId), ct)))
        .WithName("ReactivateBetaMember")
        .WithSummary("Admin: make an ended Beta 500 membership active again")
        .WithDescription("Takes a seat, sets the role to `beta` (an admin stays `admin`) and, when the old period has passed, starts a new one of " +
            "Beta:DurationDays days; no credits are granted. Answers the member. 404 when the account never enrolled; 409 when it is already active, " +
            "or (type `" + EnrollmentProblems.ProgramFull + "`) when every seat is taken.")
        .ProducesProblem(StatusCodes.Status401Unauthorized)
        .ProducesProblem(StatusCodes.Status403Forbidden)
        .ProducesProblem(StatusCodes.Status404NotFound)
        .ProducesProblem(StatusCodes.Status409Conflict);
}
