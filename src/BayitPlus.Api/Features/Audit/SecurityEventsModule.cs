using BayitPlus.Api.Infrastructure.Auth;
using Carter;

namespace BayitPlus.Api.Features.Audit;

/// <summary>Security events for admins: <c>/api/admin/security-events</c>.</summary>
public sealed class SecurityEventsModule : ICarterModule
{
    public void AddRoutes(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/admin/security-events").WithTags("Admin: Security events").RequireAuthorization(Policies.Admin);
        ListSecurityEvents.Map(group);
        SummarizeSecurityEvents.Map(group);
    }
}
