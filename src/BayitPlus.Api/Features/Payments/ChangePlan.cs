using System.Text.Json;
using System.Text.Json.Serialization;
using BayitPlus.Api.Infrastructure.Auth;
using BayitPlus.Api.Infrastructure.Errors;
using BayitPlus.Api.Infrastructure.Http;
using BayitPlus.Api.Infrastructure.Mongo;
using BayitPlus.Api.Infrastructure.Validation;
using FluentValidation;
using FluentValidation.Results;
using Mediator;

namespace BayitPlus.Api.Features.Payments;

/// <summary>The body of <c>POST /api/subscriptions/me/change-plan</c>.</summary>
[ValidatedAs(typeof(ChangePlan.Command))]
public sealed record ChangePlanRequest
{
    /// <summary>The plan to move to (see GET /api/plans).</summary>
    public string? PlanId { get; init; }

    /// <summary>monthly or yearly.</summary>
    public string? BillingPeriod { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unknown { get; init; }
}

/// <summary>Moves the signed-in user's current subscription (active, or canceled at period end) to
/// another plan or billing period, in its own currency, with the provider's proration. What the
/// provider answers (plan, period, price, period end, renewal) is stored, and the account's tier
/// follows the plan, with the audit record, in one transaction. The same plan and period is 409; a
/// past due subscription must be paid first (409).</summary>
public static class ChangePlan
{
    public sealed record Command(string UserId, string? PlanId, string? BillingPeriod, IReadOnlyList<string> UnknownFields, string Language) : ICommand<SubscriptionResponse>;

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator(PlanCatalog catalog)
        {
            var active = catalog.ActivePlanIds;
            RuleFor(c => c.UnknownFields).AreRefused(typeof(ChangePlanRequest));
            RuleFor(c => c.PlanId).NotEmpty().WithMessage("planId is required.")
                .OneOf(active).WithMessage($"planId must be one of: {string.Join(", ", active)}.");
            RuleFor(c => c.BillingPeriod).NotEmpty().WithMessage("billingPeriod is required.")
                .OneOf(BillingPeriods.All).WithMessage($"billingPeriod must be one of: {string.Join(", ", BillingPeriods.All)}.");
        }
    }

    public sealed class Handler(MongoContext db, PaymentProviders providers, PlanCatalog catalog, PaymentsSettings settings, ISender sender, TimeProvider time)
        : ICommandHandler<Command, SubscriptionResponse>
    {
        public async ValueTask<SubscriptionResponse> Handle(Command command, CancellationToken cancellationToken)
        {
            var subscription = await SubscriptionStore.FindCurrentAsync(db, command.UserId, time.GetUtcNow().UtcDateTime, cancellationToken)
                ?? throw new NotFoundException("Subscription");
            if (subscription.Status == SubscriptionStatuses.PastDue)
            {
                throw new ConflictException("subscription", "The last renewal of this subscription failed; pay it before changing the plan.");
            }

            if (subscription.PlanId == command.PlanId && subscription.BillingPeriod == command.BillingPeriod)
            {
                throw new ConflictException("planId", $"The subscription is already on {command.PlanId}, {command.BillingPeriod}.");
            }

            var selection = catalog.Select(command.PlanId!, command.BillingPeriod!, subscription.Currency, subscription.PaymentMethod)
                ?? throw new ValidationException([new ValidationFailure("planId", $"The plan {command.PlanId} has no price in {subscription.Currency}, the subscription's currency.")]);
            var provider = providers.Configured(subscription.PaymentMethod);
            var answer = await provider.ChangePlanAsync(RecordSubscriptionChange.ProviderIdOf(subscription), selection, cancellationToken);
            if (answer.ApprovalUrl is { } approval)
            {
                // Held by the provider until the subscriber approves it there: nothing changes here
                // until its webhook says the new plan applies.
                return SubscriptionResponse.Of(subscription, settings, command.Language) with { ApprovalUrl = approval };
            }

            var changed = await sender.Send(new RecordSubscriptionChange.Command(RecordSubscriptionChange.PlanChanged, subscription.Id, answer, selection), cancellationToken);
            return SubscriptionResponse.Of(changed, settings, command.Language);
        }
    }

    internal static void Map(RouteGroupBuilder group) => group
        .MapPost("/me/change-plan", async (ChangePlanRequest request, HttpContext http, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(new Command(http.User.Id(), request.PlanId, request.BillingPeriod, UnknownFields.In(request.Unknown), RequestLanguage.Resolve(http)), ct)))
        .WithLanguage()
        .WithName("ChangeMySubscriptionPlan")
        .WithSummary("Move the signed-in user's subscription to another plan or billing period")
        .WithDescription("In the subscription's currency, with the provider's proration; the answer shows the plan, price and period end " +
            "the provider applied, and the account's tier follows the plan. When the provider holds the change until the subscriber " +
            "approves it there (PayPal), the answer is the unchanged subscription with `approvalUrl` to send the user to; the provider's " +
            "webhook applies the plan once approved. 404 without a current subscription; 409 for the same plan and " +
            "period, a past_due subscription, or one the provider has not yet confirmed; 502/503 when the provider fails or is " +
            "not configured (nothing is changed then).")
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status401Unauthorized)
        .ProducesProblem(StatusCodes.Status404NotFound)
        .ProducesProblem(StatusCodes.Status409Conflict)
        .ProducesProblem(StatusCodes.Status502BadGateway)
        .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
}
