using Microsoft.Extensions.Diagnostics.HealthChecks;
using MongoDB.Bson;

namespace BayitPlus.Api.Infrastructure.Mongo;

/// <summary>Ready when the database answers a ping (the start-up work, indexes included, is the
/// readiness gates' check).</summary>
public sealed class MongoReadinessCheck(MongoContext context) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext healthContext, CancellationToken cancellationToken = default)
    {
        try
        {
            await context.Database.RunCommandAsync<BsonDocument>(new BsonDocument("ping", 1), cancellationToken: cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception error) when (error is MongoDB.Driver.MongoException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy("database ping failed");
        }
    }
}
