using BayitPlus.MongoEmulator.Bson;
using BayitPlus.MongoEmulator.Engine;
using Microsoft.Extensions.Logging;
using MongoDB.Bson;

namespace BayitPlus.MongoEmulator.Wire;

/// <summary>Routes one command to the handshake or the executor and turns whatever the executor
/// throws into an <c>ok: 0</c> reply, so no command can take a connection down.</summary>
internal sealed class CommandRunner(ICommandExecutor executor, Handshake handshake, ILogger logger)
{
    public async ValueTask<BsonDocument> RunAsync(string database, BsonDocument command, ConnectionInfo connection, CancellationToken cancellationToken)
    {
        var name = command.ElementCount > 0 ? command.GetElement(0).Name : "";
        if (Handshake.IsHandshake(name, out var legacy))
        {
            if (command.GetValue("client", null) is BsonDocument client && client.GetValue("application", null) is BsonDocument application)
            {
                connection.AppName = application.GetValue("name", BsonNull.Value) as BsonString is { } appName ? appName.Value : null;
            }

            if (command.GetValue("lsid", null) is { } lsid)
            {
                executor.AttachSession(lsid);
            }

            return handshake.Reply(command, legacy, connection.ConnectionId);
        }

        try
        {
            return await executor.ExecuteAsync(database, command, connection, cancellationToken);
        }
        catch (MongoErrorException ex)
        {
            return new BsonDocument("ok", 0.0).AddRange(ex.ToErrorDocument());
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (FailPointConnectionClose)
        {
            throw;
        }
        catch (Exception ex)
        {
            WireLog.CommandFailed(logger, name, database, ex);
            return Failure(ErrorCodes.InternalError, ErrorCodes.NameOf(ErrorCodes.InternalError), ex.Message);
        }
    }

    public static BsonDocument Failure(int code, string codeName, string message) => new()
    {
        { "ok", 0.0 },
        { "errmsg", message },
        { "code", code },
        { "codeName", codeName },
    };
}
