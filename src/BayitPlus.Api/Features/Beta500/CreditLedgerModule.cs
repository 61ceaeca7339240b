using BayitPlus.Api.Infrastructure.Auth;
using Carter;

namespace BayitPlus.Api.Features.Beta500;

/// <summary>The credit ledger's endpoints: the member's metered sessions and ledger under
/// <c>/api/beta</c>, and the admins' adjustments, reconciliation and figures under <c>/api/admin/beta</c>.</summary>
public sealed class CreditLedgerModule : ICarterModule
{
    public void AddRoutes(IEndpointRouteBuilder app)
    {
        var member = app.MapGroup("/api/beta").WithTags("Beta").RequireAuthorization();
        StartMeteredSession.Map(member);
        GetMeteredSession.Map(member);
        AdvanceMeteredSession.Map(member);
        ListTransactions.Map(member);
        var admin = app.MapGroup("/api/admin/beta").WithTags("Admin: Beta").RequireAuthorization(Policies.Admin);
        AdjustCredits.Map(admin);
        Reconciliation.Map(admin);
        BetaStats.Map(admin);
    }
}
