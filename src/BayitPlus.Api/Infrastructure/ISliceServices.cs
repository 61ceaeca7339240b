namespace BayitPlus.Api.Infrastructure;

/// <summary>A slice's service registration: its settings, helpers, rate-limit policies, background
/// jobs and the Infrastructure abstractions it implements. One per slice folder, found by scan, so
/// a slice registers what it needs without an edit outside its folder.</summary>
public interface ISliceServices
{
    void AddServices(IServiceCollection services, IConfiguration configuration);
}
