using BayitPlus.Api.Infrastructure.Auth;
using BayitPlus.Api.Infrastructure.Errors;
using BayitPlus.Api.Infrastructure.Http;
using BayitPlus.Api.Infrastructure.Mongo;
using Mediator;

namespace BayitPlus.Api.Features.Payments;

/// <summary>Cancels the signed-in user's subscription at the end of the paid period: the provider
/// stops renewing it, <c>auto_renew</c> becomes false and an active subscription becomes
/// <c>canceled</c> (canceled at period end, not ended: access continues until <c>end_date</c>, when
/// the provider ends it and the expiry job expires it), the state the provider's update webhook
/// gives it too; a past due one stays past due. Idempotent: a subscription already set to end answers 200 as it is, without calling the
/// provider again.</summary>
public static class CancelSubscription
{
    public sealed record Command(string UserId, string Language) : ICommand<SubscriptionResponse>;

    public sealed class Handler(MongoContext db, PaymentProviders providers, PaymentsSettings settings, ISender sender, TimeProvider time)
        : ICommandHandler<Command, SubscriptionResponse>
    {
        public async ValueTask<SubscriptionResponse> Handle(Command command, CancellationToken cancellationToken)
        {
            var subscription = await SubscriptionStore.FindCurrentAsync(db, command.UserId, time.GetUtcNow().UtcDateTime, cancellationToken)
                ?? throw new NotFoundException("Subscription");
            if (!subscription.AutoRenew || subscription.Status == SubscriptionStatuses.Canceled)
            {
                return SubscriptionResponse.Of(subscription, settings, command.Language);
            }

            var provider = providers.Configured(subscription.PaymentMethod);
            var answer = await provider.SetCancelAtPeriodEndAsync(RecordSubscriptionChange.ProviderIdOf(subscription), true, cancellationToken);
            var changed = await sender.Send(new RecordSubscriptionChange.Command(RecordSubscriptionChange.Canceled, subscription.Id, answer, null), cancellationToken);
            return SubscriptionResponse.Of(changed, settings, command.Language);
        }
    }

    internal static void Map(RouteGroupBuilder group) => group
        .MapPost("/me/cancel", async (HttpContext http, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(new Command(http.User.Id(), RequestLanguage.Resolve(http)), ct)))
        .WithLanguage()
        .WithName("CancelMySubscription")
        .WithSummary("Cancel the signed-in user's subscription at the end of the paid period")
        .WithDescription("The provider stops renewing it; autoRenew becomes false, an active subscription becomes canceled (canceled at period end) " +
            "and access continues until endDate. Calling it again " +
            "answers the subscription unchanged. 404 without a current subscription; 409 while the provider has not yet confirmed the " +
            "subscription; 502/503 when the provider fails or is not configured (nothing is changed then).")
        .ProducesProblem(StatusCodes.Status401Unauthorized)
        .ProducesProblem(StatusCodes.Status404NotFound)
        .ProducesProblem(StatusCodes.Status409Conflict)
        .ProducesProblem(StatusCodes.Status502BadGateway)
        .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
}
