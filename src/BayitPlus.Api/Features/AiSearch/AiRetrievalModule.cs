using Carter;

namespace BayitPlus.Api.Features.AiSearch;

/// <summary>AI search's public endpoints: the members' search (<c>/api/ai-search</c>, signed in)
/// and similar items of a catalog item (<c>/api/content/{id}/similar</c>, anonymous).</summary>
public sealed class AiRetrievalModule : ICarterModule
{
    public void AddRoutes(IEndpointRouteBuilder app)
    {
        var search = app.MapGroup("/api/ai-search").WithTags("AI search").RequireAuthorization();
        SearchAi.Map(search);
        var catalog = app.MapGroup("/api/content").WithTags("AI search");
        FindSimilar.Map(catalog);
    }
}
