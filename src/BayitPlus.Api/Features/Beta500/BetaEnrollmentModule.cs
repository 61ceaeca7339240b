using BayitPlus.Api.Infrastructure.Auth;
using Carter;

namespace BayitPlus.Api.Features.Beta500;

/// <summary>Joining and leaving the program: <c>/api/beta</c> (status, enrollment, membership).</summary>
public sealed class BetaEnrollmentModule : ICarterModule
{
    public void AddRoutes(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/beta").WithTags("Beta");
        GetBetaStatus.Map(group);
        Enroll.Map(group);
        GetBetaMembership.Map(group);
        WithdrawFromBeta.Map(group);
    }
}

/// <summary>Admins review and switch members on and off: <c>/api/admin/beta/members</c>.</summary>
public sealed class AdminBetaMembersModule : ICarterModule
{
    public void AddRoutes(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/admin/beta/members").WithTags("Admin: Beta").RequireAuthorization(Policies.Admin);
        ListBetaMembers.Map(group);
        GetBetaMember.Map(group);
        DeactivateBetaMember.Map(group);
        ReactivateBetaMember.Map(group);
    }
}
