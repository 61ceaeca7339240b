using BayitPlus.Api.Infrastructure;

namespace BayitPlus.Api.Features.Content.Admin;

/// <summary>The services of the catalog's admin side: the shared write path and the podcast feed sync.</summary>
public sealed class CatalogAdminSlice : ISlice
{
    public void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<CatalogAdminStore>();
    }
}
