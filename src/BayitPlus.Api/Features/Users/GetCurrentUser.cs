using System.Security.Claims;
using BayitPlus.Api.Infrastructure.Auth;
using BayitPlus.Api.Infrastructure.Mongo;
using MapsterMapper;
using Mediator;

namespace BayitPlus.Api.Features.Users;

public static class GetCurrentUser
{
    public sealed record Query(string UserId) : IQuery<UserResponse>;

    public sealed class Handler(MongoContext db, IMapper mapper) : IQueryHandler<Query, UserResponse>
    {
        public async ValueTask<UserResponse> Handle(Query query, CancellationToken cancellationToken) =>
            mapper.Map<UserResponse>(await db.GetActiveAsync(query.UserId, cancellationToken));
    }

    internal static void Map(RouteGroupBuilder group) => group
        .MapGet("/me", async (ClaimsPrincipal user, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(new Query(user.Id()), ct)))
        .WithName("GetCurrentUser")
        .WithSummary("The signed-in user's account")
        .ProducesProblem(StatusCodes.Status401Unauthorized);
}
