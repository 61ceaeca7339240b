using BayitPlus.Api.Infrastructure.Audit;
using BayitPlus.Api.Infrastructure.Mongo;

namespace BayitPlus.Api.Features.Audit;

/// <summary>Stores audit records. Append-only: this is the only code that touches the collection
/// besides the admin query, and it only inserts; records leave through the TTL index alone.</summary>
public sealed class AuditTrail(MongoContext db) : IAuditTrail
{
    public Task WriteAsync(AuditRecord record, CancellationToken cancellationToken)
    {
        var document = new AuditLogDocument
        {
            UserId = record.UserId,
            ActionType = record.ActionType,
            ResourceType = record.ResourceType,
            ResourceId = record.ResourceId,
            Changes = record.Changes,
            IpAddress = record.IpAddress,
            UserAgent = record.UserAgent,
            CreatedAt = record.CreatedAt,
        };
        var collection = db.Collection<AuditLogDocument>(AuditLogDocument.CollectionName);

        // Inside an atomic command's transaction the record commits or aborts with the change.
        return AuditTransaction.Current is { } session
            ? collection.InsertOneAsync(session, document, cancellationToken: cancellationToken)
            : collection.InsertOneAsync(document, cancellationToken: cancellationToken);
    }
}
