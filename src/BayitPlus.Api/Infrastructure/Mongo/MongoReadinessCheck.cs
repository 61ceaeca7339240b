using Microsoft.Extensions.Diagnostics.HealthChecks;
using MongoDB.Bson;

namespace BayitPlus.Api.Infrastructure.Mongo;

/// <summary>Ready when the database answers a ping and the declared indexes are known to exist
/// (checked again after every reconnection, see <see cref="DatabaseReadiness"/>); the rest of the
/// start-up work is the readiness gates' check.</summary>
public sealed class MongoReadinessCheck(MongoContext context, DatabaseReadiness readiness) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext healthContext, CancellationToken cancellationToken = default)
    {
        try
        {
            await context.Database.RunCommandAsync<BsonDocument>(new BsonDocument("ping", 1), cancellationToken: cancellationToken);
        }
        catch (Exception error) when (error is MongoDB.Driver.MongoException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy("database ping failed");
        }

        return readiness.IndexProblem is { } problem
            ? HealthCheckResult.Unhealthy($"indexes: {problem}")
            : HealthCheckResult.Healthy();
    }
}
