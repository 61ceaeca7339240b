namespace BayitPlus.Api.Infrastructure.Credits;

/// <summary>The problem <c>type</c>s of a refused charge, the same for every slice that spends
/// credits, so a client handles "out of credits" and "not a member" once.</summary>
public static class CreditProblems
{
    public const string InsufficientCredits = "urn:bayitplus:problem:beta-insufficient-credits";
    public const string NotMember = "urn:bayitplus:problem:beta-not-member";
}
