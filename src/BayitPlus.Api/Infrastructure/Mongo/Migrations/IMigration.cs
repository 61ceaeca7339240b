using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Infrastructure.Mongo.Migrations;

/// <summary>A one-off change to stored data. Implementations anywhere in the API assembly are found
/// by scan and run once, in <see cref="Name"/> order, after the start-up indexes exist; the runner
/// records each in <c>migrationrecord</c>. A migration that fails is retried at the next start, so
/// it must be safe to run again over data it already changed.</summary>
public interface IMigration
{
    /// <summary>Unique and stable: the record is keyed by it (e.g. <c>content_taxonomy_migration_v1</c>).</summary>
    string Name { get; }

    /// <summary>Applies the change; the returned document is stored as the record's <c>details</c>.</summary>
    Task<BsonDocument> ApplyAsync(IMongoDatabase database, CancellationToken cancellationToken);
}
