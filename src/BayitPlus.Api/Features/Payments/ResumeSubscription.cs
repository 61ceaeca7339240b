using BayitPlus.Api.Infrastructure.Auth;
using BayitPlus.Api.Infrastructure.Errors;
using BayitPlus.Api.Infrastructure.Http;
using BayitPlus.Api.Infrastructure.Mongo;
using Mediator;

namespace BayitPlus.Api.Features.Payments;

/// <summary>Undoes a cancel at period end while the period lasts: the provider renews again,
/// <c>auto_renew</c> is true and a <c>canceled</c> subscription (canceled at period end, by the
/// cancel endpoint or the provider's webhook) is <c>active</c> again. A subscription that renews anyway answers 200
/// as it is; one whose period is over cannot be resumed (409: buy again). One the provider really
/// ended is <c>expired</c> (not current: 404).</summary>
public static class ResumeSubscription
{
    public sealed record Command(string UserId, string Language) : ICommand<SubscriptionResponse>;

    public sealed class Handler(MongoContext db, PaymentProviders providers, PaymentsSettings settings, ISender sender, TimeProvider time)
        : ICommandHandler<Command, SubscriptionResponse>
    {
        public async ValueTask<SubscriptionResponse> Handle(Command command, CancellationToken cancellationToken)
        {
            var now = time.GetUtcNow().UtcDateTime;
            var subscription = await SubscriptionStore.FindCurrentAsync(db, command.UserId, now, cancellationToken)
                ?? throw new NotFoundException("Subscription");
            if (subscription.EndDate <= now)
            {
                throw new ConflictException("subscription", "The paid period of this subscription is over; start a new one through checkout.");
            }

            if (subscription.AutoRenew && subscription.Status != SubscriptionStatuses.Canceled)
            {
                return SubscriptionResponse.Of(subscription, settings, command.Language);
            }

            var provider = providers.Configured(subscription.PaymentMethod);
            var answer = await provider.SetCancelAtPeriodEndAsync(RecordSubscriptionChange.ProviderIdOf(subscription), false, cancellationToken);
            var changed = await sender.Send(new RecordSubscriptionChange.Command(RecordSubscriptionChange.Resumed, subscription.Id, answer, null), cancellationToken);
            return SubscriptionResponse.Of(changed, settings, command.Language);
        }
    }

    internal static void Map(RouteGroupBuilder group) => group
        .MapPost("/me/resume", async (HttpContext http, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(new Command(http.User.Id(), RequestLanguage.Resolve(http)), ct)))
        .WithLanguage()
        .WithName("ResumeMySubscription")
        .WithSummary("Undo a cancel at period end, while the period lasts")
        .WithDescription("The provider renews the subscription again; autoRenew becomes true and a canceled subscription is active again. A subscription that renews anyway answers " +
            "unchanged. 404 without a current subscription; 409 when endDate has passed (buy again through checkout) or the provider " +
            "has not yet confirmed the subscription; 502/503 when the provider fails or is not configured (nothing is changed then).")
        .ProducesProblem(StatusCodes.Status401Unauthorized)
        .ProducesProblem(StatusCodes.Status404NotFound)
        .ProducesProblem(StatusCodes.Status409Conflict)
        .ProducesProblem(StatusCodes.Status502BadGateway)
        .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
}
