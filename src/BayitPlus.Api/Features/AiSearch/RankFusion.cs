namespace BayitPlus.Api.Features.AiSearch;

/// <summary>Reciprocal rank fusion: an id scores Σ 1 / (k + rank) over the rankings it appears in
/// (rank from 1), so an item near the top of either ranking stays near the top of the fused one, and
/// one found by both rises above items found by one. Pure, so the evaluation and the tests see
/// exactly what the search does.</summary>
public static class RankFusion
{
    /// <summary>Every id of <paramref name="rankings"/> (each best first), best fused score first.
    /// Ties go to the id with the better single rank, then to the one that has it in the ranking
    /// listed first (the text ranking, so an exact title keeps its place). No two ids share a rank in
    /// the same ranking, so that order is total: the same rankings always fuse to the same order. An
    /// id repeated within one ranking counts at its first rank. <paramref name="weights"/>, one per
    /// ranking (all 1 when null), multiply its reciprocal ranks.</summary>
    public static IReadOnlyList<string> Fuse(IReadOnlyList<IReadOnlyList<string>> rankings, int k, IReadOnlyList<double>? weights = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        if (weights is not null && (weights.Count != rankings.Count || weights.Any(w => w is <= 0 or double.NaN or double.PositiveInfinity)))
        {
            throw new ArgumentException("One positive, finite weight per ranking.", nameof(weights));
        }

        var fused = new Dictionary<string, Standing>(StringComparer.Ordinal);
        for (var list = 0; list < rankings.Count; list++)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var ranking = rankings[list];
            for (var position = 0; position < ranking.Count; position++)
            {
                var id = ranking[position];
                if (!seen.Add(id))
                {
                    continue;
                }

                var rank = position + 1;
                var score = (weights?[list] ?? 1.0) / (k + rank);
                fused[id] = fused.TryGetValue(id, out var standing)
                    ? standing with { Score = standing.Score + score, BestRank = Math.Min(standing.BestRank, rank), BestList = rank < standing.BestRank ? list : standing.BestList }
                    : new Standing(score, rank, list);
            }
        }

        return [.. fused
            .OrderByDescending(entry => entry.Value.Score)
            .ThenBy(entry => entry.Value.BestRank)
            .ThenBy(entry => entry.Value.BestList)
            .Select(entry => entry.Key)];
    }

    private readonly record struct Standing(double Score, int BestRank, int BestList);
}
