using Carter;

namespace BayitPlus.Api.Features.Recaps;

/// <summary>The members' recaps: <c>/api/live/channels/{channelId}/recaps</c> and the user's own
/// (<c>/api/users/me/recaps</c>); signed in.</summary>
public sealed class RecapsModule : ICarterModule
{
    public const string Tag = "Recaps";

    public void AddRoutes(IEndpointRouteBuilder app)
    {
        var channel = app.MapGroup("/api/live/channels/{channelId}").WithTags(Tag).RequireAuthorization();
        CreateRecap.Map(channel);
        var mine = app.MapGroup("/api/users").WithTags(Tag).RequireAuthorization();
        ListRecaps.Map(mine);
    }
}
