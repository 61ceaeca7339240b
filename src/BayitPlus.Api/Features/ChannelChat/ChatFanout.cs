using BayitPlus.Api.Infrastructure.Mongo;
using MongoDB.Bson;
using MongoDB.Bson.Serialization;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.ChannelChat;

/// <summary>
/// Delivers chat to this instance's sockets from a MongoDB change stream over the messages and the
/// mutes, so every instance on the database sees every message, deletion, pin and mute, whichever
/// instance wrote it (the Python services included). The stream resumes after its last event when
/// it breaks (the driver retries once by itself; this loop retries after anything else). If the
/// server no longer has that point of its history, it starts again from now, and says so in the log.
/// </summary>
public sealed partial class ChatFanout(MongoContext db, ChatHub hub, TimeProvider time, ILogger<ChatFanout> logger) : BackgroundService
{
    /// <summary>The close code telling clients to reconnect: this instance missed events.</summary>
    public const int Restarting = 1012;

    private const int ChangeStreamHistoryLost = 286;
    private const int InvalidResumeToken = 260;
    private const int ChangeStreamFatalError = 280;
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    private volatile TaskCompletionSource _watching = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes while the stream is open: a socket accepted before it opens (or while it
    /// is broken) could miss what is written meanwhile, so upgrades wait for it.</summary>
    public Task Watching => _watching.Task;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        BsonDocument? resumeAfter = null;
        var missedEvents = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var options = new ChangeStreamOptions { FullDocument = ChangeStreamFullDocumentOption.UpdateLookup, ResumeAfter = resumeAfter };
                using var cursor = await db.Database.WatchAsync(Changes(), options, stoppingToken);
                if (missedEvents)
                {
                    // Only now that the new stream is open: a socket closed earlier could rejoin in
                    // between and miss what is written before it opens.
                    hub.CloseAll(Restarting, "the chat missed events; reconnect");
                    missedEvents = false;
                }

                _watching.TrySetResult();
                while (await cursor.MoveNextAsync(stoppingToken))
                {
                    foreach (var change in cursor.Current)
                    {
                        DispatchSafely(change);
                        resumeAfter = change.ResumeToken;
                    }

                    resumeAfter = cursor.GetResumeToken() ?? resumeAfter;
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (MongoCommandException lost) when (lost.Code is ChangeStreamHistoryLost or InvalidResumeToken or ChangeStreamFatalError)
            {
                // Events in between are gone for this instance: its clients reconnect and read the
                // history again rather than carry on with a silent gap.
                LogHistoryLost(logger, lost);
                Broken();
                missedEvents = true;
                resumeAfter = null;
            }
            catch (Exception error) when (error is MongoException or TimeoutException)
            {
                LogInterrupted(logger, error);
                Broken();
                await Task.Delay(RetryDelay, time, stoppingToken);
            }
        }
    }

    private void Broken()
    {
        if (_watching.Task.IsCompleted)
        {
            _watching = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    private static PipelineDefinition<ChangeStreamDocument<BsonDocument>, ChangeStreamDocument<BsonDocument>> Changes() =>
        new EmptyPipelineDefinition<ChangeStreamDocument<BsonDocument>>().Match(new BsonDocument
        {
            ["ns.coll"] = new BsonDocument("$in", new BsonArray { ChannelChatMessageDocument.CollectionName, ChatMuteDocument.CollectionName }),
            ["operationType"] = new BsonDocument("$in", new BsonArray { "insert", "update", "replace" }),
        });

    /// <summary>A document this slice cannot read (another service wrote it in another shape, e.g.
    /// without a channel) is skipped with a warning: it must neither stop the stream nor the host.</summary>
    private void DispatchSafely(ChangeStreamDocument<BsonDocument> change)
    {
        try
        {
            Dispatch(change);
        }
        catch (Exception unreadable) when (unreadable is not OperationCanceledException)
        {
            LogUnreadable(logger, unreadable, change.DocumentKey?.ToString());
        }
    }

    private void Dispatch(ChangeStreamDocument<BsonDocument> change)
    {
        if (change.FullDocument is not { } document)
        {
            return;
        }

        if (change.CollectionNamespace.CollectionName == ChatMuteDocument.CollectionName)
        {
            var mute = BsonSerializer.Deserialize<ChatMuteDocument>(document);
            hub.SendTo(mute.ChannelId, mute.UserId, mute.Until > time.GetUtcNow().UtcDateTime ? ChatFrames.Muted(mute.Until) : ChatFrames.Unmuted());
            return;
        }

        var message = BsonSerializer.Deserialize<ChannelChatMessageDocument>(document);
        var changed = change.UpdateDescription?.UpdatedFields;
        if (change.OperationType == ChangeStreamOperationType.Insert)
        {
            if (!message.IsDeleted)
            {
                hub.Broadcast(message.ChannelId, ChatFrames.Message(ChatMessageResponse.From(message)));
            }
        }
        else if (change.OperationType == ChangeStreamOperationType.Replace)
        {
            // Another service rewrote a message clients already have: only a deletion is news.
            if (message.IsDeleted)
            {
                hub.Broadcast(message.ChannelId, ChatFrames.Deleted(message.Id));
            }
        }
        else if (changed is not null && changed.TryGetValue("is_deleted", out var deleted) && deleted == true)
        {
            hub.Broadcast(message.ChannelId, ChatFrames.Deleted(message.Id));
        }
        else if (changed is not null && changed.TryGetValue("is_pinned", out var pinned) && pinned.IsBoolean)
        {
            hub.Broadcast(message.ChannelId, ChatFrames.Pinned(message.Id, pinned.AsBoolean));
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A chat change of {DocumentKey} could not be read; skipped")]
    private static partial void LogUnreadable(ILogger logger, Exception error, string? documentKey);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The chat change stream broke; resuming after its last event")]
    private static partial void LogInterrupted(ILogger logger, Exception error);

    [LoggerMessage(Level = LogLevel.Error, Message = "The chat change stream cannot resume (the server's history no longer reaches its last event); restarting from now: chat events in between were not delivered to this instance's sockets")]
    private static partial void LogHistoryLost(ILogger logger, Exception error);
}
