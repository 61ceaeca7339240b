using System.Text.Json.Nodes;
using BayitPlus.Api.Infrastructure.Audit;
using MapsterMapper;
using Mediator;

namespace BayitPlus.Api.Features.Content.Admin;

/// <summary>Adds an item to a catalog resource (<c>POST /api/admin/{resource}</c>).</summary>
public static class CreateCatalogItem
{
    public sealed record Command(CatalogResource Resource, JsonObject Body) : ICatalogRequest, ICommand<IHasId>, IAuditedCommand
    {
        AuditTarget IAuditedCommand.Audit => Resource.Audit("created", null);
    }

    public sealed class Handler(CatalogAdminStore store, IMapper mapper) : CatalogUseCase<Command, IHasId>, ICommandHandler<Command, IHasId>
    {
        public override async ValueTask<IHasId> RunAsync<TDocument, TFields, TView>(CatalogResource<TDocument, TFields, TView> resource, Command command, CancellationToken cancellationToken)
        {
            var fields = new TFields();
            await store.ReadAsync(resource, command.Body, fields, cancellationToken);
            var document = mapper.Map<TFields, TDocument>(fields);
            await store.InsertAsync(resource, document, cancellationToken);
            return mapper.Map<TDocument, TView>(document);
        }
    }

    internal static void Map<TDocument, TFields, TView>(RouteGroupBuilder group, CatalogResource<TDocument, TFields, TView> resource)
        where TFields : class, new()
        where TView : IHasId => group
        .MapPost("/", async (JsonObject body, ISender sender, CancellationToken ct) =>
        {
            var created = (TView)await sender.Send(new Command(resource, body), ct);
            return TypedResults.Created($"{resource.Prefix}/{created.Id}", created);
        })
        .WithName($"Create{resource.OperationName}")
        .WithSummary(resource.CreateSummary)
        .AcceptsFields<TFields>(byId: false);
}
