using BayitPlus.Api.Infrastructure.Audit;
using BayitPlus.Api.Infrastructure.Errors;
using MapsterMapper;
using Mediator;

namespace BayitPlus.Api.Features.Content.Admin;

/// <summary>One item of a catalog resource with every stored field (<c>GET /api/admin/{resource}/{id}</c>).</summary>
public static class GetCatalogItem
{
    public sealed record Query(CatalogResource Resource, string Id) : ICatalogRequest, IQuery<IHasId>;

    public sealed class Handler(CatalogAdminStore store, IMapper mapper) : CatalogUseCase<Query, IHasId>, IQueryHandler<Query, IHasId>
    {
        public override async ValueTask<IHasId> RunAsync<TDocument, TFields, TView>(CatalogResource<TDocument, TFields, TView> resource, Query query, CancellationToken cancellationToken) =>
            mapper.Map<TDocument, TView>(await store.FindAsync<TDocument>(resource, Ids.Parse(query.Id, resource.Name), cancellationToken));
    }

    internal static void Map<TDocument, TFields, TView>(RouteGroupBuilder group, CatalogResource<TDocument, TFields, TView> resource)
        where TFields : class, new()
        where TView : IHasId => group
        .MapGet("/{id}", async (string id, ISender sender, CancellationToken ct) => TypedResults.Ok((TView)await sender.Send(new Query(resource, id), ct)))
        .WithName($"Get{resource.OperationName}ForAdmin")
        .WithSummary($"One {resource.Noun} with every stored field")
        .ProducesAdminProblems();
}
