using Carter;

namespace BayitPlus.Api.Features.Content;

/// <summary>Live TV: <c>/api/live/channels</c>. Public reads, output-cached for anonymous callers.</summary>
public sealed class LiveModule : ICarterModule
{
    public void AddRoutes(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/live/channels").WithTags("Live");
        ListLiveChannels.Map(group);
        GetLiveChannel.Map(group);
    }
}
