using System.Security.Claims;
using BayitPlus.Api.Infrastructure.Auth;
using BayitPlus.Api.Infrastructure.Errors;
using BayitPlus.Api.Infrastructure.Mongo;
using Mediator;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.Beta500;

/// <summary>The signed-in user's membership, active or ended; 404 when they never enrolled.</summary>
public static class GetBetaMembership
{
    public sealed record Query(string UserId) : IQuery<BetaMembershipResponse>;

    public sealed class Handler(MongoContext db, BetaSettings settings) : IQueryHandler<Query, BetaMembershipResponse>
    {
        public async ValueTask<BetaMembershipResponse> Handle(Query query, CancellationToken cancellationToken)
        {
            var member = await Membership.Members(db).Find(Membership.Of(query.UserId.ToLowerInvariant())).FirstOrDefaultAsync(cancellationToken)
                ?? throw NotMember();
            return BetaMembershipResponse.Of(member, settings);
        }
    }

    public static NotFoundException NotMember() => new("Beta membership") { Type = EnrollmentProblems.NotMember };

    internal static void Map(RouteGroupBuilder group) => group
        .MapGet("/me", async (ClaimsPrincipal user, ISender sender, CancellationToken ct) => TypedResults.Ok(await sender.Send(new Query(user.Id()), ct)))
        .RequireAuthorization()
        .WithName("GetBetaMembership")
        .WithSummary("The signed-in user's Beta 500 membership")
        .WithDescription("Dates, AI credits and whether access is active (false once withdrawn, expired or deactivated). 404 (type `" +
            EnrollmentProblems.NotMember + "`) when the account never enrolled.")
        .ProducesProblem(StatusCodes.Status401Unauthorized)
        .ProducesProblem(StatusCodes.Status404NotFound);
}
