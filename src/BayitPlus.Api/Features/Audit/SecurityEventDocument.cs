using BayitPlus.Api.Infrastructure.Mongo;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.Audit;

/// <summary>The spec's <c>securityauditlog</c> record.</summary>
public sealed class SecurityEventDocument
{
    public const string CollectionName = "securityauditlog";

    /// <summary>Set when the event is queued, so a retried batch cannot store an event twice.</summary>
    public string Id { get; set; } = "";

    public required string EventType { get; set; }

    public required string Severity { get; set; }

    public string? UserId { get; set; }

    public string? IpAddress { get; set; }

    public BsonDocument? Details { get; set; }

    public DateTime CreatedAt { get; set; }
}

public sealed class SecurityEventIndexes : ICollectionIndexes
{
    /// <summary>The spec: security logs are retained one year.</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromDays(365);

    public string CollectionName => SecurityEventDocument.CollectionName;

    public IEnumerable<CreateIndexModel<BsonDocument>> Indexes =>
    [
        IndexModels.Compound(("event_type", 1), ("created_at", -1)),
        IndexModels.Ascending("severity"),
        IndexModels.Ascending("user_id"),
        IndexModels.Descending("created_at"),

        // Ascending, unlike the spec's query index on created_at, so both can exist side by side.
        IndexModels.Ttl("created_at", Retention),
    ];
}
