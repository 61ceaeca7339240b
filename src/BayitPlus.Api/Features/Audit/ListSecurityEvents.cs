using System.ComponentModel.DataAnnotations;
using System.Linq.Expressions;
using System.Text.Json.Nodes;
using BayitPlus.Api.Infrastructure;
using BayitPlus.Api.Infrastructure.Audit;
using BayitPlus.Api.Infrastructure.Mongo;
using BayitPlus.Api.Infrastructure.Validation;
using FluentValidation;
using Mediator;
using MongoDB.Bson;
using MongoDB.Driver;
using Severity = BayitPlus.Api.Infrastructure.Security.Severity;

namespace BayitPlus.Api.Features.Audit;

/// <summary>Admin: security events newest first, filtered by type, severity, user, IP and time,
/// in keyset pages (<c>created_at</c> desc, then <c>_id</c> desc).</summary>
public static class ListSecurityEvents
{
    private static readonly string[] Severities = [Severity.Low, Severity.Medium, Severity.High, Severity.Critical];

    private static readonly Keyset<SecurityEventDocument> Newest = new("security-events", "created_at", BsonType.DateTime, e => e.CreatedAt, e => e.Id);

    public sealed record Query(
        string? EventType, string? Severity, string? UserId, string? IpAddress, string? From, string? To, string? Cursor, string? Limit)
        : IQuery<Page<SecurityEventResponse>>;

    public sealed class Validator : AbstractValidator<Query>
    {
        public Validator()
        {
            RuleFor(q => q.EventType).MaximumLength(100).WithMessage("Event type must be at most 100 characters long.");
            RuleFor(q => q.Severity).OneOf(Severities).WithMessage($"Severity must be one of: {string.Join(", ", Severities)}.");
            RuleFor(q => q.UserId).MaximumLength(100).WithMessage("User id must be at most 100 characters long.");
            RuleFor(q => q.IpAddress).MaximumLength(64).WithMessage("IP address must be at most 64 characters long.");
            RuleFor(q => q.Limit).PageLimit();
            RuleFor(q => q.Cursor).PageCursor(Newest);
            this.TimeRangeRules(q => q.From, q => q.To);
        }
    }

    public sealed class Handler(MongoContext db) : IQueryHandler<Query, Page<SecurityEventResponse>>
    {
        public async ValueTask<Page<SecurityEventResponse>> Handle(Query query, CancellationToken cancellationToken)
        {
            var conditions = new List<FilterDefinition<SecurityEventDocument>> { TimeRange.Filter<SecurityEventDocument>(e => e.CreatedAt, query.From, query.To) };
            AddIfSet(conditions, query.EventType, e => e.EventType);
            AddIfSet(conditions, query.Severity, e => e.Severity);
            AddIfSet(conditions, query.UserId, e => e.UserId);
            AddIfSet(conditions, query.IpAddress, e => e.IpAddress);
            var page = await Newest.ReadAsync(
                db.Collection<SecurityEventDocument>(SecurityEventDocument.CollectionName),
                Builders<SecurityEventDocument>.Filter.And(conditions),
                query.Cursor,
                query.Limit,
                cancellationToken);
            return page.Select(SecurityEventResponse.From);
        }

        private static void AddIfSet(
            List<FilterDefinition<SecurityEventDocument>> conditions, string? value, Expression<Func<SecurityEventDocument, string?>> field)
        {
            if (!string.IsNullOrEmpty(value))
            {
                conditions.Add(Builders<SecurityEventDocument>.Filter.Eq(field, value));
            }
        }
    }

    internal static void Map(RouteGroupBuilder group) => group
        .MapGet("", async (
                string? eventType, string? severity, string? userId, string? ipAddress, string? from, string? to, string? cursor, string? limit,
                ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(new Query(eventType, severity, userId, ipAddress, from, to, cursor, limit), ct)))
        .WithQueryRules<Query>()
        .WithName("ListSecurityEvents")
        .WithSummary("Admin: security events, newest first, filtered by eventType, severity, userId, ipAddress and from/to")
        .WithDescription("Failed and locked sign-ins, refresh token reuse, invalid tokens, denied access, rate limiting and role " +
            "changes. Each event's `details` says what its type records, keyed in camelCase (`changedBy`, `familyId`). Events are " +
            "kept one year.")
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status401Unauthorized)
        .ProducesProblem(StatusCodes.Status403Forbidden);
}

/// <summary>One security event as admins read it.</summary>
/// <param name="Id">The event's id.</param>
/// <param name="EventType">What happened (<c>sign_in_failed</c>, <c>role_changed</c>, <c>rate_limited</c>).</param>
/// <param name="Severity">low, medium, high or critical.</param>
/// <param name="UserId">The account involved, when one is known.</param>
/// <param name="IpAddress">The address the request came from.</param>
/// <param name="Details">What the event type records (an email, a path, the role before and after),
/// keyed in the API's camelCase (<c>changedBy</c>, <c>familyId</c>); the values are as stored.</param>
/// <param name="CreatedAt">When it happened.</param>
public sealed record SecurityEventResponse(
    string Id,
    string EventType,
    [property: AllowedValues(Severity.Low, Severity.Medium, Severity.High, Severity.Critical)] string Severity,
    string? UserId,
    string? IpAddress,
    JsonObject? Details,
    DateTime CreatedAt)
{
    public static SecurityEventResponse From(SecurityEventDocument e) =>
        new(e.Id, e.EventType, e.Severity, e.UserId, e.IpAddress, e.Details is null ? null : ApiFieldNames.ToJsonTopLevel(e.Details), e.CreatedAt);
}
