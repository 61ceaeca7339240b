using BayitPlus.Api.Infrastructure.Mongo;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.Audit;

/// <summary>The spec's <c>auditlog</c> collection: one record per successful state-changing command.</summary>
public sealed class AuditLogDocument
{
    public const string CollectionName = "auditlog";

    /// <summary>Audit and security logs are kept one year (the spec's retention).</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromDays(365);

    public string Id { get; set; } = "";

    public string? UserId { get; set; }

    public required string ActionType { get; set; }

    public required string ResourceType { get; set; }

    public string? ResourceId { get; set; }

    /// <summary><c>{ before, after }</c> of the fields that changed, secrets redacted.</summary>
    public BsonDocument Changes { get; set; } = [];

    public string? IpAddress { get; set; }

    public string? UserAgent { get; set; }

    public DateTime CreatedAt { get; set; }
}

public sealed class AuditLogIndexes : ICollectionIndexes
{
    public string CollectionName => AuditLogDocument.CollectionName;

    public IEnumerable<CreateIndexModel<BsonDocument>> Indexes =>
    [
        IndexModels.Compound(("user_id", 1), ("created_at", -1)),
        IndexModels.Ascending("action_type"),
        IndexModels.Compound(("resource_type", 1), ("resource_id", 1)),
        IndexModels.Descending("created_at"),
        // Ascending, unlike the spec's query index: one key pattern can hold only one index.
        IndexModels.Ttl("created_at", AuditLogDocument.Retention),
    ];
}
