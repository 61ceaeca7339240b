using BayitPlus.Api.Features.AiSearch;
using BayitPlus.Api.Infrastructure.Catalog;
using BayitPlus.Api.Tests.Features.Content;
using BayitPlus.Api.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static BayitPlus.Api.Tests.Features.AiSearch.AiSearchData;

namespace BayitPlus.Api.Tests.Features.AiSearch;

/// <summary>The three rankings the search and the evaluation choose between, on the host's own
/// service and the local model's embeddings made by the indexer.</summary>
public sealed class AiRetrievalTests(ApiFactory api)
{
    private AiRetrieval Retrieval => api.Services.GetRequiredService<AiRetrieval>();

    private static CatalogFilter In(string section) => CatalogFilter.None with { Sections = [section] };

    [Fact]
    public async Task Keyword_misses_a_paraphrase_that_vector_and_hybrid_find()
    {
        var section = Catalog.NewSlug("ret");
        var items = await api.CatalogAsync(
            Item(section, "Olive Harvest", "Three sisters pick olives by hand on their late father's hillside grove in the Galilee."),
            Item(section, "Code Red", "Firefighters battle a forest blaze on Mount Carmel."));
        const string query = "siblings gathering fruit from trees their dad left them";

        var keyword = await Retrieval.RankAsync(query, In(section), RetrievalMode.Keyword, 10, Http.Ct);
        var vector = await Retrieval.RankAsync(query, In(section), RetrievalMode.Vector, 10, Http.Ct);
        var hybrid = await Retrieval.RankAsync(query, In(section), RetrievalMode.Hybrid, 10, Http.Ct);

        Assert.Empty(keyword);
        Assert.Equal([items[0].Id, items[1].Id], vector);
        Assert.Equal(vector, hybrid);
        Assert.Equal([items[0].Id], await Retrieval.RankAsync(query, In(section), RetrievalMode.Vector, 1, Http.Ct));
    }

    [Fact]
    public async Task A_hebrew_query_which_the_local_model_cannot_read_is_ranked_by_text_alone()
    {
        var section = Catalog.NewSlug("ret");
        var olives = Item(section, "Olive Harvest", "Three sisters pick olives by hand in the Galilee.");
        olives.Title = "מסיק הזיתים";
        olives.Description = "שלוש אחיות מוסקות זיתים בגליל";
        var items = await api.CatalogAsync(olives, Item(section, "Code Red", "Firefighters battle a forest blaze on Mount Carmel."));

        var keyword = await Retrieval.RankAsync("מסיק זיתים בגליל", In(section), RetrievalMode.Keyword, 10, Http.Ct);
        var hybrid = await Retrieval.RankAsync("מסיק זיתים בגליל", In(section), RetrievalMode.Hybrid, 10, Http.Ct);
        var vector = await Retrieval.RankAsync("מסיק זיתים בגליל", In(section), RetrievalMode.Vector, 10, Http.Ct);

        Assert.Equal([items[0].Id], keyword);
        Assert.Equal(keyword, hybrid);
        Assert.Equal(2, vector.Count);
    }

    [Fact]
    public async Task An_exact_title_stays_first_though_another_item_is_about_its_words()
    {
        var section = Catalog.NewSlug("ret");
        var items = await api.CatalogAsync(
            Item(section, "Silent Harbor", "A chess prodigy from a mountain village trains with her grandmother for the world championship, "
                + "studying openings every evening and travelling by bus to tournaments in the capital."),
            Item(section, "Quiet Port", "Boats rest in the silent harbor."));
        var (title, meaning) = (items[0], items[1]);
        // Found by both rankings; the tie-break of equal fused scores is RankFusionTests' subject.

        var keyword = await Retrieval.RankAsync("Silent Harbor", In(section), RetrievalMode.Keyword, 10, Http.Ct);
        var hybrid = await Retrieval.RankAsync("Silent Harbor", In(section), RetrievalMode.Hybrid, 10, Http.Ct);

        Assert.Equal([title.Id, meaning.Id], keyword);
        Assert.Equal([title.Id, meaning.Id], hybrid);
    }

    [Fact]
    public async Task A_query_that_is_a_title_in_another_language_puts_that_item_first()
    {
        var section = Catalog.NewSlug("ret");
        var title = Item(section, "The Cook", "A chef in Haifa runs a small restaurant with his daughter.");
        title.TitleEs = "Azul";
        var sea = Enumerable.Range(1, 4).Select(i =>
        {
            var item = Item(section, $"Reef {i}", "The deep blue sea off Eilat and its blue coral reef.");
            item.DescriptionEs = "El mar azul de Eilat y su arrecife de coral azul.";
            return item;
        }).ToArray();
        var items = await api.CatalogAsync([title, .. sea]);

        var keyword = await Retrieval.RankAsync("azul", In(section), RetrievalMode.Keyword, 10, Http.Ct);
        var vector = await Retrieval.RankAsync("azul", In(section), RetrievalMode.Vector, 10, Http.Ct);
        var hybrid = await Retrieval.RankAsync("Azúl!", In(section), RetrievalMode.Hybrid, 10, Http.Ct);

        Assert.Equal(items[0].Id, keyword[0]);
        Assert.NotEqual(items[0].Id, vector[0]);
        Assert.Equal(items[0].Id, hybrid[0]);
        Assert.Equal(5, hybrid.Count);
    }

    [Theory]
    [InlineData("Más allá del azul", "mas alla del azul")]
    [InlineData("  Grandma's   Kitchen ", "grandma s kitchen")]
    [InlineData("מַעְבָּר לַכָּחֹל", "מעבר לכחל")]
    [InlineData("Night-Shift!", "night shift")]
    public void Titles_compare_without_case_accents_vowel_points_or_punctuation(string typed, string comparable) =>
        Assert.Equal(comparable, BayitPlus.Api.Features.Content.CatalogTextSearch.Comparable(typed));
}
