using BayitPlus.Api.Infrastructure.Validation;
using FluentValidation;
using Mediator;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.Beta500;

/// <summary>Credits moved on one day (UTC) for one feature.</summary>
/// <param name="Day">The day, <c>yyyy-MM-dd</c> (UTC).</param>
/// <param name="Feature">The AI feature; null for grants and admin adjustments, which name none.</param>
/// <param name="Granted">Credits granted.</param>
/// <param name="Spent">Credits deducted, forfeits left out.</param>
/// <param name="Refunded">Credits refunded.</param>
/// <param name="Forfeited">Credits members gave up by withdrawing (feature null).</param>
public sealed record BetaDailyCredits(string Day, string? Feature, int Granted, int Spent, int Refunded, int Forfeited);

/// <summary>The program's figures.</summary>
/// <param name="Seats">Seats in the program (<c>Beta:Seats</c>).</param>
/// <param name="ActiveMembers">Members whose access is active: the seats taken.</param>
/// <param name="Days">Credits granted, spent and refunded per day and feature, oldest day first.</param>
public sealed record BetaStatsResponse(int Seats, int ActiveMembers, IReadOnlyList<BetaDailyCredits> Days);

/// <summary>Admin: seats taken and the credits granted and spent per feature per day, over the
/// last <c>days</c> days (UTC, today included).</summary>
public static class BetaStats
{
    public const int DefaultDays = 30;
    public const int MaxDays = 366;

    public sealed record Query(string? Days) : IQuery<BetaStatsResponse>;

    public sealed class Validator : AbstractValidator<Query>
    {
        public Validator() =>
            RuleFor(q => q.Days).WholeNumber(1, MaxDays, DefaultDays).WithMessage($"days must be a whole number from 1 to {MaxDays}.");
    }

    public sealed class Handler(CreditLedger ledger, BetaSettings settings, TimeProvider time) : IQueryHandler<Query, BetaStatsResponse>
    {
        public async ValueTask<BetaStatsResponse> Handle(Query query, CancellationToken cancellationToken)
        {
            var days = DescriptiveRules.ParseWholeNumber(query.Days) ?? DefaultDays;
            var since = time.GetUtcNow().UtcDateTime.Date.AddDays(1 - days);
            var active = await ledger.Members.CountDocumentsAsync(m => m.IsActive, cancellationToken: cancellationToken);
            var forfeit = new BsonDocument("$eq", new BsonArray { "$reason", EndedReasons.Withdrawn });
            var pipeline = new[]
            {
                new BsonDocument("$match", new BsonDocument("created_at", new BsonDocument("$gte", since))),
                new BsonDocument("$group", new BsonDocument
                {
                    ["_id"] = new BsonDocument
                    {
                        ["day"] = new BsonDocument("$dateToString", new BsonDocument { ["format"] = "%Y-%m-%d", ["date"] = "$created_at" }),
                        ["feature"] = new BsonDocument("$ifNull", new BsonArray { "$feature_used", BsonNull.Value }),
                    },
                    ["granted"] = Reconciliation.SumOf(BetaTransactionTypes.Grant),
                    ["spent"] = Reconciliation.SumOf(BetaTransactionTypes.Deduct, new BsonDocument("$not", new BsonArray { forfeit })),
                    ["refunded"] = Reconciliation.SumOf(BetaTransactionTypes.Refund),
                    ["forfeited"] = Reconciliation.SumOf(BetaTransactionTypes.Deduct, forfeit),
                }),
            };
            var rows = await ledger.Entries.Aggregate<BsonDocument>(pipeline, cancellationToken: cancellationToken).ToListAsync(cancellationToken);
            var result = rows
                .Select(r => new BetaDailyCredits(
                    r["_id"]["day"].AsString,
                    r["_id"]["feature"].IsBsonNull ? null : r["_id"]["feature"].AsString,
                    r["granted"].ToInt32(),
                    r["spent"].ToInt32(),
                    r["refunded"].ToInt32(),
                    r["forfeited"].ToInt32()))
                .OrderBy(d => d.Day, StringComparer.Ordinal)
                .ThenBy(d => d.Feature ?? "", StringComparer.Ordinal)
                .ToList();
            return new BetaStatsResponse(settings.Seats, (int)active, result);
        }
    }

    internal static void Map(RouteGroupBuilder group) => group
        .MapGet("/stats", async (string? days, ISender sender, CancellationToken ct) => TypedResults.Ok(await sender.Send(new Query(days), ct)))
        .WithQueryRules<Query>()
        .WithName("GetBetaStats")
        .WithSummary("Admin: Beta 500 seats taken and credits granted and spent per feature per day")
        .WithDescription("Days are UTC; a day and feature with no ledger entries is left out.")
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status401Unauthorized)
        .ProducesProblem(StatusCodes.Status403Forbidden);
}
