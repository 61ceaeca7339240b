using BayitPlus.Api.Features.Content;
using BayitPlus.Api.Infrastructure.Mongo;
using MongoDB.Bson;
using MongoDB.Bson.Serialization;
using MongoDB.Bson.Serialization.Serializers;
using MongoDB.Driver;

namespace BayitPlus.Api.Tests.Features.Content;

/// <summary>Browse is served from the spec's indexes: every field a filter touches leads one of the
/// declared <c>content</c> indexes.</summary>
public sealed class BrowseIndexTests
{
    [Fact]
    public void Every_filtered_field_leads_a_declared_content_index()
    {
        MongoConventions.Register();
        var query = new BrowseContent.Query(["movies"], ["movie"], ["kids"], ["drama"], ["jewish"], "1990", "2020", "true", null, null, null, "he");
        var rendered = BrowseContent.Filter(query).Render(new RenderArgs<ContentDocument>(
            BsonSerializer.SerializerRegistry.GetSerializer<ContentDocument>(), BsonSerializer.SerializerRegistry));
        var leadingKeys = new ContentIndexes().Indexes
            .Select(i => i.Keys.Render(new RenderArgs<BsonDocument>(BsonDocumentSerializer.Instance, BsonSerializer.SerializerRegistry)))
            .Select(keys => keys.GetElement(0).Name)
            .ToHashSet();

        var fields = FieldsOf(rendered).Distinct().ToList();

        Assert.Equal(["section_ids", "content_format", "audience_id", "genre_ids", "topic_tags", "year", "is_featured"], fields);
        Assert.All(fields, field => Assert.Contains(field, leadingKeys));
    }

    private static IEnumerable<string> FieldsOf(BsonDocument filter) =>
        filter.Elements.SelectMany(e => e.Name == "$and"
            ? e.Value.AsBsonArray.SelectMany(clause => FieldsOf(clause.AsBsonDocument))
            : [e.Name]);
}
