using Carter;

namespace BayitPlus.Api.Features.Activity;

/// <summary>The signed-in user's watch history: <c>/api/users/me/history</c> and continue watching.</summary>
public sealed class ActivityModule : ICarterModule
{
    public void AddRoutes(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/users").WithTags("Activity").RequireAuthorization();
        ReportProgress.Map(group);
        ListContinueWatching.Map(group);
        ListHistory.Map(group);
        RemoveFromHistory.Map(group);
        ClearHistory.Map(group);
        RestartItem.Map(group);
    }
}
