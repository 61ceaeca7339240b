using BayitPlus.Api.Infrastructure.Telemetry;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Infrastructure.Mongo;

/// <summary>Creates every declared index at start-up (creating an existing index is a no-op), then
/// completes the "indexes" readiness gate.</summary>
public sealed partial class MongoIndexInitializer(
    MongoContext context,
    IEnumerable<ICollectionIndexes> declarations,
    DatabaseReadiness readiness,
    ILogger<MongoIndexInitializer> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var startupWork = MongoCommandMetrics.StartupWork();
        var delay = TimeSpan.FromSeconds(1);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                foreach (var declaration in declarations)
                {
                    var collection = context.Collection<BsonDocument>(declaration.CollectionName);
                    foreach (var model in declaration.Indexes)
                    {
                        await EnsureAsync(collection, model, stoppingToken);
                    }
                }

                readiness.MarkIndexesReady();
                LogIndexesReady(logger, declarations.Count());
                return;
            }
            catch (Exception error) when (error is MongoException or TimeoutException)
            {
                // The database may still be starting (docker compose brings both up together).
                LogIndexesFailed(logger, error, delay.TotalSeconds);
                await Task.Delay(delay, stoppingToken);
                delay = TimeSpan.FromSeconds(Math.Min(delay.TotalSeconds * 2, 30));
            }
        }
    }

    /// <summary>Creates one index. The database is shared with the Python services: when they already
    /// made an index of the same name or keys with other options, that index is kept (with a
    /// warning) rather than failing start-up for ever.</summary>
    private async Task EnsureAsync(IMongoCollection<BsonDocument> collection, CreateIndexModel<BsonDocument> model, CancellationToken ct)
    {
        try
        {
            await collection.Indexes.CreateOneAsync(model, cancellationToken: ct);
        }
        catch (MongoCommandException conflict) when (conflict.Code is IndexOptionsConflict or IndexKeySpecsConflict)
        {
            LogIndexKept(logger, collection.CollectionNamespace.CollectionName, conflict.ErrorMessage);
        }
    }

    private const int IndexOptionsConflict = 85;
    private const int IndexKeySpecsConflict = 86;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Kept an existing index of {Collection} that differs from the declared one: {Reason}")]
    private static partial void LogIndexKept(ILogger logger, string collection, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "MongoDB indexes ensured for {Collections} collections")]
    private static partial void LogIndexesReady(ILogger logger, int collections);

    [LoggerMessage(Level = LogLevel.Error, Message = "Creating MongoDB indexes failed; retrying in {Seconds} s")]
    private static partial void LogIndexesFailed(ILogger logger, Exception error, double seconds);
}

/// <summary>The declared indexes' readiness gate; start-up work that needs the indexes awaits
/// <see cref="WhenIndexesReady"/>.</summary>
public sealed class DatabaseReadiness(ReadinessGates gates)
{
    private readonly ReadinessGate _indexes = gates.Open("indexes");

    /// <summary>Completes once every declared index exists.</summary>
    public Task WhenIndexesReady => _indexes.Settled;

    public void MarkIndexesReady() => _indexes.Complete();
}
