using BayitPlus.Api.Infrastructure.Auth;
using Carter;

namespace BayitPlus.Api.Features.Payments;

/// <summary>The plans on sale: <c>/api/plans</c> (anonymous).</summary>
public sealed class PlansModule : ICarterModule
{
    public void AddRoutes(IEndpointRouteBuilder app) => ListPlans.Map(app.MapGroup("/api/plans").WithTags("Plans"));
}

/// <summary>The signed-in user's subscription: <c>/api/subscriptions</c>.</summary>
public sealed class SubscriptionsModule : ICarterModule
{
    public void AddRoutes(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/subscriptions").WithTags("Subscriptions").RequireAuthorization();
        Checkout.Map(group);
        GetMySubscription.Map(group);
        CancelSubscription.Map(group);
        ResumeSubscription.Map(group);
        ChangePlan.Map(group);
        GetMyEntitlements.Map(group);
    }
}

/// <summary>Admins review subscriptions and transactions, refund payments and read revenue: <c>/api/admin</c>.</summary>
public sealed class AdminPaymentsModule : ICarterModule
{
    public void AddRoutes(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/admin").WithTags("Admin: Payments").RequireAuthorization(Policies.Admin);
        ListSubscriptions.Map(group);
        ListPaymentTransactions.Map(group);
        RefundTransaction.Map(group);
        GetRevenue.Map(group);
    }
}
