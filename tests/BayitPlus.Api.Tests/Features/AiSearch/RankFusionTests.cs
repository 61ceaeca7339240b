using BayitPlus.Api.Features.AiSearch;
using BayitPlus.Api.Infrastructure.Catalog;
using MongoDB.Bson;

namespace BayitPlus.Api.Tests.Features.AiSearch;

public sealed class RankFusionTests
{
    [Fact]
    public void An_item_both_rankings_find_rises_above_items_only_one_finds_first()
    {
        var fused = RankFusion.Fuse([["a", "both"], ["b", "both"]], 60);

        // both: 1/62 + 1/62 > 1/61.
        Assert.Equal(["both", "a", "b"], fused);
    }

    [Fact]
    public void Weights_scale_each_rankings_reciprocal_ranks()
    {
        // Equal weights: "kw" (1/61) ties "vec" (1/61) and the first list wins the tie.
        Assert.Equal(["kw", "vec"], RankFusion.Fuse([["kw"], ["vec"]], 60));

        // Half weight on the text ranking: 0.5/61 < 1/61, and 0.5/61 + 1/63 > 1/61.
        Assert.Equal(["vec", "kw"], RankFusion.Fuse([["kw"], ["vec"]], 60, [0.5, 1]));
        Assert.Equal(["both", "vec", "kw"], RankFusion.Fuse([["kw", "both"], ["vec", "x", "both"]], 60, [0.5, 1]).Where(id => id != "x"));
    }

    [Theory]
    [InlineData(new double[] { 1 })]
    [InlineData(new double[] { 1, 0 })]
    [InlineData(new double[] { 1, -1 })]
    [InlineData(new double[] { double.NaN, 1 })]
    public void Weights_must_be_one_positive_number_per_ranking(double[] weights) =>
        Assert.Throws<ArgumentException>(() => RankFusion.Fuse([["a"], ["b"]], 60, weights));

    [Fact]
    public void Scores_are_the_sum_of_reciprocal_ranks()
    {
        // x: 1/(1+1) + 1/(1+3) = 0.75; y: 1/(1+2) + 1/(1+1) = 0.833; z: 1/(1+3) = 0.25; w: 1/(1+2) = 0.333.
        var fused = RankFusion.Fuse([["x", "y", "z"], ["y", "w", "x"]], 1);

        Assert.Equal(["y", "x", "w", "z"], fused);
    }

    [Fact]
    public void Ties_go_to_the_better_single_rank_then_to_the_ranking_listed_first()
    {
        // Each first in one ranking only: the first ranking (the text one) wins.
        Assert.Equal(["text", "vector"], RankFusion.Fuse([["text"], ["vector"]], 60));
        Assert.Equal(["vector", "text"], RankFusion.Fuse([["vector"], ["text"]], 60));
        // Ranks 1 and 3 against 3 and 1: equal sums, equal best ranks; m is first in the first ranking.
        Assert.Equal(["m", "n"], RankFusion.Fuse([["m", "x", "n"], ["n", "y", "m"]], 60).Take(2));
        // k = 1: p at ranks 1 and 5 (1/2 + 1/6) ties q at 2 and 2 (1/3 + 1/3); p's best rank is better,
        // though q is ahead of p in the second ranking.
        Assert.Equal(["p", "q"], RankFusion.Fuse([["p", "q", "a", "b"], ["c", "q", "d", "e", "p"]], 1).Where(id => id is "p" or "q"));
    }

    [Fact]
    public void The_same_rankings_always_fuse_to_the_same_order()
    {
        var random = new Random(15);
        IReadOnlyList<string> Ranking() => [.. Enumerable.Range(0, 40).Select(_ => $"id{random.Next(30)}").Distinct()];
        var rankings = new[] { Ranking(), Ranking() };

        var first = RankFusion.Fuse(rankings, 60);

        Assert.Equal(first, RankFusion.Fuse([.. rankings.Select(r => r.ToList())], 60));
        Assert.Equal(rankings.SelectMany(r => r).Distinct().Count(), first.Count);
    }

    [Fact]
    public void A_repeated_id_counts_once_at_its_first_rank_and_empty_rankings_fuse_to_nothing()
    {
        Assert.Equal(["a", "b"], RankFusion.Fuse([["a", "b", "a"]], 60));
        Assert.Empty(RankFusion.Fuse([[], []], 60));
        Assert.Equal(["only"], RankFusion.Fuse([[], ["only"]], 60));
        Assert.Throws<ArgumentOutOfRangeException>(() => RankFusion.Fuse([["a"]], 0));
    }

    [Theory]
    [InlineData("a film about a family that keeps the Sabbath", true)]
    [InlineData("niña que juega al ajedrez", true)]
    [InlineData("Más allá", true)]
    [InlineData("סרט על כדורגל", false)]
    [InlineData("סרט על Matrix", true)]
    [InlineData("2024", false)]
    public void The_local_model_reads_latin_script_and_another_model_reads_everything(string query, bool local)
    {
        Assert.Equal(local, EmbeddingModel.Local.Reads(query));
        Assert.True(new EmbeddingModel("text-embedding-3-small", 1536).Reads(query));
    }

    [Fact]
    public void The_vector_filter_uses_only_the_index_filter_fields_and_operators_atlas_accepts()
    {
        var filter = AiRetrieval.VectorFilter(
            EmbeddingModel.Local,
            new CatalogFilter(["s1"], ["movie"], ["kids"], ["drama", "comedy"], ["family"], 1990, 2000));

        var paths = new List<string>();
        var operators = new HashSet<string>(StringComparer.Ordinal);
        void Walk(BsonDocument document)
        {
            foreach (var element in document)
            {
                if (element.Name.StartsWith('$'))
                {
                    operators.Add(element.Name);
                    foreach (var clause in element.Value.AsBsonArray)
                    {
                        Walk(clause.AsBsonDocument);
                    }
                }
                else
                {
                    paths.Add(element.Name);
                    operators.UnionWith(element.Value.AsBsonDocument.Names);
                }
            }
        }

        Walk(filter);
        Assert.Subset(new HashSet<string>(["embedding_model", .. EmbeddingMetadata.FilterPaths]), paths.ToHashSet());
        Assert.Subset(new HashSet<string>(["$and", "$eq", "$in", "$gte", "$lte"]), operators);
        Assert.Equal(8, paths.Count);
        Assert.Equal(
            new BsonDocument("embedding_model", new BsonDocument("$eq", EmbeddingModel.Local.Id)),
            AiRetrieval.VectorFilter(EmbeddingModel.Local, CatalogFilter.None));
    }
}
