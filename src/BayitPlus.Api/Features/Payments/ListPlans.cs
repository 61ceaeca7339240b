using BayitPlus.Api.Infrastructure;
using BayitPlus.Api.Infrastructure.Http;
using Mediator;

namespace BayitPlus.Api.Features.Payments;

/// <summary>A plan on sale, in the request's language.</summary>
/// <param name="Id">The plan id a checkout names (basic, premium, family…).</param>
/// <param name="Name">The plan's name in the response's language (see Content-Language).</param>
/// <param name="Prices">Prices by ISO 4217 currency code, in major units (9.99 is $9.99).</param>
/// <param name="Features">What the plan includes.</param>
/// <param name="TrialDays">Days of free trial a new subscription starts with (0: none).</param>
public sealed record PlanResponse(string Id, string Name, IReadOnlyDictionary<string, PlanPriceResponse> Prices, PlanFeaturesResponse Features, int TrialDays);

/// <summary>A plan's price in one currency.</summary>
/// <param name="Monthly">Charged every month.</param>
/// <param name="Yearly">Charged every year.</param>
public sealed record PlanPriceResponse(decimal Monthly, decimal Yearly);

/// <summary>What a plan includes.</summary>
/// <param name="Streams">Streams at once.</param>
/// <param name="Quality">The best video quality: SD, HD or 4K.</param>
/// <param name="LiveTv">Live TV included.</param>
/// <param name="AiFeatures">AI features included.</param>
/// <param name="Downloads">Downloads included.</param>
public sealed record PlanFeaturesResponse(int Streams, string Quality, bool LiveTv, bool AiFeatures, bool Downloads)
{
    public static PlanFeaturesResponse Of(PlanFeatures features) =>
        new(features.Streams, features.Quality, features.LiveTv, features.AiFeatures, features.Downloads);
}

/// <summary>The active plans (<c>Payments:Plans</c>), cheapest first in the default currency, named
/// in the request's language.</summary>
public static class ListPlans
{
    public sealed record Query(string Language) : IQuery<ItemsResponse<PlanResponse>>;

    public sealed class Handler(PaymentsSettings settings) : IQueryHandler<Query, ItemsResponse<PlanResponse>>
    {
        public ValueTask<ItemsResponse<PlanResponse>> Handle(Query query, CancellationToken cancellationToken)
        {
            var plans = settings.Plans
                .Where(entry => entry.Value.Active)
                .OrderBy(entry => entry.Value.Prices[settings.DefaultCurrency].Monthly)
                .ThenBy(entry => entry.Key, StringComparer.Ordinal)
                .Select(entry => new PlanResponse(
                    entry.Key,
                    LocalizedName(entry.Value, query.Language),
                    entry.Value.Prices.ToDictionary(price => price.Key, price => new PlanPriceResponse(price.Value.Monthly, price.Value.Yearly), StringComparer.Ordinal),
                    PlanFeaturesResponse.Of(entry.Value.Features),
                    settings.TrialDays))
                .ToList();
            return ValueTask.FromResult(new ItemsResponse<PlanResponse>(plans));
        }
    }

    /// <summary>The plan's name in <paramref name="language"/>; start-up requires all three, so
    /// the Hebrew fallback only covers a plan id no longer configured.</summary>
    public static string LocalizedName(PaymentPlan plan, string language) =>
        plan.Names.TryGetValue(language, out var name) ? name : plan.Names.GetValueOrDefault(RequestLanguage.Hebrew, "");

    internal static void Map(RouteGroupBuilder group) => group
        .MapGet("", async (HttpContext http, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(new Query(RequestLanguage.Resolve(http)), ct)))
        .WithLanguage()
        .AllowAnonymous()
        .WithName("ListPlans")
        .WithSummary("List the subscription plans on sale")
        .WithDescription("Every active plan, cheapest first: its name in the request's language, monthly and yearly prices per currency, " +
            "what it includes, and the free trial a new subscription starts with. Anonymous.");
}
