using System.Security.Claims;
using BayitPlus.Api.Infrastructure.Auth;
using Carter;

namespace BayitPlus.Api.Features.Content;

/// <summary>Catalog search and its click analytics: <c>/api/search</c>. Both allow anonymous
/// callers and read the user when a valid bearer token comes along. Never output-cached: every
/// search is recorded.</summary>
public sealed class SearchModule : ICarterModule
{
    public void AddRoutes(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/search").WithTags("Search");
        SearchContent.Map(group);
        RecordSearchClick.Map(group);
    }

    /// <summary>The caller's user id when a valid token was sent, else null (anonymous).</summary>
    internal static string? SignedInUserId(ClaimsPrincipal user) =>
        user.Identity?.IsAuthenticated == true ? user.Id() : null;
}
