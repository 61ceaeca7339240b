using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Serialization;
using BayitPlus.Api.Infrastructure.Auth;
using BayitPlus.Api.Infrastructure.Errors;
using BayitPlus.Api.Infrastructure.Mongo;
using BayitPlus.Api.Infrastructure.Validation;
using FluentValidation;
using Mediator;
using Microsoft.IdentityModel.JsonWebTokens;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.Payments;

/// <summary>The body of <c>POST /api/subscriptions/checkout</c>.</summary>
[ValidatedAs(typeof(Checkout.Command))]
public sealed record CheckoutRequest
{
    /// <summary>The plan to buy (see GET /api/plans).</summary>
    public string? PlanId { get; init; }

    /// <summary>monthly or yearly.</summary>
    public string? BillingPeriod { get; init; }

    /// <summary>The provider whose hosted checkout takes the payment: stripe or paypal.</summary>
    public string? Provider { get; init; }

    /// <summary>ISO 4217 code of a currency the plan has a price in; Payments:DefaultCurrency when absent.</summary>
    public string? Currency { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unknown { get; init; }
}

/// <summary>Where to send the user to pay.</summary>
/// <param name="CheckoutUrl">The provider's hosted checkout page; redirect the user there.</param>
/// <param name="SessionId">The provider's id of the checkout session.</param>
public sealed record CheckoutResponse(Uri CheckoutUrl, string SessionId);

/// <summary>
/// Creates a hosted checkout session with the provider for a plan, billing period and currency
/// (checked against <c>Payments:Plans</c>). Nothing is stored: the provider's
/// <c>checkout.session.completed</c> webhook creates the subscription from the session's client
/// reference (the user id) and metadata (plan, period). A user whose subscription has not ended
/// gets 409 (change the plan instead). The free trial (<c>Payments:TrialDays</c>) is for a first
/// subscription only, so cancelling and buying again does not earn another one.
/// </summary>
/// <remarks>The provider call carries an idempotency key of the user, the selection and the UTC
/// minute: a double click (or a client retrying a timed-out request) within the same minute gets the
/// provider's first session back instead of a second one, while a deliberate new attempt a minute
/// later gets a fresh session (a provider's session expires, so a stale one must not be replayed
/// forever). The endpoint is also rate limited per user (<see cref="RateLimitPolicy"/>).</remarks>
public static class Checkout
{
    public const string RateLimitPolicy = "checkout";

    public sealed record Command(string UserId, string Email, string? PlanId, string? BillingPeriod, string? Provider, string? Currency, IReadOnlyList<string> UnknownFields)
        : ICommand<CheckoutResponse>;

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator(PaymentsSettings settings, PlanCatalog catalog)
        {
            var active = catalog.ActivePlanIds;
            var currencies = settings.Plans.Values.SelectMany(p => p.Prices.Keys).Distinct().Order(StringComparer.Ordinal).ToList();
            RuleFor(c => c.UnknownFields).AreRefused(typeof(CheckoutRequest));
            RuleFor(c => c.PlanId).NotEmpty().WithMessage("planId is required.")
                .OneOf(active).WithMessage($"planId must be one of: {string.Join(", ", active)}.");
            RuleFor(c => c.BillingPeriod).NotEmpty().WithMessage("billingPeriod is required.")
                .OneOf(BillingPeriods.All).WithMessage($"billingPeriod must be one of: {string.Join(", ", BillingPeriods.All)}.");
            RuleFor(c => c.Provider).NotEmpty().WithMessage("provider is required.")
                .OneOf(PaymentProviderNames.All).WithMessage($"provider must be one of: {string.Join(", ", PaymentProviderNames.All)}.");
            RuleFor(c => c.Currency).OneOf(currencies).WithMessage($"currency must be one of: {string.Join(", ", currencies)}.");
            RuleFor(c => c.Currency)
                .Must((c, currency) => catalog.Select(c.PlanId!, c.BillingPeriod!, currency ?? settings.DefaultCurrency, c.Provider!) is not null)
                .When(c => active.Contains(c.PlanId!) && BillingPeriods.All.Contains(c.BillingPeriod!) && PaymentProviderNames.All.Contains(c.Provider!)
                    && (c.Currency is null || currencies.Contains(c.Currency)))
                .WithMessage(c => $"The plan {c.PlanId} has no price in {c.Currency ?? settings.DefaultCurrency}.");
        }
    }

    public sealed class Handler(MongoContext db, PaymentProviders providers, PlanCatalog catalog, PaymentsSettings settings, TimeProvider time)
        : ICommandHandler<Command, CheckoutResponse>
    {
        public async ValueTask<CheckoutResponse> Handle(Command command, CancellationToken cancellationToken)
        {
            var provider = providers.Configured(command.Provider!);
            var now = time.GetUtcNow().UtcDateTime;
            var userId = command.UserId.ToLowerInvariant();
            if (await SubscriptionStore.FindCurrentAsync(db, userId, now, cancellationToken) is not null)
            {
                throw ActiveSubscription();
            }

            var currency = command.Currency ?? settings.DefaultCurrency;
            var selection = catalog.Select(command.PlanId!, command.BillingPeriod!, currency, provider.Name)!;
            var subscribedBefore = await SubscriptionStore.Subscriptions(db).Find(s => s.UserId == userId).AnyAsync(cancellationToken);
            var key = string.Create(CultureInfo.InvariantCulture,
                $"checkout:{userId}:{provider.Name}:{selection.PlanId}:{selection.BillingPeriod}:{selection.Currency}:{now:yyyyMMddHHmm}");
            var order = new CheckoutOrder(userId, command.Email, selection, subscribedBefore ? 0 : settings.TrialDays, settings.SuccessUrl!, settings.CancelUrl!, key);
            var session = await provider.CreateCheckoutAsync(order, cancellationToken);
            return new CheckoutResponse(session.CheckoutUrl, session.SessionId);
        }
    }

    public static ConflictException ActiveSubscription() =>
        new("planId", "You already have a subscription that has not ended; change its plan instead (POST /api/subscriptions/me/change-plan).")
        {
            Type = PaymentProblems.ActiveSubscription,
        };

    internal static void Map(RouteGroupBuilder group) => group
        .MapPost("/checkout", async (CheckoutRequest request, HttpContext http, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(
                new Command(http.User.Id(), http.User.FindFirstValue(JwtRegisteredClaimNames.Email) ?? "", request.PlanId, request.BillingPeriod, request.Provider, request.Currency,
                    UnknownFields.In(request.Unknown)),
                ct)))
        .RequireRateLimiting(RateLimitPolicy)
        .WithName("CreateCheckout")
        .WithSummary("Start buying a subscription: a hosted checkout session with the provider")
        .WithDescription("Answers the provider's checkout page to send the user to. The subscription begins when the provider reports the " +
            "checkout completed (its webhook), not now. A first subscription starts with the free trial of Payments:TrialDays. The same " +
            "selection sent again within the same minute answers the same session. 409 (type urn:bayitplus:problem:subscription-active) " +
            "while the user has a subscription that has not ended; 503 when the provider is not configured; 502 when it fails.")
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status401Unauthorized)
        .ProducesProblem(StatusCodes.Status409Conflict)
        .ProducesProblem(StatusCodes.Status429TooManyRequests)
        .ProducesProblem(StatusCodes.Status502BadGateway)
        .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
}
