using System.Text.Json.Nodes;
using BayitPlus.Api.Infrastructure.Audit;
using BayitPlus.Api.Infrastructure.Errors;
using MapsterMapper;
using Mediator;

namespace BayitPlus.Api.Features.Content.Admin;

/// <summary>Replaces every editable field of a catalog item (<c>PUT /api/admin/{resource}/{id}</c>):
/// a field the body leaves out is cleared.</summary>
public static class ReplaceCatalogItem
{
    public sealed record Command(CatalogResource Resource, string Id, JsonObject Body) : ICatalogRequest, ICommand<IHasId>, IAuditedCommand
    {
        AuditTarget IAuditedCommand.Audit => Resource.Audit("replaced", Id);
    }

    public sealed class Handler(CatalogAdminStore store, IMapper mapper) : CatalogUseCase<Command, IHasId>, ICommandHandler<Command, IHasId>
    {
        public override async ValueTask<IHasId> RunAsync<TDocument, TFields, TView>(CatalogResource<TDocument, TFields, TView> resource, Command command, CancellationToken cancellationToken)
        {
            // A malformed id names no item: a 404 whatever the body holds.
            var id = Ids.Parse(command.Id, resource.Name);
            var fields = new TFields();
            await store.ReadAsync(resource, command.Body, fields, cancellationToken);
            return mapper.Map<TDocument, TView>(await store.UpdateAsync<TDocument>(resource, id, EditableFields.Update(fields), cancellationToken));
        }
    }

    internal static void Map<TDocument, TFields, TView>(RouteGroupBuilder group, CatalogResource<TDocument, TFields, TView> resource)
        where TFields : class, new()
        where TView : IHasId => group
        .MapPut("/{id}", async (string id, JsonObject body, ISender sender, CancellationToken ct) =>
            TypedResults.Ok((TView)await sender.Send(new Command(resource, id, body), ct)))
        .WithName($"Replace{resource.OperationName}")
        .WithSummary($"Replace every editable field of a {resource.Noun} (fields left out are cleared)")
        .AcceptsFields<TFields>();
}
