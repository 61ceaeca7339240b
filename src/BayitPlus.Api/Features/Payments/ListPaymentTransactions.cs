using System.ComponentModel.DataAnnotations;
using BayitPlus.Api.Infrastructure;
using BayitPlus.Api.Infrastructure.Mongo;
using BayitPlus.Api.Infrastructure.Validation;
using FluentValidation;
using Mediator;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.Payments;

/// <summary>A payment or refund as a provider reported it.</summary>
/// <param name="Id">The transaction's id (what a refund request names).</param>
/// <param name="UserId">The paying account's id.</param>
/// <param name="Amount">In major units; a refund's is what it gave back.</param>
/// <param name="Currency">ISO 4217 currency code.</param>
/// <param name="TransactionType">payment or refund.</param>
/// <param name="Status">success, failed or pending.</param>
/// <param name="Provider">stripe or paypal.</param>
/// <param name="ProviderTransactionId">The provider's id of the payment or refund.</param>
/// <param name="SubscriptionId">The subscription it paid for, if any.</param>
/// <param name="PlanId">The plan it paid for, if known.</param>
/// <param name="RefundOf">A refund's: the providerTransactionId of the payment it gives back.</param>
/// <param name="AmountRefunded">A payment's: how much of it has been refunded so far.</param>
/// <param name="Reason">Why, when known (a refund's reason).</param>
/// <param name="CreatedAt">When it was recorded.</param>
public sealed record PaymentTransactionResponse(
    string Id,
    string UserId,
    decimal Amount,
    string Currency,
    [property: AllowedValues(PaymentTransactionTypes.Payment, PaymentTransactionTypes.Refund)] string TransactionType,
    [property: AllowedValues(PaymentTransactionStatuses.Success, PaymentTransactionStatuses.Failed, PaymentTransactionStatuses.Pending)] string Status,
    string Provider,
    string? ProviderTransactionId,
    string? SubscriptionId,
    string? PlanId,
    string? RefundOf,
    decimal AmountRefunded,
    string? Reason,
    DateTime CreatedAt)
{
    public static PaymentTransactionResponse Of(PaymentTransactionDocument t) => new(
        t.Id, t.UserId, SubscriptionStore.Money(t.Amount), t.Currency, t.TransactionType, t.Status, t.PaymentProvider, t.ProviderTransactionId, t.SubscriptionId,
        t.PlanId, t.RefundOf, SubscriptionStore.Money(t.AmountRefunded), t.Reason, t.CreatedAt);
}

/// <summary>Admin: payments and refunds, newest first (<c>created_at</c>, then <c>_id</c>),
/// filtered by user, status, type, provider and time range (<see cref="TimeRange"/>), in keyset pages.</summary>
public static class ListPaymentTransactions
{
    public static readonly string[] Types = [PaymentTransactionTypes.Payment, PaymentTransactionTypes.Refund];

    public static readonly string[] Statuses = [PaymentTransactionStatuses.Success, PaymentTransactionStatuses.Failed, PaymentTransactionStatuses.Pending];

    private static readonly Keyset<PaymentTransactionDocument> Newest = new("payment-transactions", "created_at", BsonType.DateTime, t => t.CreatedAt, t => t.Id);

    /// <summary>The query string, as text: a malformed value is a 400 naming its parameter.</summary>
    public sealed record Query(string? UserId, string? Status, string? Type, string? Provider, string? From, string? To, string? Cursor, string? Limit)
        : IQuery<Page<PaymentTransactionResponse>>;

    public sealed class Validator : AbstractValidator<Query>
    {
        public Validator()
        {
            RuleFor(q => q.UserId).ObjectId().WithMessage("userId must be an account id: 24 hexadecimal digits.");
            RuleFor(q => q.Status).OneOf(Statuses).WithMessage($"status must be one of: {string.Join(", ", Statuses)}.");
            RuleFor(q => q.Type).OneOf(Types).WithMessage($"type must be one of: {string.Join(", ", Types)}.");
            RuleFor(q => q.Provider).OneOf(PaymentProviderNames.All).WithMessage($"provider must be one of: {string.Join(", ", PaymentProviderNames.All)}.");
            this.TimeRangeRules(q => q.From, q => q.To);
            RuleFor(q => q.Limit).PageLimit();
            RuleFor(q => q.Cursor).PageCursor(Newest);
        }
    }

    public sealed class Handler(MongoContext db) : IQueryHandler<Query, Page<PaymentTransactionResponse>>
    {
        public async ValueTask<Page<PaymentTransactionResponse>> Handle(Query query, CancellationToken cancellationToken)
        {
            var filter = Builders<PaymentTransactionDocument>.Filter;
            var conditions = new List<FilterDefinition<PaymentTransactionDocument>> { TimeRange.Filter<PaymentTransactionDocument>(t => t.CreatedAt, query.From, query.To) };
            if (!string.IsNullOrEmpty(query.UserId))
            {
                conditions.Add(filter.Eq(t => t.UserId, query.UserId.ToLowerInvariant()));
            }

            if (!string.IsNullOrEmpty(query.Status))
            {
                conditions.Add(filter.Eq(t => t.Status, query.Status));
            }

            if (!string.IsNullOrEmpty(query.Type))
            {
                conditions.Add(filter.Eq(t => t.TransactionType, query.Type));
            }

            if (!string.IsNullOrEmpty(query.Provider))
            {
                conditions.Add(filter.Eq(t => t.PaymentProvider, query.Provider));
            }

            var page = await Newest.ReadAsync(SubscriptionStore.Transactions(db), filter.And(conditions), query.Cursor, query.Limit, cancellationToken);
            return page.Select(PaymentTransactionResponse.Of);
        }
    }

    internal static void Map(RouteGroupBuilder group) => group
        .MapGet("/transactions", async (string? userId, string? status, string? type, string? provider, string? from, string? to, string? cursor, string? limit,
                ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(new Query(userId, status, type, provider, from, to, cursor, limit), ct)))
        .WithQueryRules<Query>()
        .WithName("ListPaymentTransactions")
        .WithSummary("Admin: list payments and refunds, newest first, filtered by userId, status, type, provider and time range")
        .WithDescription("Every transaction the providers reported. `from` and `to` bound createdAt, both included (ISO 8601; UTC without an offset).")
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status401Unauthorized)
        .ProducesProblem(StatusCodes.Status403Forbidden);
}
