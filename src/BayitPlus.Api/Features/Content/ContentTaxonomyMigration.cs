using BayitPlus.Api.Infrastructure.Mongo.Migrations;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.Content;

/// <summary>The spec's <c>content_taxonomy_migration_v1</c>: content from before the five-axis
/// taxonomy has only a <c>category_id</c>; it becomes the item's one section and its primary
/// section. Items that already have sections are left alone, so running it again changes nothing.
/// One pipeline update moves every legacy item server-side (no round trip per document).</summary>
public sealed class ContentTaxonomyMigration : IMigration
{
    public string Name => "content_taxonomy_migration_v1";

    public async Task<BsonDocument> ApplyAsync(IMongoDatabase database, CancellationToken cancellationToken)
    {
        var legacy = new BsonDocument
        {
            { "category_id", new BsonDocument { { "$type", "string" }, { "$ne", "" } } },
            { "$or", new BsonArray { new BsonDocument("section_ids", BsonNull.Value), new BsonDocument("section_ids", new BsonDocument("$size", 0)) } },
        };
        var sectionFromCategory = new BsonDocument("$set", new BsonDocument
        {
            { "section_ids", new BsonArray { "$category_id" } },
            { "primary_section_id", "$category_id" },
        });
        var result = await database.GetCollection<BsonDocument>(ContentDocument.CollectionName).UpdateManyAsync(
            legacy,
            PipelineDefinition<BsonDocument, BsonDocument>.Create(sectionFromCategory),
            cancellationToken: cancellationToken);
        return new BsonDocument("migrated_count", result.ModifiedCount);
    }
}
