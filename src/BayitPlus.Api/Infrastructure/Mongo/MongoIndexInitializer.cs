using System.Globalization;
using MongoDB.Bson;
using MongoDB.Bson.Serialization;
using MongoDB.Bson.Serialization.Serializers;
using MongoDB.Driver;

namespace BayitPlus.Api.Infrastructure.Mongo;

/// <summary>Creates every declared index at start-up, then keeps them: every
/// <c>Mongo:IndexCheckInterval</c>, and at once when <see cref="DatabaseReadiness"/> puts them in
/// doubt (a reconnection, a restarted server, an IndexNotFound error), it lists each declared
/// collection's indexes and recreates the missing ones — a database restarted empty or restored
/// from a backup would otherwise run without its unique and text indexes until the API restarts.</summary>
public sealed partial class MongoIndexInitializer(
    MongoContext context,
    IEnumerable<ICollectionIndexes> declarations,
    DatabaseReadiness readiness,
    MongoSettings settings,
    ILogger<MongoIndexInitializer> logger) : BackgroundService
{
    private static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Index checks and builds are not client requests: their commands are timed as start-up
        // work, never reported one by one as slow.
        using var startupWork = MongoCommandMetrics.StartupWork();
        var created = false;
        var retry = FirstRetry;
        while (!stoppingToken.IsCancellationRequested)
        {
            var check = readiness.BeginCheck();
            TimeSpan next;
            try
            {
                var (recreated, refused) = await EnsureAsync(stoppingToken);
                if (refused.Count > 0)
                {
                    // A unique index over duplicates written while it was missing, for instance:
                    // retrying will not help until someone fixes the data, but it costs little.
                    var problem = $"could not create {string.Join("; ", refused)}";
                    readiness.MarkIndexesMissing(problem);
                    LogIndexesRefused(logger, problem, retry.TotalSeconds);
                    next = retry;
                    retry = Longer(retry);
                }
                else
                {
                    readiness.MarkIndexesReady(check);
                    if (!created)
                    {
                        created = true;
                        LogIndexesReady(logger, declarations.Count());
                    }
                    else if (recreated.Count > 0)
                    {
                        LogIndexesRecreated(logger, string.Join(", ", recreated));
                    }

                    next = settings.IndexCheckInterval;
                    retry = FirstRetry;
                }
            }
            catch (Exception error) when (error is MongoException or TimeoutException)
            {
                // The database may still be starting (docker compose brings both up together) or be down.
                readiness.MarkIndexesMissing($"checking them failed: {error.Message}");
                LogIndexesFailed(logger, error, retry.TotalSeconds);
                next = retry;
                retry = Longer(retry);
            }

            await readiness.WaitForCheckRequestAsync(next, stoppingToken);
        }
    }

    private TimeSpan Longer(TimeSpan retry) => TimeSpan.FromTicks(Math.Min(retry.Ticks * 2, settings.IndexCheckInterval.Ticks));

    /// <summary>Creates the declared indexes each collection lacks; returns those created and those
    /// the database refused, as collection.name (with the reason).</summary>
    private async Task<(List<string> Created, List<string> Refused)> EnsureAsync(CancellationToken ct)
    {
        var created = new List<string>();
        var refused = new List<string>();
        foreach (var declaration in declarations)
        {
            var collection = context.Collection<BsonDocument>(declaration.CollectionName);
            using var cursor = await collection.Indexes.ListAsync(ct);
            var existing = await cursor.ToListAsync(ct);
            foreach (var model in declaration.Indexes)
            {
                var keys = model.Keys.Render(new RenderArgs<BsonDocument>(BsonDocumentSerializer.Instance, BsonSerializer.SerializerRegistry));
                if (existing.Any(index => Matches(index, model, keys)))
                {
                    continue;
                }

                var name = $"{declaration.CollectionName}.{model.Options?.Name ?? DefaultName(keys)}";
                try
                {
                    await CreateAsync(collection, model, ct);
                    created.Add(name);
                }
                catch (MongoCommandException refusal) when (refusal is not (MongoNotPrimaryException or MongoNodeIsRecoveringException))
                {
                    refused.Add($"{name} ({refusal.ErrorMessage})");
                }
            }
        }

        return (created, refused);
    }

    /// <summary>An existing index stands for a declared one when it has its name or its keys (the
    /// database is shared with the Python services, which may have made it with other options);
    /// any text index stands for a declared text index, as a collection has at most one.</summary>
    private static bool Matches(BsonDocument index, CreateIndexModel<BsonDocument> model, BsonDocument keys)
    {
        var key = index.GetValue("key", new BsonDocument()).AsBsonDocument;
        if (keys.Values.Contains("text"))
        {
            return key.Contains("_fts");
        }

        return index.GetValue("name", "").AsString == (model.Options?.Name ?? DefaultName(keys)) || key.Equals(keys);
    }

    /// <summary>The name MongoDB gives an index created without one: <c>field_direction</c> pairs
    /// joined by underscores (<c>is_featured_1_created_at_-1</c>).</summary>
    private static string DefaultName(BsonDocument keys) =>
        string.Join('_', keys.Elements.Select(k => $"{k.Name}_{(k.Value.IsNumeric ? k.Value.ToInt32().ToString(CultureInfo.InvariantCulture) : k.Value.ToString())}"));

    /// <summary>Creates one index. When another writer made an index of the same name or keys with
    /// other options in the meantime, that index is kept (with a warning) rather than failing.</summary>
    private async Task CreateAsync(IMongoCollection<BsonDocument> collection, CreateIndexModel<BsonDocument> model, CancellationToken ct)
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Recreated missing MongoDB indexes: {Indexes}")]
    private static partial void LogIndexesRecreated(ILogger logger, string indexes);

    [LoggerMessage(Level = LogLevel.Error, Message = "MongoDB refused to create declared indexes, readiness stays 503: {Problem}; retrying in {Seconds} s")]
    private static partial void LogIndexesRefused(ILogger logger, string problem, double seconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "Checking or creating MongoDB indexes failed; retrying in {Seconds} s")]
    private static partial void LogIndexesFailed(ILogger logger, Exception error, double seconds);
}
