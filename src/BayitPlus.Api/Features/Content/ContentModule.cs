using Carter;

namespace BayitPlus.Api.Features.Content;

/// <summary>The public VOD catalog: <c>/api/content</c>.</summary>
public sealed class ContentModule : ICarterModule
{
    public void AddRoutes(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/content").WithTags("Content");
        BrowseContent.Map(group);
        GetHome.Map(group);
        GetContent.Map(group);
        PlayContent.Map(group);
    }
}
