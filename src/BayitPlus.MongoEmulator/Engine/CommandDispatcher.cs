using BayitPlus.MongoEmulator.Bson;
using MongoDB.Bson;

namespace BayitPlus.MongoEmulator.Engine;

/// <summary>Executes commands against the in-memory store. Commands run one at a time under the
/// store's lock (which is what makes each write atomic); only a change stream's getMore waits
/// outside it.</summary>
internal sealed partial class CommandDispatcher : ICommandExecutor, IAsyncDisposable
{
    private static readonly HashSet<string> TransactionCommands =
        ["find", "getMore", "killCursors", "insert", "update", "delete", "findAndModify", "aggregate", "distinct", "bulkWrite", "commitTransaction", "abortTransaction"];

    /// <summary>The arguments MongoDB 8.0 accepts on every command (its API version 1 generic
    /// arguments), which the strict parsers of create, find and bulkWrite let through.</summary>
    private static readonly HashSet<string> GenericArguments =
    [
        "apiVersion", "apiStrict", "apiDeprecationErrors", "$db", "maxTimeMS", "readConcern", "writeConcern", "lsid",
        "clientOperationKey", "txnNumber", "autocommit", "startTransaction", "stmtId", "comment", "$readPreference", "$clusterTime",
    ];

    private readonly ServerStore _store;
    private readonly CursorManager _cursors = new();
    private readonly Dictionary<BsonValue, Session> _sessions = new(BsonOrder.Instance);
    private readonly ITimer _maintenance;
    private FailPoint? _failPoint;

    public CommandDispatcher(MongoEmulatorOptions options)
    {
        _store = new ServerStore(options.Time, options.ChangeHistoryEntries);
        _maintenance = options.Time.CreateTimer(_ => RunMaintenance(), null, options.TtlMonitorInterval, options.TtlMonitorInterval);
    }

    private delegate BsonDocument Handler(CommandDispatcher dispatcher, BsonDocument command, OperationContext operation, Session? session);

    public async ValueTask<BsonDocument> ExecuteAsync(string database, BsonDocument command, ConnectionInfo connection, CancellationToken cancellationToken)
    {
        if (command.ElementCount == 0)
        {
            return Failure(new MongoErrorException(ErrorCodes.FailedToParse, "empty command"));
        }

        var name = command.GetElement(0).Name;
        try
        {
            Handler handler;
            Session? session;
            FailPoint? failing;
            lock (_store.Sync)
            {
                handler = Handlers.TryGetValue(name, out var found)
                    ? found
                    : throw new MongoErrorException(ErrorCodes.CommandNotFound, $"no such command: '{name}'");

                // As on the server, the session is registered before the fail point is evaluated, so a
                // command the fail point fails still counts as the session's use.
                session = command.TryGetValue("lsid", out var lsid) && !SessionlessCommands.Contains(name) ? GetSession(lsid) : null;
                failing = _failPoint is { } failPoint && failPoint.Triggers(name, connection.AppName) ? failPoint : null;
            }

            if (failing is not null)
            {
                await ApplyFailPointAsync(failing, cancellationToken).ConfigureAwait(false);
            }

            if (name == "getMore" && TryGetStream(command) is { } stream)
            {
                return WithOperationTime(await GetMoreStreamAsync(command, stream.Cursor, stream.Stream, cancellationToken).ConfigureAwait(false));
            }

            lock (_store.Sync)
            {
                return WithOperationTime(Execute(database, name, command, handler, session, failing));
            }
        }
        catch (MongoErrorException error)
        {
            return Failure(error);
        }
        catch (InvalidCastException error)
        {
            return Failure(MongoErrorException.TypeMismatch($"a field of the '{name}' command has the wrong type: {error.Message}"));
        }
        catch (KeyNotFoundException error)
        {
            return Failure(MongoErrorException.FailedToParse($"the '{name}' command is missing a required field: {error.Message}"));
        }
    }

    public async ValueTask DisposeAsync() => await _maintenance.DisposeAsync().ConfigureAwait(false);

    /// <summary>The commands the server runs without attaching the lsid they carry, so that killing
    /// sessions does not start (or kill) the caller's own.</summary>
    private static readonly HashSet<string> SessionlessCommands = ["killSessions", "killAllSessions", "killAllSessionsByPattern"];

    /// <summary>Commands that need a collection's own documents or indexes: a view has neither.</summary>
    private static readonly HashSet<string> ViewRefusingCommands =
        ["insert", "update", "delete", "findAndModify", "findandmodify", "createIndexes", "dropIndexes", "deleteIndexes", "listIndexes", "createSearchIndexes"];

    private static BsonDocument Failure(MongoErrorException error)
    {
        var reply = new BsonDocument("ok", 0.0);
        reply.AddRange(error.ToErrorDocument());
        return reply;
    }

    private BsonDocument WithOperationTime(BsonDocument reply)
    {
        reply["operationTime"] = _store.ClusterTime;
        return reply;
    }

    /// <summary>What a triggered fail point does before the command runs, in the server's order:
    /// block the command, then close the connection or fail the command.</summary>
    private async Task ApplyFailPointAsync(FailPoint failing, CancellationToken cancellationToken)
    {
        if (failing.BlockTime is { } block)
        {
            await Task.Delay(block, _store.Time, cancellationToken).ConfigureAwait(false);
        }

        if (failing.CloseConnection)
        {
            throw new FailPointConnectionClose();
        }

        if (failing.ErrorCode is { } failCode)
        {
            throw new MongoErrorException(failCode, "Failing command via 'failCommand' failpoint", errorLabels: [.. failing.ErrorLabels]);
        }
    }

