using BayitPlus.Api.Infrastructure;
using BayitPlus.Api.Infrastructure.Mongo;
using BayitPlus.Api.Infrastructure.Validation;
using FluentValidation;
using Mediator;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.Payments;

/// <summary>Revenue of one plan in one month and currency.</summary>
/// <param name="PlanId">The plan paid for; null for payments recorded without one.</param>
/// <param name="Month">The UTC month, as yyyy-MM.</param>
/// <param name="Currency">ISO 4217 currency code; amounts in different currencies are never added together.</param>
/// <param name="Payments">Successful payments, in major units.</param>
/// <param name="Refunds">Refunds made in the month (of payments of any month), in major units.</param>
/// <param name="Net">Payments minus refunds.</param>
/// <param name="PaymentCount">How many payments.</param>
/// <param name="RefundCount">How many refunds.</param>
public sealed record RevenueRow(string? PlanId, string Month, string Currency, decimal Payments, decimal Refunds, decimal Net, int PaymentCount, int RefundCount);

/// <summary>
/// Admin: revenue per plan, UTC month and currency over a time range (both ends included), from
/// ONE aggregation over <c>transaction</c>: successful payments minus successful refunds, each in
/// the month it happened. A refund is counted under the plan of the payment it gives back (found by
/// <c>refund_of</c> when the refund itself names no plan).
/// </summary>
public static class GetRevenue
{
    public sealed record Query(string? From, string? To) : IQuery<ItemsResponse<RevenueRow>>;

    public sealed class Validator : AbstractValidator<Query>
    {
        public Validator() => this.TimeRangeRules(q => q.From, q => q.To);
    }

    public sealed class Handler(MongoContext db) : IQueryHandler<Query, ItemsResponse<RevenueRow>>
    {
        public async ValueTask<ItemsResponse<RevenueRow>> Handle(Query query, CancellationToken cancellationToken)
        {
            var match = new BsonDocument
            {
                ["status"] = PaymentTransactionStatuses.Success,
                ["transaction_type"] = new BsonDocument("$in", new BsonArray { PaymentTransactionTypes.Payment, PaymentTransactionTypes.Refund }),
            };
            var createdAt = new BsonDocument();
            if (TimeRange.Parse(query.From) is { } from)
            {
                createdAt["$gte"] = from;
            }

            if (TimeRange.Parse(query.To) is { } to)
            {
                createdAt["$lte"] = to;
            }

            if (createdAt.ElementCount > 0)
            {
                match["created_at"] = createdAt;
            }

            BsonDocument SumIf(string type, BsonValue value) =>
                new("$sum", new BsonDocument("$cond", new BsonArray { new BsonDocument("$eq", new BsonArray { "$transaction_type", type }), value, 0 }));

            var pipeline = new[]
            {
                new BsonDocument("$match", match),
                // A payment's key matches no payment's provider_transaction_id, so only refunds find theirs.
                new BsonDocument("$addFields", new BsonDocument("refund_key", new BsonDocument("$ifNull", new BsonArray { "$refund_of", "" }))),
                new BsonDocument("$lookup", new BsonDocument
                {
                    ["from"] = PaymentTransactionDocument.CollectionName,
                    ["localField"] = "refund_key",
                    ["foreignField"] = "provider_transaction_id",
                    ["as"] = "refunded",
                }),
                new BsonDocument("$group", new BsonDocument
                {
                    ["_id"] = new BsonDocument
                    {
                        ["plan_id"] = new BsonDocument("$ifNull", new BsonArray { "$plan_id", new BsonDocument("$arrayElemAt", new BsonArray { "$refunded.plan_id", 0 }), BsonNull.Value }),
                        ["month"] = new BsonDocument("$dateToString", new BsonDocument { ["format"] = "%Y-%m", ["date"] = "$created_at" }),
                        ["currency"] = "$currency",
                    },
                    ["payments"] = SumIf(PaymentTransactionTypes.Payment, "$amount"),
                    ["refunds"] = SumIf(PaymentTransactionTypes.Refund, "$amount"),
                    ["payment_count"] = SumIf(PaymentTransactionTypes.Payment, 1),
                    ["refund_count"] = SumIf(PaymentTransactionTypes.Refund, 1),
                }),
                new BsonDocument("$sort", new BsonDocument { ["_id.month"] = 1, ["_id.plan_id"] = 1, ["_id.currency"] = 1 }),
            };
            var groups = await db.Collection<BsonDocument>(PaymentTransactionDocument.CollectionName)
                .Aggregate<BsonDocument>(pipeline, cancellationToken: cancellationToken)
                .ToListAsync(cancellationToken);
            var rows = groups.Select(group =>
            {
                var key = group["_id"].AsBsonDocument;
                var payments = SubscriptionStore.Money(group["payments"].ToDouble());
                var refunds = SubscriptionStore.Money(group["refunds"].ToDouble());
                return new RevenueRow(
                    key.GetValue("plan_id", BsonNull.Value) is BsonString plan ? plan.Value : null,
                    key["month"].AsString,
                    key["currency"].AsString,
                    payments,
                    refunds,
                    payments - refunds,
                    group["payment_count"].ToInt32(),
                    group["refund_count"].ToInt32());
            }).ToList();
            return new ItemsResponse<RevenueRow>(rows);
        }
    }

    internal static void Map(RouteGroupBuilder group) => group
        .MapGet("/payments/revenue", async (string? from, string? to, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(new Query(from, to), ct)))
        .WithQueryRules<Query>()
        .WithName("GetPaymentRevenue")
        .WithSummary("Admin: revenue per plan and month, per currency")
        .WithDescription("Successful payments minus refunds, grouped by plan, UTC month (yyyy-MM) and currency, oldest month first. `from` and " +
            "`to` bound the transactions' time, both included (ISO 8601; UTC without an offset); without them, all time.")
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status401Unauthorized)
        .ProducesProblem(StatusCodes.Status403Forbidden);
}
