using System.Text.Json.Nodes;
using BayitPlus.Api.Infrastructure.Audit;
using BayitPlus.Api.Infrastructure.Errors;
using MapsterMapper;
using Mediator;

namespace BayitPlus.Api.Features.Content.Admin;

/// <summary>Changes only the fields a body names (<c>PATCH /api/admin/{resource}/{id}</c>); null
/// clears a field. The stored item with the sent fields applied is validated as a whole, so a rule
/// across fields (primarySectionId is one of sectionIds) holds after any patch.</summary>
public static class PatchCatalogItem
{
    public sealed record Command(CatalogResource Resource, string Id, JsonObject Body) : ICatalogRequest, ICommand<IHasId>, IAuditedCommand
    {
        AuditTarget IAuditedCommand.Audit => Resource.Audit("patched", Id);
    }

    public sealed class Handler(CatalogAdminStore store, IMapper mapper) : CatalogUseCase<Command, IHasId>, ICommandHandler<Command, IHasId>
    {
        public override async ValueTask<IHasId> RunAsync<TDocument, TFields, TView>(CatalogResource<TDocument, TFields, TView> resource, Command command, CancellationToken cancellationToken)
        {
            var id = Ids.Parse(command.Id, resource.Name);
            var stored = await store.FindAsync<TDocument>(resource, id, cancellationToken);
            var fields = mapper.Map<TDocument, TFields>(stored);
            var sent = await store.ReadAsync(resource, command.Body, fields, cancellationToken);
            var patched = sent.Count == 0 ? stored : await store.UpdateAsync<TDocument>(resource, id, EditableFields.Update(fields, sent), cancellationToken);
            return mapper.Map<TDocument, TView>(patched);
        }
    }

    internal static void Map<TDocument, TFields, TView>(RouteGroupBuilder group, CatalogResource<TDocument, TFields, TView> resource)
        where TFields : class, new()
        where TView : IHasId => group
        .MapPatch("/{id}", async (string id, JsonObject body, ISender sender, CancellationToken ct) =>
            TypedResults.Ok((TView)await sender.Send(new Command(resource, id, body), ct)))
        .WithName($"Patch{resource.OperationName}")
        .WithSummary("Change only the fields sent (null clears a field)")
        .AcceptsPatchOf<TFields>($"{resource.OperationName}Patch");
}
