using BayitPlus.Api.Infrastructure.Telemetry;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Infrastructure.Mongo.Migrations;

/// <summary>Migration settings (<c>Mongo:Migrations:*</c>).</summary>
public sealed class MigrationSettings
{
    public const string Section = "Mongo:Migrations";

    /// <summary>A claim older than this is taken to belong to an instance that died mid-migration,
    /// and another instance may take it over.</summary>
    public TimeSpan ClaimTimeout { get; init; } = TimeSpan.FromHours(1);

    /// <summary>How often an instance that finds a migration claimed by another looks again whether
    /// it has finished (or failed, or been abandoned); it stays unready meanwhile.</summary>
    public TimeSpan HeldPollInterval { get; init; } = TimeSpan.FromSeconds(5);
}

/// <summary>What one pass of <see cref="MigrationRunner.RunPendingAsync"/> did: the migrations it
/// applied, the one that failed, or the one another instance holds (those after it wait too).</summary>
public sealed record MigrationRunResult(IReadOnlyList<string> Applied, string? Failed, string? HeldElsewhere = null);

/// <summary>Runs every pending <see cref="IMigration"/> in name order, each once across all API
/// instances: an instance first claims a migration's name in <c>migrationrecord</c> (the unique
/// index lets one insert win), runs it, then records success or failure. A failed migration is
/// claimed again at the next start; later migrations wait for it, since they may build on it.</summary>
public sealed partial class MigrationRunner(
    MongoContext context,
    IEnumerable<IMigration> migrations,
    MigrationSettings settings,
    TimeProvider time,
    ILogger<MigrationRunner> logger)
{
    private readonly IMigration[] _migrations = [.. migrations.OrderBy(m => m.Name, StringComparer.Ordinal)];

    private IMongoCollection<MigrationRecord> Records => context.Collection<MigrationRecord>(MigrationRecord.CollectionName);

    public async Task<MigrationRunResult> RunPendingAsync(CancellationToken cancellationToken)
    {
        var applied = new List<string>();
        foreach (var migration in _migrations)
        {
            switch (await ClaimAsync(migration.Name, cancellationToken))
            {
                case Claim.AlreadyApplied:
                    continue;
                case Claim.HeldElsewhere:
                    return new MigrationRunResult(applied, null, migration.Name);
            }

            if (!await ApplyAsync(migration, cancellationToken))
            {
                return new MigrationRunResult(applied, migration.Name);
            }

            applied.Add(migration.Name);
        }

        return new MigrationRunResult(applied, null);
    }

    private enum Claim
    {
        Owned,
        AlreadyApplied,
        HeldElsewhere,
    }

    private async Task<Claim> ClaimAsync(string name, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        try
        {
            await Records.InsertOneAsync(new MigrationRecord { MigrationName = name, Status = MigrationStatus.Running, AppliedAt = now }, cancellationToken: ct);
            return Claim.Owned;
        }
        catch (MongoWriteException duplicate) when (duplicate.WriteError.Category == ServerErrorCategory.DuplicateKey)
        {
            // Recorded before: a failed run (or a claim abandoned by a dead instance) is taken over
            // by a conditional update, which again only one instance can win.
        }

        var filter = Builders<MigrationRecord>.Filter;
        var retryable = filter.Eq(r => r.MigrationName, name) & (
            filter.Eq(r => r.Status, MigrationStatus.Failed) |
            (filter.Eq(r => r.Status, MigrationStatus.Running) & filter.Lt(r => r.AppliedAt, now - settings.ClaimTimeout)));
        var takeover = await Records.UpdateOneAsync(
            retryable,
            Builders<MigrationRecord>.Update.Set(r => r.Status, MigrationStatus.Running).Set(r => r.AppliedAt, now),
            cancellationToken: ct);
        if (takeover.ModifiedCount == 1)
        {
            return Claim.Owned;
        }

        var existing = await Records.Find(filter.Eq(r => r.MigrationName, name)).FirstOrDefaultAsync(ct);
        return existing?.Status == MigrationStatus.Success ? Claim.AlreadyApplied : Claim.HeldElsewhere;
    }

    private async Task<bool> ApplyAsync(IMigration migration, CancellationToken ct)
    {
        BsonDocument details;
        string status;
        try
        {
            details = await migration.ApplyAsync(context.Database, ct);
            status = MigrationStatus.Success;
            LogApplied(logger, migration.Name, details.ToString());
        }
        catch (Exception error)
        {
            // Cancellation (the host stopping) is recorded as a failure too, so the next start
            // retries at once instead of waiting for the claim to time out.
            details = new BsonDocument { { "error", error.GetType().Name }, { "message", error.Message } };
            status = MigrationStatus.Failed;
            LogFailed(logger, error, migration.Name);
        }

        await Records.UpdateOneAsync(
            Builders<MigrationRecord>.Filter.Eq(r => r.MigrationName, migration.Name),
            Builders<MigrationRecord>.Update
                .Set(r => r.Status, status)
                .Set(r => r.AppliedAt, time.GetUtcNow().UtcDateTime)
                .Set(r => r.Details, details),
            cancellationToken: CancellationToken.None);
        return status == MigrationStatus.Success;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Migration {Name} applied: {Details}")]
    private static partial void LogApplied(ILogger logger, string name, string details);

    [LoggerMessage(Level = LogLevel.Error, Message = "Migration {Name} failed; it will be retried at the next start")]
    private static partial void LogFailed(ILogger logger, Exception error, string name);
}

/// <summary>Runs the pending migrations once at start-up, as soon as the indexes (including the
/// unique <c>migration_name</c>) exist, behind the "migrations" readiness gate: a failed migration
/// keeps the API unready until the next start retries it. A migration another instance is running
/// keeps the gate pending too, since this instance's code may need the migrated data: it looks
/// again every <see cref="MigrationSettings.HeldPollInterval"/>, goes on once the other has
/// finished, and takes the migration over if the other failed or died. Tests await
/// <see cref="BackgroundService.ExecuteTask"/>.</summary>
public sealed partial class MigrationStartup(
    MigrationRunner runner,
    MigrationSettings settings,
    DatabaseReadiness readiness,
    ReadinessGates gates,
    TimeProvider time,
    ILogger<MigrationStartup> logger) : BackgroundService
{
    private readonly ReadinessGate _ready = gates.Open("migrations");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var startupWork = MongoCommandMetrics.StartupWork();
        try
        {
            await readiness.WhenIndexesReady.WaitAsync(stoppingToken);
            var result = await runner.RunPendingAsync(stoppingToken);
            string? waitingFor = null;
            while (result.HeldElsewhere is { } held)
            {
                if (held != waitingFor)
                {
                    LogHeldElsewhere(logger, held);
                    waitingFor = held;
                }

                await Task.Delay(settings.HeldPollInterval, time, stoppingToken);
                result = await runner.RunPendingAsync(stoppingToken);
            }

            if (result.Failed is { } failed)
            {
                _ready.Fail($"migration {failed} failed");
            }
            else
            {
                _ready.Complete();
            }
        }
        catch (Exception error) when (error is MongoException or TimeoutException)
        {
            LogUnavailable(logger, error);
            _ready.Fail("the database was unavailable");
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopped before the indexes were ready, or while waiting for another instance's
            // migration: the next start runs what is still pending.
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Migration {Name} is being run by another instance; not ready until it finishes")]
    private static partial void LogHeldElsewhere(ILogger logger, string name);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not run the pending migrations (database unavailable); they run at the next start")]
    private static partial void LogUnavailable(ILogger logger, Exception error);
}
