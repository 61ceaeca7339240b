using System.Diagnostics.Metrics;
using BayitPlus.Api.Infrastructure.Audit;
using BayitPlus.Api.Infrastructure.Auth;
using BayitPlus.Api.Infrastructure.Mongo;
using BayitPlus.Api.Infrastructure.Telemetry;
using Mediator;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Infrastructure.Pipeline;

/// <summary>Records every successful <see cref="IAuditedCommand"/> in the audit trail: the resource
/// document is read before and after the handler, and the fields that changed are kept. Runs after
/// validation, so a rejected command leaves no record; a failed write is logged and counted but
/// never fails the user's request, which has already succeeded.</summary>
public sealed partial class AuditBehavior<TMessage, TResponse>(
    MongoContext db,
    IAuditTrail trail,
    IHttpContextAccessor http,
    TimeProvider time,
    ILogger<AuditBehavior<TMessage, TResponse>> logger) : IPipelineBehavior<TMessage, TResponse>
    where TMessage : notnull, IMessage
{
    private static readonly Counter<long> WriteFailures = BayitPlusTelemetry.Meter.CreateCounter<long>(
        "bayitplus.audit.write_failures", description: "Audit records that could not be written");

    // Enough for any real browser's; a client cannot fill the trail with a giant header.
    private const int MaxUserAgentLength = 512;

    public async ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        if (message is not IAuditedCommand audited)
        {
            return await next(message, cancellationToken);
        }

        var target = audited.Audit;
        if (target.Atomic)
        {
            return await HandleAtomicallyAsync(message, target, next, cancellationToken);
        }

        var before = await ReadAsync(target, target.ResourceId, null, cancellationToken);
        var response = await next(message, cancellationToken);
        var resourceId = target.ResourceId ?? (response as IHasId)?.Id;
        try
        {
            // The command has taken effect: a client hanging up now must not lose its record.
            var after = await ReadAsync(target, resourceId, null, CancellationToken.None);
            await trail.WriteAsync(Record(target, resourceId, before, after), CancellationToken.None);
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            WriteFailures.Add(1, new KeyValuePair<string, object?>("action_type", target.ActionType));
            LogWriteFailed(logger, error, target.ActionType, target.ResourceType, resourceId);
        }

        return response;
    }

    /// <summary>Runs the handler and writes its record in one transaction: a failed write undoes the
    /// change and fails the request.</summary>
    private async ValueTask<TResponse> HandleAtomicallyAsync(TMessage message, AuditTarget target, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        using var session = await db.Client.StartSessionAsync(cancellationToken: cancellationToken);
        AuditTransaction.Attempt? committed = null;
        var result = await session.WithTransactionAsync(
            async (transaction, token) =>
            {
                var attempt = new AuditTransaction.Attempt(transaction);
                AuditTransaction.Enter(attempt);
                try
                {
                    var before = await ReadAsync(target, target.ResourceId, transaction, token);
                    var response = await next(message, token);
                    var resourceId = target.ResourceId ?? (response as IHasId)?.Id;
                    var after = await ReadAsync(target, resourceId, transaction, token);
                    await trail.WriteAsync(Record(target, resourceId, before, after), token);
                    committed = attempt;
                    return response;
                }
                finally
                {
                    AuditTransaction.Enter(null);
                }
            },
            cancellationToken: cancellationToken);
        foreach (var action in committed?.AfterCommit ?? [])
        {
            action();
        }

        return result;
    }

    private AuditRecord Record(AuditTarget target, string? resourceId, BsonDocument? before, BsonDocument? after)
    {
        var context = http.HttpContext;
        return new AuditRecord(
            context?.User.Identity?.IsAuthenticated == true ? context.User.Id() : null,
            target.ActionType,
            target.ResourceType,
            resourceId,
            AuditChanges.Between(before, after),
            context?.Connection.RemoteIpAddress?.ToString(),
            context?.Request.Headers.UserAgent.ToString() is { Length: > 0 } agent ? agent[..Math.Min(agent.Length, MaxUserAgentLength)] : null,
            time.GetUtcNow().UtcDateTime);
    }

    private async Task<BsonDocument?> ReadAsync(AuditTarget target, string? resourceId, IClientSessionHandle? session, CancellationToken cancellationToken)
    {
        if (resourceId is null)
        {
            return null;
        }

        BsonValue key = resourceId;
        if (target.KeyField == "_id")
        {
            // A malformed id names no document; the handler answers it with its own 404.
            if (!ObjectId.TryParse(resourceId, out var id))
            {
                return null;
            }

            key = id;
        }

        var collection = db.Collection<BsonDocument>(target.Collection);
        var filter = new BsonDocument(target.KeyField, key);
        var find = session is null ? collection.Find(filter) : collection.Find(session, filter);
        return await find.FirstOrDefaultAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Audit record for {ActionType} on {ResourceType} {ResourceId} could not be written")]
    private static partial void LogWriteFailed(ILogger logger, Exception error, string actionType, string resourceType, string? resourceId);
}
