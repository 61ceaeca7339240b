using System.Security.Claims;
using BayitPlus.Api.Infrastructure;
using BayitPlus.Api.Infrastructure.Auth;
using BayitPlus.Api.Infrastructure.Mongo;
using MapsterMapper;
using Mediator;

namespace BayitPlus.Api.Features.Users;

/// <summary>The signed-in user's devices as <c>{ items, nextCursor }</c>. The list is bounded by
/// <c>Users:MaxDevices</c>, so it is one page and <c>nextCursor</c> is always null.</summary>
public static class ListDevices
{
    /// <summary><paramref name="CurrentDeviceId"/> is the hashed device id of the access token
    /// (none when the token was issued without a device).</summary>
    public sealed record Query(string UserId, string? CurrentDeviceId) : IQuery<Page<DeviceResponse>>;

    public sealed class Handler(MongoContext db, IMapper mapper) : IQueryHandler<Query, Page<DeviceResponse>>
    {
        public async ValueTask<Page<DeviceResponse>> Handle(Query query, CancellationToken cancellationToken)
        {
            var user = await db.GetActiveAsync(query.UserId, cancellationToken);

            // "Current" means the device of this request's token, not whichever device signed in last.
            var devices = user.Devices
                .OrderByDescending(d => d.LastActive)
                .Select(d => mapper.Map<DeviceResponse>(d) with { IsCurrent = d.DeviceId == query.CurrentDeviceId })
                .ToList();
            return new Page<DeviceResponse>(devices, null);
        }
    }

    internal static void Map(RouteGroupBuilder group) => group
        .MapGet("/me/devices", async (ClaimsPrincipal user, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(new Query(user.Id(), user.DeviceId()), ct)))
        .WithName("ListDevices")
        .WithSummary("The signed-in user's devices; the one of this token is flagged isCurrent")
        .ProducesProblem(StatusCodes.Status401Unauthorized);
}
