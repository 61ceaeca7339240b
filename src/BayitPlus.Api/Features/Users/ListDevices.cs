using System.Security.Claims;
using BayitPlus.Api.Infrastructure;
using BayitPlus.Api.Infrastructure.Auth;
using BayitPlus.Api.Infrastructure.Mongo;
using MapsterMapper;
using Mediator;

namespace BayitPlus.Api.Features.Users;

/// <summary>All of the signed-in user's devices, most recently active first, as one whole list
/// (<c>{ items }</c>): it is bounded by <c>Users:MaxDevices</c> (10 by default; sign-in on one more is a
/// 409), so it is never paged.</summary>
public static class ListDevices
{
    /// <summary><paramref name="CurrentDeviceId"/> is the hashed device id of the access token
    /// (none when the token was issued without a device).</summary>
    public sealed record Query(string UserId, string? CurrentDeviceId) : IQuery<ItemsResponse<DeviceResponse>>;

    public sealed class Handler(MongoContext db, IMapper mapper) : IQueryHandler<Query, ItemsResponse<DeviceResponse>>
    {
        public async ValueTask<ItemsResponse<DeviceResponse>> Handle(Query query, CancellationToken cancellationToken)
        {
            var user = await db.GetActiveAsync(query.UserId, cancellationToken);

            // "Current" means the device of this request's token, not whichever device signed in last.
            var devices = user.Devices
                .OrderByDescending(d => d.LastActive)
                .Select(d => mapper.Map<DeviceResponse>(d) with { IsCurrent = d.DeviceId == query.CurrentDeviceId })
                .ToList();
            return new ItemsResponse<DeviceResponse>(devices);
        }
    }

    internal static void Map(RouteGroupBuilder group) => group
        .MapGet("/me/devices", async (ClaimsPrincipal user, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(new Query(user.Id(), user.DeviceId()), ct)))
        .WithName("ListDevices")
        .WithSummary("The signed-in user's devices; the one of this token is flagged isCurrent")
        .WithDescription("The whole list in one response, `{ items }`, most recently active first: an account has at most " +
            "Users:MaxDevices devices (10 by default), so there is no cursor. Each item's `id` is the server's id of the device " +
            "(not the raw deviceId it signed in with); pass it to DELETE /api/users/me/devices/{deviceId} to sign that device out.")
        .ProducesProblem(StatusCodes.Status401Unauthorized);
}
