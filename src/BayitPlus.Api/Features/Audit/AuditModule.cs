using System.Text.Json.Nodes;
using BayitPlus.Api.Infrastructure;
using BayitPlus.Api.Infrastructure.Auth;
using BayitPlus.Api.Infrastructure.Mongo;
using Carter;
using FluentValidation;
using Mediator;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.Audit;

/// <summary>One audit record as admins read it.</summary>
public sealed record AuditEntry(
    string Id,
    string? UserId,
    string ActionType,
    string ResourceType,
    string? ResourceId,
    JsonObject Changes,
    string? IpAddress,
    string? UserAgent,
    DateTime CreatedAt);

/// <summary>Admin: the audit trail newest first, filtered by user, action, resource and time range,
/// in keyset pages (<c>created_at</c>, then <c>_id</c>), so records written while an admin pages
/// through never shift a page.</summary>
public static class ListAuditLog
{
    private static readonly Keyset<AuditLogDocument> Newest = new("audit", "created_at", BsonType.DateTime, a => a.CreatedAt, a => a.Id);

    public sealed record Query(
        string? UserId,
        string? ActionType,
        string? ResourceType,
        string? ResourceId,
        string? From,
        string? To,
        string? Cursor,
        string? Limit) : IQuery<Page<AuditEntry>>;

    public sealed class Validator : AbstractValidator<Query>
    {
        public Validator()
        {
            RuleFor(q => q.Limit).PageLimit();
            RuleFor(q => q.Cursor).PageCursor(Newest);
            this.TimeRangeRules(q => q.From, q => q.To);
            RuleFor(q => q.UserId).MaximumLength(100).WithMessage("User id must be at most 100 characters long.");
            RuleFor(q => q.ActionType).MaximumLength(100).WithMessage("Action type must be at most 100 characters long.");
            RuleFor(q => q.ResourceType).MaximumLength(100).WithMessage("Resource type must be at most 100 characters long.");
            RuleFor(q => q.ResourceId).MaximumLength(100).WithMessage("Resource id must be at most 100 characters long.");
        }
    }

    public sealed class Handler(MongoContext db) : IQueryHandler<Query, Page<AuditEntry>>
    {
        public async ValueTask<Page<AuditEntry>> Handle(Query query, CancellationToken cancellationToken)
        {
            var filter = Builders<AuditLogDocument>.Filter;
            var conditions = new List<FilterDefinition<AuditLogDocument>> { TimeRange.Filter<AuditLogDocument>(a => a.CreatedAt, query.From, query.To) };
            if (query.UserId is not null)
            {
                conditions.Add(filter.Eq(a => a.UserId, query.UserId));
            }

            if (query.ActionType is not null)
            {
                conditions.Add(filter.Eq(a => a.ActionType, query.ActionType));
            }

            if (query.ResourceType is not null)
            {
                conditions.Add(filter.Eq(a => a.ResourceType, query.ResourceType));
            }

            if (query.ResourceId is not null)
            {
                conditions.Add(filter.Eq(a => a.ResourceId, query.ResourceId));
            }

            var page = await Newest.ReadAsync(
                db.Collection<AuditLogDocument>(AuditLogDocument.CollectionName), filter.And(conditions), query.Cursor, query.Limit, cancellationToken);
            return page.Select(ToEntry);
        }

        private static AuditEntry ToEntry(AuditLogDocument record) => new(
            record.Id, record.UserId, record.ActionType, record.ResourceType, record.ResourceId,
            JsonBson.ToJson(record.Changes), record.IpAddress, record.UserAgent, record.CreatedAt);
    }
}

/// <summary>The audit trail for admins: <c>/api/admin/audit</c>.</summary>
public sealed class AuditModule : ICarterModule
{
    public void AddRoutes(IEndpointRouteBuilder app) => app
        .MapGet("/api/admin/audit", async (
            string? userId, string? actionType, string? resourceType, string? resourceId,
            string? from, string? to, string? cursor, string? limit, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(new ListAuditLog.Query(userId, actionType, resourceType, resourceId, from, to, cursor, limit), ct)))
        .WithTags("Admin")
        .RequireAuthorization(Policies.Admin)
        .WithPaging()
        .WithTimeRange()
        .WithName("ListAuditLog")
        .WithSummary("Admin: the audit trail, newest first, filtered by user, action, resource and time range")
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status401Unauthorized)
        .ProducesProblem(StatusCodes.Status403Forbidden);
}
