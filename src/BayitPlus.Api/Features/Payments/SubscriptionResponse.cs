namespace BayitPlus.Api.Features.Payments;

/// <summary>A subscription as its owner sees it.</summary>
/// <param name="Id">The subscription's id.</param>
/// <param name="PlanId">The plan subscribed to.</param>
/// <param name="PlanName">The plan's name in the response's language.</param>
/// <param name="Status">active, past_due (a renewal failed; access lasts until graceUntil), canceled (canceled at period end: access lasts until endDate, then it expires; resume undoes it) or expired.</param>
/// <param name="StartDate">When the subscription began.</param>
/// <param name="EndDate">The end of the period paid for (or of the trial); it renews then unless autoRenew is false.</param>
/// <param name="AutoRenew">False once canceled at period end: access continues until endDate, then stops.</param>
/// <param name="Provider">The provider that takes the payments: stripe or paypal.</param>
/// <param name="Amount">The price of one billing period, in major units.</param>
/// <param name="Currency">ISO 4217 currency code.</param>
/// <param name="BillingPeriod">monthly or yearly.</param>
/// <param name="TrialEnd">When the free trial ends, if the subscription started with one.</param>
/// <param name="GraceUntil">While past_due: when access ends unless the renewal is paid.</param>
/// <param name="ApprovalUrl">Only in the answer to a plan change the provider holds until the
/// subscriber approves it there (PayPal): send the user to this link; the subscription shown is
/// unchanged until the provider confirms the approval. Null otherwise.</param>
public sealed record SubscriptionResponse(
    string Id,
    string PlanId,
    string PlanName,
    string Status,
    DateTime StartDate,
    DateTime EndDate,
    bool AutoRenew,
    string Provider,
    decimal Amount,
    string Currency,
    string BillingPeriod,
    DateTime? TrialEnd,
    DateTime? GraceUntil,
    Uri? ApprovalUrl = null)
{
    public static SubscriptionResponse Of(SubscriptionDocument subscription, PaymentsSettings settings, string language) => new(
        subscription.Id,
        subscription.PlanId,
        settings.Plans.TryGetValue(subscription.PlanId, out var plan) ? ListPlans.LocalizedName(plan, language) : subscription.PlanId,
        subscription.Status,
        subscription.StartDate,
        subscription.EndDate,
        subscription.AutoRenew,
        subscription.PaymentMethod,
        SubscriptionStore.Money(subscription.Amount),
        subscription.Currency,
        subscription.BillingPeriod,
        subscription.TrialEnd,
        subscription.GraceUntil);
}
