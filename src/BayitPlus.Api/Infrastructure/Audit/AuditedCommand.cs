using MongoDB.Bson;

namespace BayitPlus.Api.Infrastructure.Audit;

/// <summary>What an audited command changes: the action, the kind of resource, and where its
/// document lives (<paramref name="Collection"/>, found by <paramref name="KeyField"/> =
/// <paramref name="ResourceId"/>). A create passes a null id: the response supplies it
/// (<see cref="IHasId"/>). An <paramref name="Atomic"/> command (roles, account status, credits,
/// payments) runs in one transaction with its record: both or neither; its handler writes through
/// <see cref="AuditTransaction.Current"/>.</summary>
public sealed record AuditTarget(string ActionType, string ResourceType, string Collection, string? ResourceId, string KeyField = "_id", bool Atomic = false);

/// <summary>A command opts into the audit trail by implementing this; the pipeline does the rest.</summary>
public interface IAuditedCommand
{
    AuditTarget Audit { get; }
}

/// <summary>A response that names the resource a command created.</summary>
public interface IHasId
{
    string Id { get; }
}

/// <summary>One entry of the trail before it is stored (the spec's <c>auditlog</c> record).</summary>
public sealed record AuditRecord(
    string? UserId,
    string ActionType,
    string ResourceType,
    string? ResourceId,
    BsonDocument Changes,
    string? IpAddress,
    string? UserAgent,
    DateTime CreatedAt);

/// <summary>Stores audit records; implemented by the Audit slice. Append-only by contract.</summary>
public interface IAuditTrail
{
    Task WriteAsync(AuditRecord record, CancellationToken cancellationToken);
}

/// <summary>The trail when no slice keeps one: audited commands still run, nothing is stored.</summary>
public sealed class NoAuditTrail : IAuditTrail
{
    public Task WriteAsync(AuditRecord record, CancellationToken cancellationToken) => Task.CompletedTask;
}
