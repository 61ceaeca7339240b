using Microsoft.Extensions.Diagnostics.HealthChecks;
using MongoDB.Bson;

namespace BayitPlus.Api.Infrastructure.Mongo;

/// <summary>Ready when the database answers a ping and the start-up indexes exist.</summary>
public sealed class MongoReadinessCheck(MongoContext context, DatabaseReadiness readiness) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext healthContext, CancellationToken cancellationToken = default)
    {
        if (!readiness.IndexesReady)
        {
            return HealthCheckResult.Unhealthy("indexes are still being created");
        }

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
