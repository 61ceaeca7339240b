namespace BayitPlus.Api.Infrastructure;

/// <summary>A slice's own services (settings, helpers, background jobs). Implementations are found
/// by scan, so a slice registers what it needs without an edit outside its folder.</summary>
public interface ISlice
{
    void AddServices(IServiceCollection services, IConfiguration configuration);
}
