using System.Security.Claims;
using BayitPlus.Api.Infrastructure.Errors;
using Microsoft.IdentityModel.JsonWebTokens;

namespace BayitPlus.Api.Infrastructure.Auth;

/// <summary>Reads the signed-in user from the validated token. Endpoints pass these values into
/// their commands, so handlers (singletons) never depend on the HTTP context.</summary>
public static class CurrentUser
{
    public const string DeviceClaim = "device";

    public static string Id(this ClaimsPrincipal user) =>
        user.FindFirstValue(JwtRegisteredClaimNames.Sub) ?? user.FindFirstValue(ClaimTypes.NameIdentifier)
        ?? throw new UnauthorizedException("The access token names no user.");

    public static string? DeviceId(this ClaimsPrincipal user) => user.FindFirstValue(DeviceClaim);

    public static bool IsAdmin(this ClaimsPrincipal user) => user.IsInRole(Roles.Admin);
}
