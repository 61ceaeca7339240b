extern alias api;

using api::BayitPlus.Api.Features.AiSearch;
using api::BayitPlus.Api.Infrastructure.Catalog;
using Microsoft.Extensions.DependencyInjection;

namespace BayitPlus.Benchmarks;

/// <summary>Ranks the evaluation's queries with the AI search slice's own retrieval, unfiltered, in
/// the mode the evaluation names.</summary>
internal static partial class AiSearchEvaluation
{
    static partial void WireRetrieval(IServiceProvider services, ref RankCatalog? rank)
    {
        var retrieval = services.GetRequiredService<AiRetrieval>();
        rank = (query, mode, limit, cancellationToken) => retrieval.RankAsync(query, CatalogFilter.None, Mode(mode), limit, cancellationToken);
    }

    private static RetrievalMode Mode(string mode) => mode switch
    {
        "keyword" => RetrievalMode.Keyword,
        "vector" => RetrievalMode.Vector,
        "hybrid" => RetrievalMode.Hybrid,
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "The evaluation's modes are keyword, vector and hybrid."),
    };
}
