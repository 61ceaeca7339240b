using System.ComponentModel.DataAnnotations;
using BayitPlus.Api.Infrastructure;
using BayitPlus.Api.Infrastructure.Mongo;
using BayitPlus.Api.Infrastructure.Validation;
using FluentValidation;
using Mediator;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.Payments;

/// <summary>A subscription as admins see it.</summary>
/// <param name="Id">The subscription's id.</param>
/// <param name="UserId">The subscriber's account id.</param>
/// <param name="PlanId">The plan subscribed to.</param>
/// <param name="Status">active, past_due, canceled or expired.</param>
/// <param name="StartDate">When the subscription began.</param>
/// <param name="EndDate">The end of the period paid for (or of the trial).</param>
/// <param name="AutoRenew">False once canceled at period end.</param>
/// <param name="Provider">stripe or paypal.</param>
/// <param name="Amount">The price of one billing period, in major units.</param>
/// <param name="Currency">ISO 4217 currency code.</param>
/// <param name="BillingPeriod">monthly or yearly.</param>
/// <param name="TrialEnd">When the free trial ends, if any.</param>
/// <param name="GraceUntil">While past_due: when access ends unless the renewal is paid.</param>
/// <param name="CanceledAt">When it was canceled, if it was.</param>
/// <param name="ProviderSubscriptionId">The provider's id of the subscription, once it confirmed it.</param>
/// <param name="CreatedAt">When it was recorded.</param>
/// <param name="UpdatedAt">When it last changed.</param>
public sealed record AdminSubscriptionResponse(
    string Id,
    string UserId,
    string PlanId,
    [property: AllowedValues(SubscriptionStatuses.Active, SubscriptionStatuses.PastDue, SubscriptionStatuses.Canceled, SubscriptionStatuses.Expired)] string Status,
    DateTime StartDate,
    DateTime EndDate,
    bool AutoRenew,
    string Provider,
    decimal Amount,
    string Currency,
    string BillingPeriod,
    DateTime? TrialEnd,
    DateTime? GraceUntil,
    DateTime? CanceledAt,
    string? ProviderSubscriptionId,
    DateTime CreatedAt,
    DateTime UpdatedAt)
{
    public static AdminSubscriptionResponse Of(SubscriptionDocument s) => new(
        s.Id, s.UserId, s.PlanId, s.Status, s.StartDate, s.EndDate, s.AutoRenew, s.PaymentMethod, SubscriptionStore.Money(s.Amount), s.Currency, s.BillingPeriod,
        s.TrialEnd, s.GraceUntil, s.CanceledAt, s.ProviderSubscriptionId, s.CreatedAt, s.UpdatedAt);
}

/// <summary>Admin: subscriptions, newest first (<c>created_at</c>, then <c>_id</c>), filtered by
/// status, plan and provider, in keyset pages.</summary>
public static class ListSubscriptions
{
    public const string PlanIdPattern = "^[a-z0-9_-]{1,40}$";

    public static readonly string[] Statuses = [SubscriptionStatuses.Active, SubscriptionStatuses.PastDue, SubscriptionStatuses.Canceled, SubscriptionStatuses.Expired];

    private static readonly Keyset<SubscriptionDocument> Newest = new("subscriptions", "created_at", BsonType.DateTime, s => s.CreatedAt, s => s.Id);

    /// <summary>The query string, as text: a malformed value is a 400 naming its parameter.</summary>
    public sealed record Query(string? Status, string? PlanId, string? Provider, string? Cursor, string? Limit) : IQuery<Page<AdminSubscriptionResponse>>;

    public sealed class Validator : AbstractValidator<Query>
    {
        public Validator()
        {
            RuleFor(q => q.Status).OneOf(Statuses).WithMessage($"status must be one of: {string.Join(", ", Statuses)}.");
            RuleFor(q => q.PlanId).Pattern(PlanIdPattern, 40).WithMessage("planId must be 1–40 lowercase letters, digits, '-' or '_'.");
            RuleFor(q => q.Provider).OneOf(PaymentProviderNames.All).WithMessage($"provider must be one of: {string.Join(", ", PaymentProviderNames.All)}.");
            RuleFor(q => q.Limit).PageLimit();
            RuleFor(q => q.Cursor).PageCursor(Newest);
        }
    }

    public sealed class Handler(MongoContext db) : IQueryHandler<Query, Page<AdminSubscriptionResponse>>
    {
        public async ValueTask<Page<AdminSubscriptionResponse>> Handle(Query query, CancellationToken cancellationToken)
        {
            var filter = Builders<SubscriptionDocument>.Filter;
            var conditions = new List<FilterDefinition<SubscriptionDocument>>();
            if (!string.IsNullOrEmpty(query.Status))
            {
                conditions.Add(filter.Eq(s => s.Status, query.Status));
            }

            if (!string.IsNullOrEmpty(query.PlanId))
            {
                conditions.Add(filter.Eq(s => s.PlanId, query.PlanId));
            }

            if (!string.IsNullOrEmpty(query.Provider))
            {
                conditions.Add(filter.Eq(s => s.PaymentMethod, query.Provider));
            }

            var page = await Newest.ReadAsync(
                SubscriptionStore.Subscriptions(db), conditions.Count > 0 ? filter.And(conditions) : filter.Empty, query.Cursor, query.Limit, cancellationToken);
            return page.Select(AdminSubscriptionResponse.Of);
        }
    }

    internal static void Map(RouteGroupBuilder group) => group
        .MapGet("/subscriptions", async (string? status, string? planId, string? provider, string? cursor, string? limit, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(new Query(status, planId, provider, cursor, limit), ct)))
        .WithQueryRules<Query>()
        .WithName("ListSubscriptions")
        .WithSummary("Admin: list subscriptions, newest first, filtered by status, planId and provider")
        .WithDescription("Every subscription ever recorded, whatever its status, with the provider's id of it.")
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status401Unauthorized)
        .ProducesProblem(StatusCodes.Status403Forbidden);
}
