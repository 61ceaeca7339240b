using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Infrastructure.Mongo.Migrations;

/// <summary>The spec's <c>migrationrecord</c> collection: one record per migration name.</summary>
public sealed class MigrationRecord
{
    public const string CollectionName = "migrationrecord";

    public string Id { get; set; } = "";

    public required string MigrationName { get; set; }

    /// <summary>When the migration finished (or, while <see cref="MigrationStatus.Running"/>, when
    /// an instance claimed it).</summary>
    public DateTime AppliedAt { get; set; }

    /// <summary>One of <see cref="MigrationStatus"/>.</summary>
    public required string Status { get; set; }

    public BsonDocument Details { get; set; } = [];
}

/// <summary>The spec's statuses (success, failed), plus <c>running</c> while an instance holds the
/// claim on a migration.</summary>
public static class MigrationStatus
{
    public const string Running = "running";
    public const string Success = "success";
    public const string Failed = "failed";
}

public sealed class MigrationRecordIndexes : ICollectionIndexes
{
    public string CollectionName => MigrationRecord.CollectionName;

    /// <summary>The unique name is what lets exactly one instance claim a migration.</summary>
    public IEnumerable<CreateIndexModel<BsonDocument>> Indexes => [IndexModels.Unique("migration_name")];
}
