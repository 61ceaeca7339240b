using BayitPlus.Api.Infrastructure.Auth;
using Carter;

namespace BayitPlus.Api.Features.Audit;

/// <summary>The audit trail for admins: <c>/api/admin/audit</c>.</summary>
public sealed class AuditModule : ICarterModule
{
    public void AddRoutes(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/admin/audit").WithTags("Admin: Audit").RequireAuthorization(Policies.Admin);
        ListAuditLog.Map(group);
    }
}
