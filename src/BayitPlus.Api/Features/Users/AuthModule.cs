using Carter;

namespace BayitPlus.Api.Features.Users;

/// <summary>Sign-up and sign-in: <c>/api/auth</c>.</summary>
public sealed class AuthModule : ICarterModule
{
    public void AddRoutes(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/auth").WithTags("Auth");
        RegisterUser.Map(group);
        Login.Map(group);
        Refresh.Map(group);
        Logout.Map(group);
        FirebaseSignIn.Map(group);
    }
}
