using BayitPlus.Api.Infrastructure.Audit;
using BayitPlus.Api.Infrastructure.Errors;
using Mediator;

namespace BayitPlus.Api.Features.Content.Admin;

/// <summary>Removes a catalog item and what belongs to it (<c>DELETE /api/admin/{resource}/{id}</c>).</summary>
public static class DeleteCatalogItem
{
    public sealed record Command(CatalogResource Resource, string Id) : ICommand, IAuditedCommand
    {
        AuditTarget IAuditedCommand.Audit => Resource.Audit("deleted", Id);
    }

    public sealed class Handler(CatalogAdminStore store) : ICommandHandler<Command>
    {
        public async ValueTask<Unit> Handle(Command command, CancellationToken cancellationToken)
        {
            await store.DeleteAsync(command.Resource, Ids.Parse(command.Id, command.Resource.Name), cancellationToken);
            return Unit.Value;
        }
    }

    internal static void Map(RouteGroupBuilder group, CatalogResource resource) => group
        .MapDelete("/{id}", async (string id, ISender sender, CancellationToken ct) =>
        {
            await sender.Send(new Command(resource, id), ct);
            return TypedResults.NoContent();
        })
        .WithName($"Delete{resource.OperationName}")
        .WithSummary(resource.DeleteSummary)
        .ProducesAdminProblems();
}
