using BayitPlus.Api.Infrastructure;
using BayitPlus.Api.Infrastructure.Audit;
using BayitPlus.Api.Infrastructure.Http;
using BayitPlus.Api.Infrastructure.Security;

namespace BayitPlus.Api.Features.Audit;

/// <summary>The Audit slice implements two Infrastructure abstractions: <see cref="IAuditTrail"/>,
/// the store the pipeline's audit behavior writes through, and <see cref="ISecurityEvents"/>, the
/// non-blocking batched writer of security events. Without this slice both default to doing nothing.</summary>
public sealed class AuditServices : ISliceServices
{
    public void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddOpenApiTag("Admin: Audit", "The audit trail of state changes: who changed what, before and after.");
        services.AddOpenApiTag("Admin: Security events", "Security events (sign-ins, token misuse, refusals, rate limits) and their summary.");
        services.AddSingleton<IAuditTrail, AuditTrail>();
        services.AddSingleton<SecurityEventWriter>();
        services.AddSingleton<ISecurityEvents>(provider => provider.GetRequiredService<SecurityEventWriter>());
        services.AddHostedService(provider => provider.GetRequiredService<SecurityEventWriter>());
    }
}
