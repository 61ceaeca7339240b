using BayitPlus.Api.Tests.Support;
using MongoDB.Bson;

namespace BayitPlus.Api.Tests.Features.Content;

public sealed class TaxonomyTests(TaxonomyTests.EmptyCatalogFactory api) : IClassFixture<TaxonomyTests.EmptyCatalogFactory>
{
    /// <summary>A host of its own: the taxonomy counts the whole catalog, every format and audience
    /// included, so this test starts from an empty one, which the shared host never is.</summary>
    public sealed class EmptyCatalogFactory : ApiFactory;

    private static string Counts(System.Text.Json.Nodes.JsonObject taxonomy, string axis) =>
        string.Join(' ', taxonomy[axis]!.AsArray().Select(v => $"{v!["id"]!.GetValue<string>()}:{v["count"]!.GetValue<long>()}"));

    [Fact]
    public async Task Taxonomy_counts_every_axis_live_most_used_first_with_every_format_and_audience()
    {
        var client = api.CreateClient();
        var empty = await client.GetJsonAsync("/api/taxonomy");
        Assert.Equal("", Counts(empty, "sections"));
        Assert.Equal("clip:0 documentary:0 movie:0 series:0 short:0", Counts(empty, "formats"));
        Assert.Equal("family:0 general:0 kids:0 mature:0", Counts(empty, "audiences"));

        await api.InsertAsync(
            Catalog.Item("X", ["movies", "judaism"], "movie", "general", ["drama", "history"], ["jewish"]),
            Catalog.Item("Y", ["movies"], "movie", "kids", ["comedy"], ["family"]),
            Catalog.Item("Z", ["series"], "series", "general", ["drama"], ["jewish", "family"]));
        await api.RawContent().InsertOneAsync(
            new BsonDocument { { "title", "Legacy" }, { "content_format", "telenovela" }, { "created_at", DateTime.UtcNow } },
            cancellationToken: Http.Ct);
        await api.EvictCatalogCacheAsync();

        var taxonomy = await client.GetJsonAsync("/api/taxonomy");

        Assert.Equal("movies:2 judaism:1 series:1", Counts(taxonomy, "sections"));
        Assert.Equal("movie:2 series:1 clip:0 documentary:0 short:0", Counts(taxonomy, "formats"));
        Assert.Equal("general:2 kids:1 family:0 mature:0", Counts(taxonomy, "audiences"));
        Assert.Equal("drama:2 comedy:1 history:1", Counts(taxonomy, "genres"));
        Assert.Equal("family:2 jewish:2", Counts(taxonomy, "topics"));

        await api.InsertAsync(Catalog.Item("W", ["kids"], "clip", "kids", ["comedy"], ["family"]));
        await api.EvictCatalogCacheAsync();
        var after = await client.GetJsonAsync("/api/taxonomy");

        Assert.Equal("movies:2 judaism:1 kids:1 series:1", Counts(after, "sections"));
        Assert.Equal("movie:2 clip:1 series:1 documentary:0 short:0", Counts(after, "formats"));
        Assert.Equal("comedy:2 drama:2 history:1", Counts(after, "genres"));
        Assert.Equal("family:3 jewish:2", Counts(after, "topics"));
    }
}
