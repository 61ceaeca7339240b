using BayitPlus.Api.Infrastructure.Errors;
using BayitPlus.Api.Infrastructure.Mongo;
using Mediator;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.Beta500;

/// <summary>Admin: one member, by the account's id, with the signals and score of their enrollment.</summary>
public static class GetBetaMember
{
    public sealed record Query(string UserId) : IQuery<BetaMemberResponse>;

    public sealed class Handler(MongoContext db) : IQueryHandler<Query, BetaMemberResponse>
    {
        public async ValueTask<BetaMemberResponse> Handle(Query query, CancellationToken cancellationToken)
        {
            var userId = Ids.Parse(query.UserId, "Beta member").ToString();
            var member = await Membership.Members(db).Find(Membership.Of(userId)).FirstOrDefaultAsync(cancellationToken)
                ?? throw new NotFoundException("Beta member") { Type = EnrollmentProblems.NotMember };
            return BetaMemberResponse.Of(member);
        }
    }

    internal static void Map(RouteGroupBuilder group) => group
        .MapGet("/{userId}", async (string userId, ISender sender, CancellationToken ct) => TypedResults.Ok(await sender.Send(new Query(userId), ct)))
        .WithName("GetBetaMember")
        .WithSummary("Admin: one Beta 500 member, with fraud signals and score")
        .WithDescription("`userId` is the account's id. 404 when that account never enrolled.")
        .ProducesProblem(StatusCodes.Status401Unauthorized)
        .ProducesProblem(StatusCodes.Status403Forbidden)
        .ProducesProblem(StatusCodes.Status404NotFound);
}
