using System.Text.Json.Nodes;
using BayitPlus.Api.Infrastructure;
using BayitPlus.Api.Infrastructure.Audit;
using BayitPlus.Api.Infrastructure.Mongo;
using BayitPlus.Api.Infrastructure.Validation;
using FluentValidation;
using Mediator;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.Audit;

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
        string? Limit) : IQuery<Page<AuditEntryResponse>>;

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

    public sealed class Handler(MongoContext db) : IQueryHandler<Query, Page<AuditEntryResponse>>
    {
        public async ValueTask<Page<AuditEntryResponse>> Handle(Query query, CancellationToken cancellationToken)
        {
            var filter = Builders<AuditLogDocument>.Filter;
            var conditions = filter.And(
                TimeRange.Filter<AuditLogDocument>(a => a.CreatedAt, query.From, query.To),
                query.UserId is null ? filter.Empty : filter.Eq(a => a.UserId, query.UserId),
                query.ActionType is null ? filter.Empty : filter.Eq(a => a.ActionType, query.ActionType),
                query.ResourceType is null ? filter.Empty : filter.Eq(a => a.ResourceType, query.ResourceType),
                query.ResourceId is null ? filter.Empty : filter.Eq(a => a.ResourceId, query.ResourceId));
            var page = await Newest.ReadAsync(
                db.Collection<AuditLogDocument>(AuditLogDocument.CollectionName), conditions, query.Cursor, query.Limit, cancellationToken);
            return page.Select(AuditEntryResponse.From);
        }
    }

    internal static void Map(RouteGroupBuilder group) => group
        .MapGet("", async (
            string? userId, string? actionType, string? resourceType, string? resourceId,
            string? from, string? to, string? cursor, string? limit, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(new Query(userId, actionType, resourceType, resourceId, from, to, cursor, limit), ct)))
        .WithQueryRules<Query>()
        .WithName("ListAuditLog")
        .WithSummary("Admin: the audit trail, newest first, filtered by user, action, resource and time range")
        .WithDescription("One record per successful change. Each record's `changes` holds `{ before, after }` with only the fields " +
            "that changed, named as the API names them (`subscriptionTier`, `isActive`); keys inside free-form values such as " +
            "`preferences` are the client's own and shown as sent, and secrets show as \"[redacted]\". Records are kept one year.")
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status401Unauthorized)
        .ProducesProblem(StatusCodes.Status403Forbidden);
}

/// <summary>One audit record as admins read it.</summary>
/// <param name="Id">The record's id.</param>
/// <param name="UserId">Who made the change; null for an anonymous request (a registration).</param>
/// <param name="ActionType">What was done, as <c>resource.action</c> (<c>user.role_changed</c>, <c>content.patched</c>).</param>
/// <param name="ResourceType">The kind of resource changed (<c>user</c>, <c>profile</c>, <c>content</c>).</param>
/// <param name="ResourceId">The id of the resource changed.</param>
/// <param name="Changes"><c>{ before, after }</c>: the fields of the resource that changed, under
/// the API's camelCase names (<c>subscriptionTier</c>, <c>isActive</c>); a created resource has a null
/// <c>before</c>, a deleted one a null <c>after</c>. The keys inside free-form values (such as
/// <c>preferences</c>) are the client's own and appear exactly as the client sent them; secrets
/// show as "[redacted]".</param>
/// <param name="IpAddress">The address the request came from.</param>
/// <param name="UserAgent">The request's User-Agent, cut to 512 characters.</param>
/// <param name="CreatedAt">When the change was made.</param>
public sealed record AuditEntryResponse(
    string Id,
    string? UserId,
    string ActionType,
    string ResourceType,
    string? ResourceId,
    JsonObject Changes,
    string? IpAddress,
    string? UserAgent,
    DateTime CreatedAt)
{
    public static AuditEntryResponse From(AuditLogDocument record) => new(
        record.Id, record.UserId, record.ActionType, record.ResourceType, record.ResourceId,
        ApiFieldNames.ToJson(record.Changes), record.IpAddress, record.UserAgent, record.CreatedAt);
}
