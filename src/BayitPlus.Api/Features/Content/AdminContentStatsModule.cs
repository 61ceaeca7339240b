using Carter;

namespace BayitPlus.Api.Features.Content;

/// <summary>Catalog statistics for admins: <c>/api/admin/content/stats</c>.</summary>
public sealed class AdminContentStatsModule : ICarterModule
{
    public void AddRoutes(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/admin/content").WithTags("Admin: Content stats");
        GetContentStats.Map(group);
    }
}
