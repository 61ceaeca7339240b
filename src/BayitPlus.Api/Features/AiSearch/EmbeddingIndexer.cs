using System.Diagnostics.Metrics;
using System.Threading.Channels;
using BayitPlus.Api.Infrastructure.Catalog;
using BayitPlus.Api.Infrastructure.Mongo;
using BayitPlus.Api.Infrastructure.Telemetry;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.AiSearch;

/// <summary>
/// Keeps <c>contentembedding</c> current with the catalog. One instance at a time runs it (a lease
/// in <c>aisearchstate</c>; the others stand by and take over when it lapses). The leader opens a
/// change stream over the catalog, then compares the whole catalog with the embeddings (new items,
/// changed texts, taxonomy, deleted items), then embeds what the stream reports in batches, and
/// compares everything again every <see cref="AiSearchSettings.CatchUpInterval"/>, after a break of
/// the stream and when an admin asks for a reindex. Every write is keyed by the item and made from
/// what was read, so doing a batch twice changes nothing.
/// A model change (a new <see cref="Embedders.Configured"/>) fills <c>pending</c> with the new
/// model's vectors while searches keep using the stored ones; once every item has one and the new
/// model's vector index answers queries, one update moves them in and the state names the new model.
/// </summary>
public sealed partial class EmbeddingIndexer(
    MongoContext db,
    ICatalogSource catalog,
    Embedders embedders,
    VectorIndex vectorIndex,
    AiSearchSettings settings,
    ReadinessGates readiness,
    TimeProvider time,
    ILogger<EmbeddingIndexer> logger) : BackgroundService
{
    /// <summary>Catalog items compared with their embeddings per read.</summary>
    private const int ReadChunk = 500;

    private static readonly Counter<long> Embedded = BayitPlusTelemetry.Meter.CreateCounter<long>(
        "bayitplus.ai_search.items_embedded", unit: "{item}", description: "Catalog items embedded by the AI search indexer, by model.");

    private static readonly Counter<long> Failures = BayitPlusTelemetry.Meter.CreateCounter<long>(
        "bayitplus.ai_search.indexer_failures", unit: "{pass}", description: "Indexer passes that failed and will be retried.");

    /// <summary>How often the leader reads the state for a reindex, at most.</summary>
    private static readonly TimeSpan StatePoll = TimeSpan.FromSeconds(5);

    private readonly string _instance = Guid.NewGuid().ToString("N");

    /// <summary>Changed ids from the stream; null wakes the leader (a reindex, a break of the stream).</summary>
    private Channel<string?> _changes = Channel.CreateUnbounded<string?>();
    private volatile bool _streamBroke;

    private IMongoCollection<ContentEmbeddingDocument> Embeddings => db.Collection<ContentEmbeddingDocument>(ContentEmbeddingDocument.CollectionName);

    private IMongoCollection<AiSearchStateDocument> States => db.Collection<AiSearchStateDocument>(AiSearchStateDocument.CollectionName);

    private TimeSpan RetryDelay => settings.CatchUpInterval < TimeSpan.FromSeconds(30) ? settings.CatchUpInterval : TimeSpan.FromSeconds(30);

    /// <summary>Asks this instance, if it leads, to read the state now (an admin's reindex) rather
    /// than at its next poll.</summary>
    public void Wake() => _changes.Writer.TryWrite(null);

    /// <summary>The state record, or null before the first pass anywhere.</summary>
    public Task<AiSearchStateDocument?> StateAsync(CancellationToken cancellationToken) =>
        States.Find(s => s.Id == AiSearchStateDocument.IndexerId).FirstOrDefaultAsync(cancellationToken)!;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // After the start-up work (indexes, migrations, demo data): the first pass then sees the
        // catalog as clients will, and does not compete with that work for the database.
        await Task.WhenAll(readiness.Gates.Select(g => g.Settled)).WaitAsync(stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await ClaimAsync(stoppingToken))
                {
                    await LeadAsync(stoppingToken);
                }
                else
                {
                    await Task.Delay(settings.LeaseDuration / 2, time, stoppingToken);
                }
            }
            catch (LeaseLostException)
            {
                // Another instance leads now.
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception error)
            {
                LogFailed(logger, error);
                Failures.Add(1);
                await RecordFailureAsync(error, stoppingToken);
                await Task.Delay(RetryDelay, time, stoppingToken);
            }
        }
    }

    /// <summary>Runs the indexer while this instance holds the lease.</summary>
    private async Task LeadAsync(CancellationToken stoppingToken)
    {
        using var leading = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        _changes = Channel.CreateUnbounded<string?>();
        _streamBroke = false;
        var stream = await catalog.WatchChangesAsync(leading.Token);
        var watching = ForwardAsync(stream, leading.Token);
        try
        {
            // A reindex is told apart by its request time, never compared with this instance's clock:
            // the admin's instance wrote it with its own.
            var handledReindex = (await StateAsync(stoppingToken))?.ReindexRequestedAt;
            var lastFull = await PassAsync("catch-up", null, stoppingToken);
            var pollInterval = settings.LeaseDuration / 4 < StatePoll ? settings.LeaseDuration / 4 : StatePoll;
            while (!stoppingToken.IsCancellationRequested)
            {
                var state = await StateAsync(stoppingToken);
                var now = time.GetUtcNow().UtcDateTime;
                if (state?.ReindexRequestedAt is { } requested && requested != handledReindex)
                {
                    handledReindex = requested;
                    lastFull = await PassAsync("reindex", null, stoppingToken);
                }
                else if (_streamBroke || now - lastFull >= settings.CatchUpInterval)
                {
                    if (_streamBroke)
                    {
                        // The stream lost changes while it was down; leading again reopens it before the full pass.
                        await Task.Delay(TimeSpan.FromSeconds(1), time, stoppingToken);
                        return;
                    }

                    lastFull = await PassAsync("catch-up", null, stoppingToken);
                }

                if (await NextChangesAsync(pollInterval, stoppingToken) is { Count: > 0 } changed)
                {
                    await PassAsync("changes", changed, stoppingToken);
                }

                await KeepLeaseAsync(stoppingToken);
            }
        }
        finally
        {
            await leading.CancelAsync();
            await watching;
        }
    }

    /// <summary>Moves the stream's ids into the queue; a break is noted for the leader, who reopens it.</summary>
    private async Task ForwardAsync(IAsyncEnumerable<string> stream, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var id in stream.WithCancellation(cancellationToken))
            {
                _changes.Writer.TryWrite(id);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return;
        }
        catch (Exception error)
        {
            LogStreamBroke(logger, error);
        }

        _streamBroke = true;
        _changes.Writer.TryWrite(null);
    }

    /// <summary>The ids changed since the last batch, gathered for <see cref="AiSearchSettings.ChangeDelay"/>
    /// after the first one arrives; empty when nothing arrives within <paramref name="wait"/> or the
    /// leader is woken.</summary>
    private async Task<IReadOnlyCollection<string>> NextChangesAsync(TimeSpan wait, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(wait, time);
        using var waiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            await _changes.Reader.WaitToReadAsync(waiting.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return [];
        }

        if (_changes.Reader.TryPeek(out var first) && first is null)
        {
            _changes.Reader.TryRead(out _);
            return [];
        }

        await Task.Delay(settings.ChangeDelay, time, cancellationToken);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        while (ids.Count < ReadChunk && _changes.Reader.TryRead(out var id))
        {
            if (id is not null)
            {
                ids.Add(id);
            }
        }

        return ids;
    }

    /// <summary>One pass over the whole catalog (<paramref name="changed"/> null) or over the changed
    /// ids; returns when it started.</summary>
    private async Task<DateTime> PassAsync(string kind, IReadOnlyCollection<string>? changed, CancellationToken cancellationToken)
    {
        var started = time.GetUtcNow().UtcDateTime;
        var target = embedders.Configured;
        var generator = embedders.Find(target) ?? throw new InvalidOperationException($"No generator for the configured model {target.Id}.");
        var indexReady = await EnsureIndexAsync(target, cancellationToken);
        var state = await StateAsync(cancellationToken);
        var active = EmbeddingModel.Parse(state?.ActiveModel);

        // During a model change the stored vectors stay those of the active model, kept current for
        // new and changed items while this instance can still run it.
        var switching = active is not null && active != target;
        var main = switching && embedders.Find(active!) is { } old ? new ModelRun(active!, old) : new ModelRun(target, generator);
        var work = new PassWork(target, main, switching ? new ModelRun(target, generator) : null, state?.ReindexRequestedAt);
        if (changed is null)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var chunk = new List<CatalogItemText>(ReadChunk);
            await foreach (var item in catalog.ReadAllAsync(cancellationToken))
            {
                seen.Add(item.Id);
                chunk.Add(item);
                if (chunk.Count == ReadChunk)
                {
                    await SyncAsync(chunk, work, cancellationToken);
                    chunk.Clear();
                    await KeepLeaseAsync(cancellationToken);
                }
            }

            await SyncAsync(chunk, work, cancellationToken);
            await KeepLeaseAsync(cancellationToken);
            work.Deleted += await DeleteMissingAsync(seen, cancellationToken);
            if (active is null)
            {
                // Searches start once every item has its vector and the index answers: a member is
                // never charged for a search of a half-embedded catalog.
                if (indexReady && work.Failed == 0)
                {
                    await States.UpdateOneAsync(
                        s => s.Id == AiSearchStateDocument.IndexerId && s.ActiveModel == null,
                        Builders<AiSearchStateDocument>.Update.Set(s => s.ActiveModel, target.Id),
                        cancellationToken: cancellationToken);
                }
            }
            else
            {
                await FinishModelChangeAsync(work, active, indexReady, cancellationToken);
            }
        }
        else
        {
            var items = await catalog.ReadAsync(changed, cancellationToken);
            await SyncAsync(items, work, cancellationToken);
            var gone = changed.Except(items.Select(i => i.Id), StringComparer.Ordinal).ToList();
            if (gone.Count > 0)
            {
                work.Deleted += (int)(await Embeddings.DeleteManyAsync(e => gone.Contains(e.ContentId), cancellationToken)).DeletedCount;
            }
        }

        await States.UpdateOneAsync(
            s => s.Id == AiSearchStateDocument.IndexerId,
            Builders<AiSearchStateDocument>.Update.Set(s => s.LastRun, new IndexerRun
            {
                Kind = kind,
                StartedAt = started,
                FinishedAt = time.GetUtcNow().UtcDateTime,
                Embedded = work.Embedded,
                Updated = work.Updated,
                Deleted = work.Deleted,
                Failed = work.Failed,
            }),
            cancellationToken: cancellationToken);
        if (work.Embedded + work.Deleted + work.Failed > 0)
        {
            LogPass(logger, kind, work.Embedded, work.Updated, work.Deleted, work.Failed, target.Id);
        }

        return started;
    }

    /// <summary>Embeds the items whose text changed (or that have no vector of the model), and
    /// refreshes the taxonomy of the others; written batch by batch, so work done stays done.</summary>
    private async Task SyncAsync(IReadOnlyList<CatalogItemText> items, PassWork work, CancellationToken cancellationToken)
    {
        if (items.Count == 0)
        {
            return;
        }

        var ids = items.Select(i => i.Id).ToList();
        var stored = (await Embeddings.Find(e => ids.Contains(e.ContentId))
                .Project<ContentEmbeddingDocument>(Builders<ContentEmbeddingDocument>.Projection.Exclude(e => e.EmbeddingVector).Exclude("pending.embedding_vector"))
                .ToListAsync(cancellationToken))
            .ToDictionary(e => e.ContentId, StringComparer.Ordinal);
        var due = new List<ItemWork>();
        var writes = new List<WriteModel<ContentEmbeddingDocument>>();
        foreach (var item in items)
        {
            stored.TryGetValue(item.Id, out var existing);
            (string Text, string Hash, EmbeddingModel Model)? next = work.Next is { } n && existing?.EmbeddingModel != n.Model.Id && !(existing is null && work.Main.Model == n.Model)
                ? Text(item, n.Model)
                : null;
            var main = Text(item, work.Main.Model);

            // A stored vector of the active model stays until the switch when this instance cannot
            // run that model any more (only the new model's vector is made).
            var keepMain = work.Switching && existing is not null && existing.EmbeddingModel != work.Main.Model.Id;
            var needMain = !keepMain
                && (existing is null || existing.EmbeddingModel != work.Main.Model.Id || existing.Metadata.TextHash != main.Hash || existing.CreatedAt < work.ReindexAt);
            var needNext = next is not null
                && (existing?.Pending is not { } pending || pending.EmbeddingModel != next.Value.Model.Id || pending.TextHash != next.Value.Hash || pending.CreatedAt < work.ReindexAt);
            if (needMain || needNext)
            {
                due.Add(new ItemWork(item, needMain ? main : null, needNext ? next : null, Switching: work.Next is not null));
            }
            else if (!SameTaxonomy(existing!.Metadata, item))
            {
                writes.Add(new UpdateOneModel<ContentEmbeddingDocument>(
                    Builders<ContentEmbeddingDocument>.Filter.Eq(e => e.ContentId, item.Id), Taxonomy(Builders<ContentEmbeddingDocument>.Update.Combine(), item)));
                work.Updated++;
            }
        }

        if (writes.Count > 0)
        {
            await Embeddings.BulkWriteAsync(writes, new BulkWriteOptions { IsOrdered = false }, cancellationToken);
        }

        foreach (var batch in due.Chunk(settings.BatchSize))
        {
            var mainVectors = await EmbedAsync(work.Main, [.. batch.Select(b => b.Main?.Text)], cancellationToken);
            var nextVectors = work.Next is { } model ? await EmbedAsync(model, [.. batch.Select(b => b.Next?.Text)], cancellationToken) : null;
            var now = time.GetUtcNow().UtcDateTime;
            var batchWrites = new List<WriteModel<ContentEmbeddingDocument>>();
            for (var i = 0; i < batch.Length; i++)
            {
                var (item, main, next, switching) = batch[i];
                var mainVector = main is null ? null : mainVectors[i];
                var nextVector = next is null ? null : nextVectors![i];
                if ((main is not null && mainVector is null) || (next is not null && nextVector is null))
                {
                    // This item failed alone; the others go on, and the next full pass tries it again.
                    work.Failed++;
                    continue;
                }

                var update = Taxonomy(Builders<ContentEmbeddingDocument>.Update.Combine(), item);
                if (main is { } m)
                {
                    update = Builders<ContentEmbeddingDocument>.Update.Combine(
                        Builders<ContentEmbeddingDocument>.Update
                            .Set(e => e.EmbeddingVector, mainVector!)
                            .Set(e => e.EmbeddingModel, work.Main.Model.Id)
                            .Set(e => e.TextContent, m.Text)
                            .Set(e => e.Metadata.TextHash, m.Hash)
                            .Set(e => e.CreatedAt, now),
                        update);
                    if (!switching)
                    {
                        update = update.Unset(e => e.Pending);
                    }
                }

                if (next is { } x)
                {
                    update = update.Set(e => e.Pending, new PendingEmbedding
                    {
                        EmbeddingVector = nextVector!,
                        EmbeddingModel = work.Next!.Value.Model.Id,
                        TextContent = x.Text,
                        TextHash = x.Hash,
                        CreatedAt = now,
                    });
                }

                batchWrites.Add(new UpdateOneModel<ContentEmbeddingDocument>(Builders<ContentEmbeddingDocument>.Filter.Eq(e => e.ContentId, item.Id), update) { IsUpsert = main is not null });
                work.Embedded++;
            }

            if (batchWrites.Count > 0)
            {
                await Embeddings.BulkWriteAsync(batchWrites, new BulkWriteOptions { IsOrdered = false }, cancellationToken);
                Embedded.Add(batchWrites.Count, new KeyValuePair<string, object?>("model", work.Target.Id));
            }
        }
    }

    private static (string Text, string Hash, EmbeddingModel Model) Text(CatalogItemText item, EmbeddingModel model)
    {
        var text = EmbeddingText.Compose(item, model);
        return (text, EmbeddingText.Hash(text), model);
    }

    /// <summary>The vectors of the non-null texts (null where none was asked). When the batch fails,
    /// each text is tried alone, so one item the model refuses (too long, filtered) does not hold
    /// back the others; when none succeeds alone either, the model is down and the pass fails.</summary>
    private async Task<float[]?[]> EmbedAsync(ModelRun run, string?[] texts, CancellationToken cancellationToken)
    {
        var asked = texts.Select((text, i) => (text, i)).Where(t => t.text is not null).ToList();
        var vectors = new float[]?[texts.Length];
        if (asked.Count == 0)
        {
            return vectors;
        }

        try
        {
            var embedded = await run.Generator.GenerateAsync(asked.Select(t => t.text!), cancellationToken: cancellationToken);
            foreach (var ((_, i), vector) in asked.Zip(embedded))
            {
                vectors[i] = Checked(run.Model, vector.Vector.ToArray());
            }

            return vectors;
        }
        catch (Exception batchError) when (batchError is not OperationCanceledException)
        {
            var succeeded = 0;
            foreach (var (text, i) in asked)
            {
                try
                {
                    vectors[i] = Checked(run.Model, (await run.Generator.GenerateAsync([text!], cancellationToken: cancellationToken))[0].Vector.ToArray());
                    succeeded++;
                }
                catch (Exception itemError) when (itemError is not OperationCanceledException)
                {
                    LogItemFailed(logger, itemError, run.Model.Id);
                }
            }

            return succeeded > 0 ? vectors : throw new InvalidOperationException($"The {run.Model.Id} model embedded none of {asked.Count} texts.", batchError);
        }
    }

    /// <summary>A vector of the model's dimension; anything else is the model's error, not a vector to store.</summary>
    private static float[] Checked(EmbeddingModel model, float[] vector) =>
        vector.Length == model.Dimensions ? vector : throw new InvalidOperationException($"The {model.Id} model answered a vector of {vector.Length} dimensions.");

    /// <summary>The taxonomy fields alone: the text hash belongs to the stored vector.</summary>
    private static UpdateDefinition<ContentEmbeddingDocument> Taxonomy(UpdateDefinition<ContentEmbeddingDocument> update, CatalogItemText item) =>
        update
            .Set(e => e.Metadata.SectionIds, [.. item.Sections])
            .Set(e => e.Metadata.ContentFormat, item.Format)
            .Set(e => e.Metadata.AudienceId, item.Audience)
            .Set(e => e.Metadata.GenreIds, [.. item.Genres])
            .Set(e => e.Metadata.TopicTags, [.. item.Topics])
            .Set(e => e.Metadata.Year, item.Year);

    private static bool SameTaxonomy(EmbeddingMetadata stored, CatalogItemText item) =>
        stored.SectionIds.SequenceEqual(item.Sections)
        && stored.ContentFormat == item.Format
        && stored.AudienceId == item.Audience
        && stored.GenreIds.SequenceEqual(item.Genres)
        && stored.TopicTags.SequenceEqual(item.Topics)
        && stored.Year == item.Year;

    /// <summary>Deletes the embeddings of items no longer in the catalog.</summary>
    private async Task<int> DeleteMissingAsync(HashSet<string> inCatalog, CancellationToken cancellationToken)
    {
        var orphans = new List<string>();
        using (var cursor = await Embeddings.Find(FilterDefinition<ContentEmbeddingDocument>.Empty)
                   .Project(e => e.ContentId)
                   .ToCursorAsync(cancellationToken))
        {
            while (await cursor.MoveNextAsync(cancellationToken))
            {
                orphans.AddRange(cursor.Current.Where(id => !inCatalog.Contains(id)));
            }
        }

        var deleted = 0L;
        foreach (var chunk in orphans.Chunk(ReadChunk))
        {
            deleted += (await Embeddings.DeleteManyAsync(e => chunk.Contains(e.ContentId), cancellationToken)).DeletedCount;
        }

        return (int)deleted;
    }

    /// <summary>After a full pass: outside a model change, drops the vectors of an abandoned one;
    /// during one, switches to the new model once every item has its vector and its index answers.</summary>
    private async Task FinishModelChangeAsync(PassWork work, EmbeddingModel active, bool indexReady, CancellationToken cancellationToken)
    {
        if (!work.Switching)
        {
            await Embeddings.UpdateManyAsync(e => e.Pending != null, Builders<ContentEmbeddingDocument>.Update.Unset(e => e.Pending), cancellationToken: cancellationToken);
            return;
        }

        var waiting = await Embeddings.CountDocumentsAsync(
            e => e.EmbeddingModel != work.Target.Id && (e.Pending == null || e.Pending.EmbeddingModel != work.Target.Id),
            cancellationToken: cancellationToken);
        if (waiting > 0 || !indexReady)
        {
            return;
        }

        await Embeddings.UpdateManyAsync(
            e => e.Pending != null && e.Pending.EmbeddingModel == work.Target.Id,
            Builders<ContentEmbeddingDocument>.Update.Pipeline(new MongoDB.Bson.BsonDocument[]
            {
                new("$set", new MongoDB.Bson.BsonDocument
                {
                    ["embedding_vector"] = "$pending.embedding_vector",
                    ["embedding_model"] = "$pending.embedding_model",
                    ["text_content"] = "$pending.text_content",
                    ["metadata.text_hash"] = "$pending.text_hash",
                    ["created_at"] = "$pending.created_at",
                }),
                new("$unset", "pending"),
            }),
            cancellationToken: cancellationToken);
        await States.UpdateOneAsync(
            s => s.Id == AiSearchStateDocument.IndexerId && s.ActiveModel == active.Id,
            Builders<AiSearchStateDocument>.Update.Set(s => s.ActiveModel, work.Target.Id),
            cancellationToken: cancellationToken);
        LogSwitched(logger, active.Id, work.Target.Id);
    }

    /// <summary>Takes or renews the lease; false while another instance holds it.</summary>
    private async Task<bool> ClaimAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        try
        {
            await States.UpdateOneAsync(
                s => s.Id == AiSearchStateDocument.IndexerId && (s.LeaseHolder == null || s.LeaseHolder == _instance || s.LeaseUntil == null || s.LeaseUntil < now),
                Builders<AiSearchStateDocument>.Update.Set(s => s.LeaseHolder, _instance).Set(s => s.LeaseUntil, now + settings.LeaseDuration),
                new UpdateOptions { IsUpsert = true },
                cancellationToken);
            return true;
        }
        catch (MongoException error) when (MongoErrors.IsDuplicateKey(error))
        {
            return false;
        }
    }

    /// <summary>Creates the model's vector index unless it exists; false while it does not answer
    /// queries, or when the server cannot list or create search indexes (no search node, or a user
    /// without the right): indexing goes on, and searches wait for the index.</summary>
    private async Task<bool> EnsureIndexAsync(EmbeddingModel model, CancellationToken cancellationToken)
    {
        try
        {
            return await vectorIndex.EnsureAsync(model, cancellationToken);
        }
        catch (MongoCommandException error)
        {
            LogIndexUnavailable(logger, model.Id, error.CodeName ?? error.Code.ToString(System.Globalization.CultureInfo.InvariantCulture));
            return false;
        }
    }

    /// <summary>Renews the lease within a long pass; stops the pass if another instance took over.</summary>
    private async Task KeepLeaseAsync(CancellationToken cancellationToken)
    {
        if (!await ClaimAsync(cancellationToken))
        {
            throw new LeaseLostException();
        }
    }

    private async Task RecordFailureAsync(Exception error, CancellationToken cancellationToken)
    {
        try
        {
            var now = time.GetUtcNow().UtcDateTime;
            await States.UpdateOneAsync(
                s => s.Id == AiSearchStateDocument.IndexerId && s.LeaseHolder == _instance,
                Builders<AiSearchStateDocument>.Update.Set(s => s.LastRun, new IndexerRun
                {
                    Kind = "failed",
                    StartedAt = now,
                    FinishedAt = now,
                    Error = error.GetType().Name,
                }),
                cancellationToken: cancellationToken);
        }
        catch (Exception recording) when (recording is not OperationCanceledException)
        {
            // The database is most likely what failed, and the log has the first error.
        }
    }

    private sealed class LeaseLostException : Exception;

    /// <summary>A model and this instance's generator for it.</summary>
    private readonly record struct ModelRun(EmbeddingModel Model, Microsoft.Extensions.AI.IEmbeddingGenerator<string, Microsoft.Extensions.AI.Embedding<float>> Generator);

    /// <summary>What an item needs: a stored vector of the main model, a pending one of the next.</summary>
    private sealed record ItemWork(CatalogItemText Item, (string Text, string Hash, EmbeddingModel Model)? Main, (string Text, string Hash, EmbeddingModel Model)? Next, bool Switching);

    /// <summary>A pass's models and counts. <see cref="Main"/> makes the stored vectors (the active
    /// model during a change, while this instance can run it); <see cref="Next"/>, during a change,
    /// the pending ones.</summary>
    private sealed class PassWork(EmbeddingModel target, ModelRun main, ModelRun? next, DateTime? reindexAt)
    {
        public EmbeddingModel Target { get; } = target;

        public ModelRun Main { get; } = main;

        public ModelRun? Next { get; } = next;

        public bool Switching => Next is not null;

        public DateTime? ReindexAt { get; } = reindexAt;

        public int Embedded { get; set; }

        public int Updated { get; set; }

        public int Deleted { get; set; }

        public int Failed { get; set; }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The {Model} model could not embed an item; it is tried again at the next full pass")]
    private static partial void LogItemFailed(ILogger logger, Exception error, string model);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The vector search index of {Model} cannot be listed or created ({Reason}); create it as the README says")]
    private static partial void LogIndexUnavailable(ILogger logger, string model, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "The embedding indexer failed; retrying")]
    private static partial void LogFailed(ILogger logger, Exception error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The catalog's change stream broke; the indexer reopens it and compares the whole catalog")]
    private static partial void LogStreamBroke(ILogger logger, Exception error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Embedding indexer {Kind}: {Embedded} embedded, {Updated} taxonomy updates, {Deleted} deleted, {Failed} failed ({Model})")]
    private static partial void LogPass(ILogger logger, string kind, int embedded, int updated, int deleted, int failed, string model);

    [LoggerMessage(Level = LogLevel.Information, Message = "AI search switched from {From} to {To}: every item has a vector of the new model")]
    private static partial void LogSwitched(ILogger logger, string from, string to);
}
