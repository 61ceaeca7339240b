using System.Security.Claims;
using BayitPlus.Api.Infrastructure.Auth;
using BayitPlus.Api.Infrastructure.Mongo;
using MapsterMapper;
using Mediator;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.Users;

/// <summary>The signed-in user's profile; the defaults until one is saved.</summary>
public static class GetProfile
{
    public sealed record Query(string UserId) : IQuery<ProfileResponse>;

    public sealed class Handler(MongoContext db, IMapper mapper) : IQueryHandler<Query, ProfileResponse>
    {
        public async ValueTask<ProfileResponse> Handle(Query query, CancellationToken cancellationToken)
        {
            var user = await db.GetActiveAsync(query.UserId, cancellationToken);
            var profile = await db.Profiles().Find(p => p.UserId == user.Id).FirstOrDefaultAsync(cancellationToken);
            return profile is null ? ProfileResponse.Default(user.Id) : mapper.Map<ProfileResponse>(profile);
        }
    }

    internal static void Map(RouteGroupBuilder group) => group
        .MapGet("/me/profile", async (ClaimsPrincipal user, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(new Query(user.Id()), ct)))
        .WithName("GetProfile")
        .WithSummary("The signed-in user's profile (defaults until one is saved)")
        .ProducesProblem(StatusCodes.Status401Unauthorized);
}
