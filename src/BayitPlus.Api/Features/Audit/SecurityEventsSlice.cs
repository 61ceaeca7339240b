using BayitPlus.Api.Infrastructure;
using BayitPlus.Api.Infrastructure.Security;

namespace BayitPlus.Api.Features.Audit;

public sealed class SecurityEventsSlice : ISlice
{
    public void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<SecurityEventWriter>();
        services.AddSingleton<ISecurityEvents>(provider => provider.GetRequiredService<SecurityEventWriter>());
        services.AddHostedService(provider => provider.GetRequiredService<SecurityEventWriter>());
    }
}
