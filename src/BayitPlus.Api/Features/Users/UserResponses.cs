using System.Text.Json.Nodes;
using BayitPlus.Api.Infrastructure;
using BayitPlus.Api.Infrastructure.Audit;
using Mapster;

namespace BayitPlus.Api.Features.Users;

/// <summary>An account as the API shows it: never the password hash, tokens or Firebase uid.</summary>
public sealed record UserResponse(
    string Id,
    string Email,
    string Name,
    string Role,
    bool IsActive,
    string? SubscriptionTier,
    JsonObject Preferences,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    DateTime? LastLogin) : IHasId;

public sealed record DeviceResponse(
    string DeviceId,
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
        config.NewConfig<DeviceDocument, DeviceResponse>();
    }
}