    private BsonDocument Execute(string database, string name, BsonDocument command, Handler handler, Session? session, FailPoint? failing)
    {
        if (ViewRefusingCommands.Contains(name) && command.GetElement(0).Value is BsonString target && _store.Find(database, target.Value)?.View is not null)
        {
            throw new MongoErrorException(ErrorCodes.CommandNotSupportedOnView, $"Namespace {database}.{target.Value} is a view, not a collection");
        }

        var transaction = ResolveTransaction(name, command, session);
        var let = command.GetValue("let", null) as BsonDocument;
        var operation = new OperationContext(_store, database, transaction, let);
        operation.BypassValidation = command.GetValue("bypassDocumentValidation", false).ToBoolean();
        try
        {
            var reply = handler(this, command, operation, session);
            if (!reply.Contains("ok"))
            {
                reply.Add("ok", 1.0);
            }

            if (failing?.WriteConcernError is { } writeConcernError)
            {
                reply["writeConcernError"] = writeConcernError.DeepClone();
                if (failing.ErrorLabels.Any())
                {
                    reply["errorLabels"] = new BsonArray(failing.ErrorLabels);
                }
            }

            return reply;
        }
        catch (MongoErrorException) when (transaction is { State: TransactionState.Open } && name is not ("commitTransaction" or "abortTransaction"))
        {
            // As on a real server, a failed statement aborts its transaction.
            transaction.Abort(_store);
            throw;
        }
    }

    private BsonDocument ConfigureFailPoint(BsonDocument command, OperationContext operation)
    {
        if (operation.Database != "admin")
        {
            throw new MongoErrorException(13, "configureFailPoint may only be run against the admin database.");
        }

        _failPoint = FailPoint.Configure(command);
        return new BsonDocument("count", 0);
    }

    public void AttachSession(BsonValue lsid)
    {
        lock (_store.Sync)
        {
            GetSession(lsid);
        }
    }

    private Session GetSession(BsonValue lsid)
    {
        var id = lsid is BsonDocument doc && doc.TryGetValue("id", out var value) ? value : lsid;
        if (!_sessions.TryGetValue(id, out var session))
        {
            session = new Session(id);
            _sessions.Add(id, session);
        }

        session.LastUsed = _store.Now;
        return session;
    }

    private Transaction? ResolveTransaction(string name, BsonDocument command, Session? session)
    {
        if (!command.TryGetValue("autocommit", out var autocommit) || autocommit.ToBoolean())
        {
            if (name is "commitTransaction" or "abortTransaction")
            {
                throw new MongoErrorException(ErrorCodes.NoSuchTransaction, "Given transaction number does not match any in-progress transactions.", errorLabels: ["TransientTransactionError"]);
            }

            return null;
        }

        if (session is null || !command.TryGetValue("txnNumber", out var txnValue))
        {
            throw MongoErrorException.BadValue("a transaction requires lsid and txnNumber");
        }

        if (!TransactionCommands.Contains(name))
        {
            throw new MongoErrorException(ErrorCodes.OperationNotSupportedInTransaction, $"Cannot run '{name}' in a multi-document transaction.");
        }

        var txnNumber = txnValue.ToInt64();
        var current = session.Transaction;
        if (command.GetValue("startTransaction", false).ToBoolean())
        {
            if (current is not null && current.TxnNumber >= txnNumber)
            {
                throw new MongoErrorException(ErrorCodes.BadValue, $"txnNumber {txnNumber} is not newer than the session's last transaction {current.TxnNumber}");
            }

            if (current is { State: TransactionState.Open })
            {
                current.Abort(_store);
            }

            current = new Transaction(txnNumber, _store.Version, _store.Now);
            session.Transaction = current;
            return current;
        }

        if (current is null || current.TxnNumber != txnNumber)
        {
            throw new MongoErrorException(ErrorCodes.NoSuchTransaction, $"Transaction {txnNumber} has been aborted or never started.", errorLabels: ["TransientTransactionError"]);
        }

        return current.State switch
        {
            TransactionState.Open => current,
            TransactionState.Committed when name is "commitTransaction" => current,
            TransactionState.Committed => throw new MongoErrorException(ErrorCodes.TransactionCommitted, $"Transaction {txnNumber} has been committed."),
            _ when name is "abortTransaction" => current,
            _ => throw new MongoErrorException(ErrorCodes.NoSuchTransaction, $"Transaction {txnNumber} has been aborted.", errorLabels: ["TransientTransactionError"]),
        };
    }

    private void RunMaintenance()
    {
        lock (_store.Sync)
        {
            var now = _store.Now;
            TtlMonitor.RemoveExpired(_store, now);
            _cursors.CloseIdle(now);
            foreach (var session in _sessions.Values.ToList())
            {
                if (session.Transaction is { State: TransactionState.Open } open && now - open.StartedAt > TransactionLifetime)
                {
                    open.Abort(_store);
                }

                if (now - session.LastUsed > SessionTimeout)
                {
                    _sessions.Remove(session.Id);
                }
            }
        }
    }

    /// <summary>MongoDB's default transactionLifetimeLimitSeconds: an abandoned transaction must
    /// not hold its documents forever.</summary>
    private static readonly TimeSpan TransactionLifetime = TimeSpan.FromSeconds(60);

    /// <summary>The logicalSessionTimeoutMinutes the handshake advertises.</summary>
    private static readonly TimeSpan SessionTimeout = TimeSpan.FromMinutes(30);
}
