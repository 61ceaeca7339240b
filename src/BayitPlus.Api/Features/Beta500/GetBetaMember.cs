using BayitPlus.Api.Infrastructure.Errors;
using BayitPlus.Api.Infrastructure.Mongo;
using Mediator;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.Beta500;

/// <summary>A member's ledger summed by the database, and whether it agrees with the balance.</summary>
/// <param name="Granted">Credits granted (enrollment and admin grants).</param>
/// <param name="Deducted">Credits charged, adjusted down or forfeited.</param>
/// <param name="Refunded">Credits given back.</param>
/// <param name="Reconciled">Whether granted − deducted + refunded is the balance, the grants are
/// the total granted and the latest entry's balance after is the balance (always true while the
/// ledger's invariant holds).</param>
public sealed record BetaLedgerSummaryResponse(int Granted, int Deducted, int Refunded, bool Reconciled);

/// <summary>One member as admins review them: the membership and its ledger's summary.</summary>
public sealed record BetaMemberDetailResponse(BetaMemberResponse Member, BetaLedgerSummaryResponse Ledger);

/// <summary>Admin: one member, by the account's id, with the signals and score of their enrollment
/// and their ledger summed.</summary>
public static class GetBetaMember
{
    public sealed record Query(string UserId) : IQuery<BetaMemberDetailResponse>;

    public sealed class Handler(MongoContext db, BetaSettings settings) : IQueryHandler<Query, BetaMemberDetailResponse>
    {
        public async ValueTask<BetaMemberDetailResponse> Handle(Query query, CancellationToken cancellationToken)
        {
            var userId = Ids.Parse(query.UserId, "Beta member").ToString();
            var member = await Membership.Members(db).Find(Membership.Of(userId)).FirstOrDefaultAsync(cancellationToken)
                ?? throw new NotFoundException("Beta member") { Type = EnrollmentProblems.NotMember };
            var sums = (await Reconciliation.LedgerSumsAsync(Membership.Ledger(db), null, cancellationToken, userId)).GetValueOrDefault(userId);
            return new BetaMemberDetailResponse(
                BetaMemberResponse.Of(member, settings), new BetaLedgerSummaryResponse(sums.Granted, sums.Deducted, sums.Refunded, sums.AgreesWith(member)));
        }
    }

    internal static void Map(RouteGroupBuilder group) => group
        .MapGet("/{userId}", async (string userId, ISender sender, CancellationToken ct) => TypedResults.Ok(await sender.Send(new Query(userId), ct)))
        .WithName("GetBetaMember")
        .WithSummary("Admin: one Beta 500 member, with fraud signals and score and the ledger summed")
        .WithDescription("`userId` is the account's id. 404 when that account never enrolled. `ledger` sums the member's credit " +
            "transactions by type and says whether they agree with the balance (as the reconciliation does for every member).")
        .ProducesProblem(StatusCodes.Status401Unauthorized)
        .ProducesProblem(StatusCodes.Status403Forbidden)
        .ProducesProblem(StatusCodes.Status404NotFound);
}
