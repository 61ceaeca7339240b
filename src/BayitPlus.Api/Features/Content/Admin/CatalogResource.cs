using BayitPlus.Api.Infrastructure.Audit;
using BayitPlus.Api.Infrastructure.Mongo;

namespace BayitPlus.Api.Features.Content.Admin;

/// <summary>
/// One catalog resource the admin endpoints manage (content, podcasts, live channels, radio
/// stations), declared once: its routes and operation names, its collection, and how audit
/// records and messages name it. The admin use cases are written once for every resource; their
/// requests carry the resource. Unique fields are not declared here: the collection's unique
/// indexes decide conflicts, and the 409 names the field from the index.
/// </summary>
public abstract class CatalogResource
{
    /// <summary>What the store sets on every resource, so no client may send it.</summary>
    private static readonly string[] StoreFields = ["id", "createdAt", "updatedAt"];

    /// <summary>The route group, e.g. <c>/api/admin/live/channels</c>.</summary>
    public required string Prefix { get; init; }

    /// <summary>The OpenAPI tag, e.g. <c>Admin: Live channels</c>.</summary>
    public required string Tag { get; init; }

    /// <summary>Names the operations: <c>LiveChannel</c> gives <c>CreateLiveChannel</c>,
    /// <c>GetLiveChannelForAdmin</c>, <c>ReplaceLiveChannel</c>, <c>PatchLiveChannel</c> and
    /// <c>DeleteLiveChannel</c>.</summary>
    public required string OperationName { get; init; }

    /// <summary>The item in summaries: "One live channel with every stored field".</summary>
    public required string Noun { get; init; }

    public required string CreateSummary { get; init; }

    public required string DeleteSummary { get; init; }

    /// <summary>The collection, as the spec names it.</summary>
    public required string Collection { get; init; }

    /// <summary>The resource in 404s: "Live channel was not found."</summary>
    public required string Name { get; init; }

    /// <summary>The audit resource type (<c>live_channel</c>); its actions are
    /// <c>live_channel.created</c>, <c>.replaced</c>, <c>.patched</c> and <c>.deleted</c>.</summary>
    public required string AuditType { get; init; }

    /// <summary>Fields the server keeps beyond the id and timestamps (counters, sync times).</summary>
    public IReadOnlyCollection<string> ServerFields { get; init; } = [];

    /// <summary>Removes what belongs to a deleted item (a podcast's episodes), given its id in
    /// canonical lowercase hex.</summary>
    public Func<MongoContext, string, CancellationToken, Task>? DeleteDependents { get; init; }

    /// <summary>Every field a client may not send.</summary>
    public IReadOnlyCollection<string> ServerOwned => [.. StoreFields, .. ServerFields];

    internal AuditTarget Audit(string action, string? id) => new($"{AuditType}.{action}", AuditType, Collection, id);

    /// <summary>Runs <paramref name="useCase"/> with this resource's types.</summary>
    internal abstract ValueTask<TResult> RunAsync<TRequest, TResult>(CatalogUseCase<TRequest, TResult> useCase, TRequest request, CancellationToken cancellationToken)
        where TRequest : ICatalogRequest;
}

/// <summary>A catalog resource with its types: the stored <typeparamref name="TDocument"/>, the
/// <typeparamref name="TFields"/> clients edit (validated by its <c>IValidator</c>), and the
/// <typeparamref name="TView"/> admins are answered with. Documents, fields and views map onto each
/// other by name.</summary>
public sealed class CatalogResource<TDocument, TFields, TView> : CatalogResource
    where TFields : class, new()
    where TView : IHasId
{
    internal override ValueTask<TResult> RunAsync<TRequest, TResult>(CatalogUseCase<TRequest, TResult> useCase, TRequest request, CancellationToken cancellationToken) =>
        useCase.RunAsync(this, request, cancellationToken);
}

/// <summary>A request of a catalog admin use case: it carries the resource it is about.</summary>
public interface ICatalogRequest
{
    CatalogResource Resource { get; }
}

/// <summary>
/// A use case written once for every catalog resource, as the base of its handler. Mediator's
/// source generator accepts no generic handlers, so the handler gets the resource untyped, in its
/// request, and <see cref="Handle"/> has the resource call <see cref="RunAsync"/> back with its
/// types.
/// </summary>
public abstract class CatalogUseCase<TRequest, TResult>
    where TRequest : ICatalogRequest
{
    /// <summary>The handler's Mediator entry point.</summary>
    public ValueTask<TResult> Handle(TRequest request, CancellationToken cancellationToken) =>
        request.Resource.RunAsync(this, request, cancellationToken);

    public abstract ValueTask<TResult> RunAsync<TDocument, TFields, TView>(CatalogResource<TDocument, TFields, TView> resource, TRequest request, CancellationToken cancellationToken)
        where TFields : class, new()
        where TView : IHasId;
}
