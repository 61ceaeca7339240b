using BayitPlus.Api.Infrastructure.Audit;
using Carter;

namespace BayitPlus.Api.Features.Content.Admin;

/// <summary>The catalog's admin routes: the same use cases for each declared resource, plus the
/// podcast feed sync.</summary>
public sealed class CatalogAdminModule : ICarterModule
{
    public void AddRoutes(IEndpointRouteBuilder app)
    {
        Map(app, ContentFields.Resource);
        Map(app, LiveChannelFields.Resource);
        SyncPodcast.Map(Map(app, PodcastFields.Resource));
        Map(app, RadioStationFields.Resource);
    }

    private static RouteGroupBuilder Map<TDocument, TFields, TView>(IEndpointRouteBuilder app, CatalogResource<TDocument, TFields, TView> resource)
        where TFields : class, new()
        where TView : IHasId
    {
        var group = app.MapAdminGroup(resource.Prefix, resource.Tag);
        CreateCatalogItem.Map(group, resource);
        GetCatalogItem.Map(group, resource);
        ReplaceCatalogItem.Map(group, resource);
        PatchCatalogItem.Map(group, resource);
        DeleteCatalogItem.Map(group, resource);
        return group;
    }
}
