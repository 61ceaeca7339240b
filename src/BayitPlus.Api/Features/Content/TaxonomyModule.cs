using Carter;

namespace BayitPlus.Api.Features.Content;

/// <summary>The five-axis taxonomy with live counts: <c>/api/taxonomy</c>.</summary>
public sealed class TaxonomyModule : ICarterModule
{
    public void AddRoutes(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/taxonomy").WithTags("Content");
        GetTaxonomy.Map(group);
    }
}
