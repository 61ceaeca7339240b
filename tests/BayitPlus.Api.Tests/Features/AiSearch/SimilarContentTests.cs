using System.Net;
using BayitPlus.Api.Tests.Features.Content;
using BayitPlus.Api.Tests.Support;
using MongoDB.Bson;
using static BayitPlus.Api.Tests.Features.AiSearch.AiSearchData;

namespace BayitPlus.Api.Tests.Features.AiSearch;

public sealed class SimilarContentTests(ApiFactory api)
{
    [Fact]
    public async Task The_nearest_item_by_meaning_comes_first_and_the_item_itself_is_left_out()
    {
        var section = Catalog.NewSlug("similar");
        var items = await api.CatalogAsync(
            Item(section, "Emperors of the Ice", "Emperor penguins huddle together through the dark Antarctic winter to protect their eggs."),
            Item(section, "The Courtroom", "A corrupt lawyer defends a tax fraud case in front of a stubborn judge."),
            Item(section, "Frozen Colonies", "A year with a colony of penguins raising their chicks on the frozen coast of Antarctica."));
        var (penguins, colonies) = (items[0], items[2]);

        var similar = await api.CreateClient().GetJsonAsync($"/api/content/{penguins.Id}/similar?lang=en");

        var ids = similar.Ids();
        Assert.Equal(colonies.Id, ids[0]);
        Assert.Equal("Frozen Colonies", similar["items"]![0]!["title"]!.GetValue<string>());
        Assert.DoesNotContain(penguins.Id, ids);
        Assert.InRange(ids.Length, 2, 10);
        Assert.Equal([colonies.Id], (await api.CreateClient().GetJsonAsync($"/api/content/{penguins.Id}/similar?limit=1")).Ids());
    }

    [Fact]
    public async Task Unknown_malformed_and_not_embedded_items_are_404s()
    {
        var section = Catalog.NewSlug("similar");
        var deleted = (await api.CatalogAsync(Item(section, "Desert Stars", "Astronomers camp in the Negev to watch a meteor shower.")))[0];
        await api.RawContent().DeleteOneAsync(new BsonDocument("_id", ObjectId.Parse(deleted.Id)), Http.Ct);
        var notEmbedded = (await api.InsertAsync(Item(section, "Unindexed", "An item the indexer has not reached yet.")))[0];
        var client = api.CreateClient();

        await (await client.GetAsync($"/api/content/{ObjectId.GenerateNewId()}/similar", Http.Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await client.GetAsync("/api/content/not-an-id/similar", Http.Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await client.GetAsync($"/api/content/{deleted.Id}/similar", Http.Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
        var problem = await (await client.GetAsync($"/api/content/{notEmbedded.Id}/similar", Http.Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal("urn:bayitplus:problem:ai-search-not-embedded", problem["type"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("0")]
    [InlineData("51")]
    [InlineData("many")]
    public async Task A_limit_outside_1_to_50_is_a_400(string limit)
    {
        var section = Catalog.NewSlug("similar");
        var item = (await api.CatalogAsync(Item(section, "Harbor Lights", "Night shift workers at the Haifa port.")))[0];

        await (await api.CreateClient().GetAsync($"/api/content/{item.Id}/similar?limit={limit}", Http.Ct)).AssertValidationProblemAsync("limit");
    }
}
