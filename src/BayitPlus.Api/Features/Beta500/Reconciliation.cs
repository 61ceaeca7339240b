using BayitPlus.Api.Infrastructure;
using Mediator;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.Beta500;

/// <summary>A member whose ledger and balance disagree.</summary>
/// <param name="UserId">The member's account id.</param>
/// <param name="CreditsBalance">The stored balance.</param>
/// <param name="TotalCreditsGranted">The stored total granted.</param>
/// <param name="LedgerBalance">What the ledger adds up to: total granted − deducted + refunded.</param>
/// <param name="LedgerGranted">The grants in the ledger.</param>
/// <param name="LatestBalanceAfter">The latest entry's balance after it, or null without entries.</param>
public sealed record ReconciliationMismatchResponse(string UserId, int CreditsBalance, int TotalCreditsGranted, int LedgerBalance, int LedgerGranted, int? LatestBalanceAfter);

/// <summary>Admin: every member whose ledger disagrees with the balance. The ledger's entries are
/// summed per member by the database; a member disagrees when the grants do not add up to
/// <c>total_credits_granted</c>, when <c>total_credits_granted − Σdeduct + Σrefund</c> is not
/// <c>credits_balance</c>, or when the latest entry's <c>balance_after</c> is not the balance. The
/// ledger's invariant keeps this empty.</summary>
public static class Reconciliation
{
    public sealed record Query : IQuery<ItemsResponse<ReconciliationMismatchResponse>>;

    public sealed class Handler(CreditLedger ledger) : IQueryHandler<Query, ItemsResponse<ReconciliationMismatchResponse>>
    {
        public async ValueTask<ItemsResponse<ReconciliationMismatchResponse>> Handle(Query query, CancellationToken cancellationToken)
        {
            // Both reads in one transaction, so they see one snapshot: a charge committing between
            // the ledger's sums and the members' balances would otherwise show as a mismatch.
            var mismatches = await ledger.InTransactionAsync(
                async (session, _, token) =>
                {
                    var sums = await LedgerSumsAsync(ledger.Entries, session, token);
                    var found = new List<ReconciliationMismatchResponse>();
                    using var members = await ledger.Members.Find(session, FilterDefinition<BetaUserDocument>.Empty).ToCursorAsync(token);
                    while (await members.MoveNextAsync(token))
                    {
                        foreach (var member in members.Current)
                        {
                            var sum = sums.GetValueOrDefault(member.UserId);
                            if (!sum.AgreesWith(member))
                            {
                                found.Add(new ReconciliationMismatchResponse(member.UserId, member.CreditsBalance, member.TotalCreditsGranted,
                                    member.TotalCreditsGranted - sum.Deducted + sum.Refunded, sum.Granted, sum.Latest));
                            }
                        }
                    }

                    return found;
                },
                cancellationToken);
            return new ItemsResponse<ReconciliationMismatchResponse>(mismatches);
        }
    }

    /// <summary>The <c>$sum</c> of the amounts of one transaction type (and, when given, matching
    /// <paramref name="also"/> as well), for <c>$group</c>.</summary>
    internal static BsonDocument SumOf(string type, BsonDocument? also = null)
    {
        BsonValue condition = new BsonDocument("$eq", new BsonArray { "$transaction_type", type });
        if (also is not null)
        {
            condition = new BsonDocument("$and", new BsonArray { condition, also });
        }

        return new BsonDocument("$sum", new BsonDocument("$cond", new BsonArray { condition, "$amount", 0 }));
    }

    /// <summary>Each member's sums by type and latest <c>balance_after</c>; only
    /// <paramref name="userId"/>'s when given. The latest entry is the newest <c>created_at</c>, then
    /// the highest <c>seq</c> (entries of one instant), then the newest id: entries the Python system
    /// writes carry no <c>seq</c> and still sort by their time.</summary>
    public static async Task<Dictionary<string, LedgerSums>> LedgerSumsAsync(
        IMongoCollection<BetaCreditTransactionDocument> entries, IClientSessionHandle? session, CancellationToken cancellationToken, string? userId = null)
    {
        var pipeline = new[]
        {
            new BsonDocument("$match", userId is null ? [] : new BsonDocument("user_id", userId)),
            new BsonDocument("$sort", new BsonDocument { ["user_id"] = 1, ["created_at"] = 1, ["seq"] = 1, ["_id"] = 1 }),
            new BsonDocument("$group", new BsonDocument
            {
                ["_id"] = "$user_id",
                ["granted"] = SumOf(BetaTransactionTypes.Grant),
                ["deducted"] = SumOf(BetaTransactionTypes.Deduct),
                ["refunded"] = SumOf(BetaTransactionTypes.Refund),
                ["latest"] = new BsonDocument("$last", new BsonDocument("$ifNull", new BsonArray { "$balance_after", BsonNull.Value })),
            }),
        };
        var rows = await (session is null
            ? entries.Aggregate<BsonDocument>(pipeline, cancellationToken: cancellationToken)
            : entries.Aggregate<BsonDocument>(session, pipeline, cancellationToken: cancellationToken)).ToListAsync(cancellationToken);
        return rows.ToDictionary(
            r => r["_id"].AsString,
            r => new LedgerSums(r["granted"].ToInt32(), r["deducted"].ToInt32(), r["refunded"].ToInt32(), r["latest"].IsBsonNull ? null : r["latest"].ToInt32()),
            StringComparer.Ordinal);
    }

    internal static void Map(RouteGroupBuilder group) => group
        .MapGet("/reconciliation", async (ISender sender, CancellationToken ct) => TypedResults.Ok(await sender.Send(new Query(), ct)))
        .WithName("ReconcileBetaCredits")
        .WithSummary("Admin: Beta 500 members whose credit ledger and balance disagree")
        .WithDescription("Sums every member's ledger (grants, deductions, refunds) and compares it with the stored balance, total " +
            "granted and latest entry. Always empty while the ledger's invariant holds; any item is a defect to investigate.")
        .ProducesProblem(StatusCodes.Status401Unauthorized)
        .ProducesProblem(StatusCodes.Status403Forbidden);
}

/// <summary>One member's ledger summed: credits granted, deducted, refunded, and the latest balance after.</summary>
public readonly record struct LedgerSums(int Granted, int Deducted, int Refunded, int? Latest)
{
    /// <summary>Whether the grants are the member's total granted, total granted − deducted +
    /// refunded is the balance, and the latest entry (if any) left that balance.</summary>
    public bool AgreesWith(BetaUserDocument member) =>
        Granted == member.TotalCreditsGranted
        && member.TotalCreditsGranted - Deducted + Refunded == member.CreditsBalance
        && (Latest ?? member.CreditsBalance) == member.CreditsBalance;
}
