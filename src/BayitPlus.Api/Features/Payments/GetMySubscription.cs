using BayitPlus.Api.Infrastructure.Auth;
using BayitPlus.Api.Infrastructure.Errors;
using BayitPlus.Api.Infrastructure.Http;
using BayitPlus.Api.Infrastructure.Mongo;
using Mediator;

namespace BayitPlus.Api.Features.Payments;

/// <summary>The signed-in user's current subscription (active, past due, or canceled with paid
/// time left); 404 when they have none.</summary>
public static class GetMySubscription
{
    public sealed record Query(string UserId, string Language) : IQuery<SubscriptionResponse>;

    public sealed class Handler(MongoContext db, PaymentsSettings settings, TimeProvider time) : IQueryHandler<Query, SubscriptionResponse>
    {
        public async ValueTask<SubscriptionResponse> Handle(Query query, CancellationToken cancellationToken)
        {
            var subscription = await SubscriptionStore.FindCurrentAsync(db, query.UserId, time.GetUtcNow().UtcDateTime, cancellationToken)
                ?? throw new NotFoundException("Subscription");
            return SubscriptionResponse.Of(subscription, settings, query.Language);
        }
    }

    internal static void Map(RouteGroupBuilder group) => group
        .MapGet("/me", async (HttpContext http, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(new Query(http.User.Id(), RequestLanguage.Resolve(http)), ct)))
        .WithLanguage()
        .WithName("GetMySubscription")
        .WithSummary("Get the signed-in user's current subscription")
        .WithDescription("The subscription that has not ended: active, past_due (a renewal failed; access lasts until graceUntil) or " +
            "canceled with paid time left. 404 when the user has none (never subscribed, or it expired).")
        .ProducesProblem(StatusCodes.Status401Unauthorized)
        .ProducesProblem(StatusCodes.Status404NotFound);
}
