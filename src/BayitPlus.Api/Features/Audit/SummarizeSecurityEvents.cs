using BayitPlus.Api.Infrastructure;
using BayitPlus.Api.Infrastructure.Mongo;
using BayitPlus.Api.Infrastructure.Validation;
using FluentValidation;
using Mediator;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.Audit;

/// <summary>Admin: how many security events of each type and severity fell in a window (default
/// the last 24 hours), counted in one aggregation so both lists describe the same events.</summary>
public static class SummarizeSecurityEvents
{
    public static readonly TimeSpan DefaultWindow = TimeSpan.FromHours(24);

    public sealed record Query(string? From, string? To) : IQuery<SecurityEventSummaryResponse>;

    public sealed class Validator : AbstractValidator<Query>
    {
        public Validator() => this.TimeRangeRules(q => q.From, q => q.To);
    }

    public sealed class Handler(MongoContext db, TimeProvider time) : IQueryHandler<Query, SecurityEventSummaryResponse>
    {
        public async ValueTask<SecurityEventSummaryResponse> Handle(Query query, CancellationToken cancellationToken)
        {
            var to = TimeRange.Parse(query.To) ?? time.GetUtcNow().UtcDateTime;
            var from = TimeRange.Parse(query.From) ?? DefaultFrom(to);
            var counted = await db.Collection<BsonDocument>(SecurityEventDocument.CollectionName)
                .Aggregate()
                .Match(new BsonDocument("created_at", new BsonDocument { ["$gte"] = from, ["$lte"] = to }))
                .AppendStage<BsonDocument>(new BsonDocument("$facet", new BsonDocument
                {
                    ["by_type"] = CountBy("$event_type"),
                    ["by_severity"] = CountBy("$severity"),
                }))
                .SingleAsync(cancellationToken);
            return new SecurityEventSummaryResponse(
                from,
                to,
                [.. counted["by_type"].AsBsonArray.Select(c => new EventTypeCount(c["_id"].AsString, c["count"].ToInt64()))],
                [.. counted["by_severity"].AsBsonArray.Select(c => new SeverityCount(c["_id"].AsString, c["count"].ToInt64()))]);
        }

        /// <summary>The default window before <paramref name="to"/>, or from the start of time when
        /// <paramref name="to"/> lies within the first day of the calendar (0001-01-01).</summary>
        private static DateTime DefaultFrom(DateTime to) =>
            to.Ticks < DefaultWindow.Ticks ? DateTime.SpecifyKind(DateTime.MinValue, DateTimeKind.Utc) : to - DefaultWindow;

        private static BsonArray CountBy(string field) =>
        [
            new BsonDocument("$group", new BsonDocument { ["_id"] = field, ["count"] = new BsonDocument("$sum", 1) }),
            new BsonDocument("$sort", new BsonDocument { ["count"] = -1, ["_id"] = 1 }),
        ];
    }

    internal static void Map(RouteGroupBuilder group) => group
        .MapGet("/summary", async (string? from, string? to, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(new Query(from, to), ct)))
        .WithQueryRules<Query>()
        .WithName("SummarizeSecurityEvents")
        .WithSummary("Admin: counts of security events per type and severity between from and to (default the last 24 hours)")
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status401Unauthorized)
        .ProducesProblem(StatusCodes.Status403Forbidden);
}

public sealed record EventTypeCount(string EventType, long Count);

public sealed record SeverityCount(string Severity, long Count);

public sealed record SecurityEventSummaryResponse(DateTime From, DateTime To, IReadOnlyList<EventTypeCount> ByType, IReadOnlyList<SeverityCount> BySeverity);
