using BayitPlus.Api.Infrastructure.Audit;
using BayitPlus.Api.Infrastructure.Mongo;

namespace BayitPlus.Api.Features.Audit;

/// <summary>Stores audit records. Append-only: this is the only code that touches the collection
/// besides the admin query, and it only inserts; records leave through the TTL index alone.</summary>
public sealed class AuditTrail(MongoContext db) : IAuditTrail
{
    public Task WriteAsync(AuditRecord record, CancellationToken cancellationToken) =>
        db.Collection<AuditLogDocument>(AuditLogDocument.CollectionName).InsertOneAsync(
            new AuditLogDocument
            {
                UserId = record.UserId,
                ActionType = record.ActionType,
                ResourceType = record.ResourceType,
                ResourceId = record.ResourceId,
                Changes = record.Changes,
                IpAddress = record.IpAddress,
                UserAgent = record.UserAgent,
                CreatedAt = record.CreatedAt,
            },
            cancellationToken: cancellationToken);
}
