using System.ComponentModel.DataAnnotations;
using System.Text.Json.Nodes;
using BayitPlus.Api.Infrastructure;
using BayitPlus.Api.Infrastructure.Audit;
using BayitPlus.Api.Infrastructure.Auth;
using Mapster;

namespace BayitPlus.Api.Features.Users;

/// <summary>An account as the API shows it: never the password hash, tokens or Firebase uid.</summary>
public sealed record UserResponse(
    string Id,
    string Email,
    string Name,
    [property: AllowedValues(Roles.User, Roles.Beta, Roles.Admin)] string Role,
    bool IsActive,
    string? SubscriptionTier,
    JsonObject Preferences,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    DateTime? LastLogin) : IHasId;

/// <summary>A device signed in to the account.</summary>
/// <param name="Id">The server's id of this device: a digest of the <c>deviceId</c> it signed in
/// with (the raw value is never stored, so it cannot be shown). <c>DELETE
/// /api/users/me/devices/{deviceId}</c> accepts this id or that raw <c>deviceId</c>.</param>
/// <param name="DeviceName">The name the device gave itself at its latest sign-in.</param>
/// <param name="DeviceType">mobile, desktop, tv or tablet.</param>
/// <param name="Browser">As the device reported it, if it did.</param>
/// <param name="Os">As the device reported it, if it did.</param>
/// <param name="Platform">As the device reported it, if it did.</param>
/// <param name="IpAddress">The address of its latest sign-in.</param>
/// <param name="LastActive">Its latest sign-in.</param>
/// <param name="RegisteredAt">Its first sign-in.</param>
/// <param name="IsCurrent">True for the device of the access token making this request.</param>
public sealed record DeviceResponse(
    string Id,
    string DeviceName,
    string DeviceType,
    string? Browser,
    string? Os,
    string? Platform,
    string? IpAddress,
    DateTime LastActive,
    DateTime RegisteredAt,
    bool IsCurrent);

public sealed class UsersMappings : IRegister
{
    public void Register(TypeAdapterConfig config)
    {
        config.NewConfig<UserDocument, UserResponse>()
            .Map(response => response.Preferences, user => JsonBson.ToJson(user.Preferences));
        config.NewConfig<DeviceDocument, DeviceResponse>()
            .Map(response => response.Id, device => device.DeviceId);
    }
}
