using System.ComponentModel.DataAnnotations;
using BayitPlus.Api.Infrastructure;
using BayitPlus.Api.Infrastructure.Auth;
using BayitPlus.Api.Infrastructure.Mongo;
using BayitPlus.Api.Infrastructure.Validation;
using FluentValidation;
using Mediator;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.Beta500;

/// <summary>One entry of a member's credit ledger.</summary>
/// <param name="Id">The entry's id; a charge's id is what a refund names.</param>
/// <param name="TransactionType">grant, deduct or refund.</param>
/// <param name="Amount">Credits moved, always positive; the type says which way.</param>
/// <param name="BalanceAfter">The balance right after this entry.</param>
/// <param name="Reason">Why: the feature and units, the session, or the admin's reason.</param>
/// <param name="FeatureUsed">The AI feature charged or refunded, if any.</param>
/// <param name="CreatedAt">When it was written.</param>
public sealed record BetaTransactionResponse(
    string Id,
    [property: AllowedValues(BetaTransactionTypes.Grant, BetaTransactionTypes.Deduct, BetaTransactionTypes.Refund)] string TransactionType,
    int Amount,
    int BalanceAfter,
    string Reason,
    string? FeatureUsed,
    DateTime CreatedAt)
{
    public static BetaTransactionResponse From(BetaCreditTransactionDocument t) =>
        new(t.Id, t.TransactionType, t.Amount, t.BalanceAfter, t.Reason, t.FeatureUsed, t.CreatedAt);
}

/// <summary>The signed-in member's credit ledger, newest first, in keyset pages (<c>created_at</c>
/// desc, then <c>_id</c> desc). Only their own entries: there is no user parameter.</summary>
public static class ListTransactions
{
    private static readonly Keyset<BetaCreditTransactionDocument> Newest = new("beta-transactions", "created_at", BsonType.DateTime, t => t.CreatedAt, t => t.Id);

    public sealed record Query(string UserId, string? Cursor, string? Limit) : IQuery<Page<BetaTransactionResponse>>;

    public sealed class Validator : AbstractValidator<Query>
    {
        public Validator()
        {
            RuleFor(q => q.Limit).PageLimit();
            RuleFor(q => q.Cursor).PageCursor(Newest);
        }
    }

    public sealed class Handler(MongoContext db) : IQueryHandler<Query, Page<BetaTransactionResponse>>
    {
        public async ValueTask<Page<BetaTransactionResponse>> Handle(Query query, CancellationToken cancellationToken)
        {
            var page = await Newest.ReadAsync(
                db.Collection<BetaCreditTransactionDocument>(BetaCreditTransactionDocument.CollectionName),
                Builders<BetaCreditTransactionDocument>.Filter.Eq(t => t.UserId, query.UserId),
                query.Cursor,
                query.Limit,
                cancellationToken);
            return page.Select(BetaTransactionResponse.From);
        }
    }

    internal static void Map(RouteGroupBuilder group) => group
        .MapGet("/me/transactions", async (string? cursor, string? limit, HttpContext http, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(new Query(http.User.Id(), cursor, limit), ct)))
        .WithQueryRules<Query>()
        .WithName("ListBetaTransactions")
        .WithSummary("The signed-in member's credit ledger, newest first")
        .WithDescription("Every grant, charge (deduct) and refund of the member's AI credits with the balance after it. Empty for an " +
            "account that never enrolled.")
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status401Unauthorized);
}
