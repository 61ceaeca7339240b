using System.Security.Claims;
using System.Text.Json.Nodes;
using BayitPlus.Api.Features.Users;
using BayitPlus.Api.Infrastructure;
using BayitPlus.Api.Infrastructure.Auth;
using BayitPlus.Api.Infrastructure.Mongo;
using Carter;
using FluentValidation;
using Mediator;
using MongoDB.Bson;
using MongoDB.Driver;
using Severity = BayitPlus.Api.Infrastructure.Security.Severity;

namespace BayitPlus.Api.Features.Audit;

/// <summary>Security events for admins: <c>/api/admin/security-events</c>.</summary>
public sealed class SecurityEventsModule : ICarterModule
{
    public void AddRoutes(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/admin/security-events").WithTags("Admin").RequireAuthorization(Policies.Admin);
        ListSecurityEvents.Map(group);
        SummarizeSecurityEvents.Map(group);
    }
}

public sealed record SecurityEventResponse(
    string Id, string EventType, string Severity, string? UserId, string? IpAddress, JsonObject? Details, DateTime CreatedAt)
{
    public static SecurityEventResponse From(SecurityEventDocument e) =>
        new(e.Id, e.EventType, e.Severity, e.UserId, e.IpAddress, e.Details is null ? null : JsonBson.ToJson(e.Details), e.CreatedAt);
}

/// <summary>Admin: security events newest first, filtered by type, severity, user, IP and time,
/// in keyset pages (<c>created_at</c> desc, then <c>_id</c> desc).</summary>
public static class ListSecurityEvents
{
    private static readonly string[] Severities = [Severity.Low, Severity.Medium, Severity.High, Severity.Critical];

    private static readonly Keyset<SecurityEventDocument> Newest = new("security-events", "created_at", BsonType.DateTime, e => e.CreatedAt, e => e.Id);

    public sealed record Query(
        string AdminId, string? EventType, string? Severity, string? UserId, string? IpAddress, string? From, string? To, string? Cursor, string? Limit)
        : IQuery<Page<SecurityEventResponse>>;

    public sealed class Validator : AbstractValidator<Query>
    {
        public Validator()
        {
            RuleFor(q => q.EventType).MaximumLength(100).WithMessage("Event type must be at most 100 characters long.");
            RuleFor(q => q.Severity).Must(s => s is null || Severities.Contains(s))
                .WithMessage($"Severity must be one of: {string.Join(", ", Severities)}.");
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
            await db.GetActiveAdminAsync(query.AdminId, cancellationToken);
            var filter = Builders<SecurityEventDocument>.Filter;
            var conditions = new List<FilterDefinition<SecurityEventDocument>> { TimeRange.Filter<SecurityEventDocument>(e => e.CreatedAt, query.From, query.To) };
            AddIfSet(conditions, query.EventType, e => e.EventType);
            AddIfSet(conditions, query.Severity, e => e.Severity);
            AddIfSet(conditions, query.UserId, e => e.UserId);
            AddIfSet(conditions, query.IpAddress, e => e.IpAddress);
            var page = await Newest.ReadAsync(
                db.Collection<SecurityEventDocument>(SecurityEventDocument.CollectionName), filter.And(conditions), query.Cursor, query.Limit, cancellationToken);
            return page.Select(SecurityEventResponse.From);
        }

        private static void AddIfSet(
            List<FilterDefinition<SecurityEventDocument>> conditions, string? value, System.Linq.Expressions.Expression<Func<SecurityEventDocument, string?>> field)
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
                ClaimsPrincipal user, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(new Query(user.Id(), eventType, severity, userId, ipAddress, from, to, cursor, limit), ct)))
        .WithPaging()
        .WithTimeRange()
        .WithName("ListSecurityEvents")
        .WithSummary("Admin: security events, newest first, filtered by eventType, severity, userId, ipAddress and from/to")
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status401Unauthorized)
        .ProducesProblem(StatusCodes.Status403Forbidden);
}

public sealed record EventTypeCount(string EventType, long Count);

public sealed record SeverityCount(string Severity, long Count);

public sealed record SecurityEventSummary(DateTime From, DateTime To, IReadOnlyList<EventTypeCount> ByType, IReadOnlyList<SeverityCount> BySeverity);

/// <summary>Admin: how many security events of each type and severity fell in a window (default
/// the last 24 hours), counted in one aggregation so both lists describe the same events.</summary>
public static class SummarizeSecurityEvents
{
    public static readonly TimeSpan DefaultWindow = TimeSpan.FromHours(24);

    public sealed record Query(string AdminId, string? From, string? To) : IQuery<SecurityEventSummary>;

    public sealed class Validator : AbstractValidator<Query>
    {
        public Validator() => this.TimeRangeRules(q => q.From, q => q.To);
    }

    public sealed class Handler(MongoContext db, TimeProvider time) : IQueryHandler<Query, SecurityEventSummary>
    {
        public async ValueTask<SecurityEventSummary> Handle(Query query, CancellationToken cancellationToken)
        {
            await db.GetActiveAdminAsync(query.AdminId, cancellationToken);
            var to = TimeRange.Parse(query.To) ?? time.GetUtcNow().UtcDateTime;
            var from = TimeRange.Parse(query.From) ?? to - DefaultWindow;
            var counted = await db.Collection<BsonDocument>(SecurityEventDocument.CollectionName)
                .Aggregate()
                .Match(new BsonDocument("created_at", new BsonDocument { ["$gte"] = from, ["$lte"] = to }))
                .AppendStage<BsonDocument>(new BsonDocument("$facet", new BsonDocument
                {
                    ["by_type"] = CountBy("$event_type"),
                    ["by_severity"] = CountBy("$severity"),
                }))
                .SingleAsync(cancellationToken);
            return new SecurityEventSummary(
                from,
                to,
                [.. counted["by_type"].AsBsonArray.Select(c => new EventTypeCount(c["_id"].AsString, c["count"].ToInt64()))],
                [.. counted["by_severity"].AsBsonArray.Select(c => new SeverityCount(c["_id"].AsString, c["count"].ToInt64()))]);
        }

        private static BsonArray CountBy(string field) =>
        [
            new BsonDocument("$group", new BsonDocument { ["_id"] = field, ["count"] = new BsonDocument("$sum", 1) }),
            new BsonDocument("$sort", new BsonDocument { ["count"] = -1, ["_id"] = 1 }),
        ];
    }

    internal static void Map(RouteGroupBuilder group) => group
        .MapGet("/summary", async (string? from, string? to, ClaimsPrincipal user, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(new Query(user.Id(), from, to), ct)))
        .WithTimeRange()
        .WithName("SummarizeSecurityEvents")
        .WithSummary("Admin: counts of security events per type and severity between from and to (default the last 24 hours)")
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status401Unauthorized)
        .ProducesProblem(StatusCodes.Status403Forbidden);
}
