using BayitPlus.Api.Infrastructure;
using BayitPlus.Api.Infrastructure.Audit;

namespace BayitPlus.Api.Features.Audit;

/// <summary>The audit trail's services: the store the pipeline's audit behavior writes through.</summary>
public sealed class AuditTrailSlice : ISlice
{
    public void AddServices(IServiceCollection services, IConfiguration configuration) =>
        services.AddSingleton<IAuditTrail, AuditTrail>();
}
