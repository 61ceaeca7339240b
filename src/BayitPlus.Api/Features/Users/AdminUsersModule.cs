using BayitPlus.Api.Infrastructure.Auth;
using Carter;

namespace BayitPlus.Api.Features.Users;

/// <summary>Account administration, for admins only: <c>/api/admin/users</c>.</summary>
public sealed class AdminUsersModule : ICarterModule
{
    public void AddRoutes(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/admin/users").WithTags("Admin: Users").RequireAuthorization(Policies.Admin);
        ListUsers.Map(group);
        UpdateUserByAdmin.Map(group);
    }
}
