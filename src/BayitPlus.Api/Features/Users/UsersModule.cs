using Carter;

namespace BayitPlus.Api.Features.Users;

/// <summary>The signed-in user's own account, devices and profile: <c>/api/users</c>.</summary>
public sealed class UsersModule : ICarterModule
{
    public void AddRoutes(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/users").WithTags("Users").RequireAuthorization();
        GetCurrentUser.Map(group);
        UpdateCurrentUser.Map(group);
        DeleteCurrentUser.Map(group);
        ChangePassword.Map(group);
        ListDevices.Map(group);
        RemoveDevice.Map(group);
        GetProfile.Map(group);
        UpdateProfile.Map(group);
    }
}
