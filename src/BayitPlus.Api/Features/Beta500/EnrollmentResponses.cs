namespace BayitPlus.Api.Features.Beta500;

/// <summary>The program's seats, for anyone deciding whether to apply.</summary>
/// <param name="IsOpen">Whether a seat is free now.</param>
/// <param name="TotalSeats">Active members at most (<c>Beta:Seats</c>).</param>
/// <param name="FilledSeats">Active members now.</param>
/// <param name="AvailableSeats">Seats free now.</param>
/// <param name="DurationDays">Days of access from enrollment.</param>
/// <param name="CreditsPerMember">AI credits granted on enrollment.</param>
public sealed record BetaStatusResponse(bool IsOpen, int TotalSeats, int FilledSeats, int AvailableSeats, int DurationDays, int CreditsPerMember);

/// <summary>The signed-in user's membership.</summary>
/// <param name="EnrolledAt">When the user enrolled.</param>
/// <param name="ExpiresAt">When access ends.</param>
/// <param name="CreditsBalance">AI credits left.</param>
/// <param name="TotalCreditsGranted">AI credits granted so far (enrollment and admin grants).</param>
/// <param name="IsActive">False once withdrawn, expired or deactivated.</param>
/// <param name="LowBalance">The balance has fallen below the low-balance threshold since the last grant.</param>
public sealed record BetaMembershipResponse(DateTime EnrolledAt, DateTime ExpiresAt, int CreditsBalance, int TotalCreditsGranted, bool IsActive, bool LowBalance)
{
    public static BetaMembershipResponse Of(BetaUserDocument member, BetaSettings settings) =>
        new(member.EnrolledAt, member.AccessEndsAt(settings), member.CreditsBalance, member.TotalCreditsGranted, member.IsActive, member.LowBalance);
}

/// <summary>A member as admins see it, with the enrollment's fraud screening.</summary>
/// <param name="UserId">The account's id.</param>
/// <param name="Email">The account's email at enrollment.</param>
/// <param name="IsActive">False once withdrawn, expired or deactivated.</param>
/// <param name="EnrolledAt">When the member enrolled.</param>
/// <param name="ExpiresAt">When access ends.</param>
/// <param name="CreditsBalance">AI credits left.</param>
/// <param name="TotalCreditsGranted">AI credits granted so far.</param>
/// <param name="FraudScore">0 to 1: the weights of the signals that fired, capped at 1.</param>
/// <param name="FraudSignals">The signals that fired at enrollment.</param>
/// <param name="FlaggedForReview">Enrolled with a score at or above the review threshold.</param>
/// <param name="EndedReason">Why the member is inactive: withdrawn, expired or deactivated.</param>
/// <param name="EndedAt">When the membership ended.</param>
/// <param name="LowBalance">The balance has fallen below the low-balance threshold since the last grant.</param>
public sealed record BetaMemberResponse(
    string UserId,
    string Email,
    bool IsActive,
    DateTime EnrolledAt,
    DateTime ExpiresAt,
    int CreditsBalance,
    int TotalCreditsGranted,
    double FraudScore,
    IReadOnlyList<string> FraudSignals,
    bool FlaggedForReview,
    [property: System.ComponentModel.DataAnnotations.AllowedValues(EndedReasons.Withdrawn, EndedReasons.Expired, EndedReasons.Deactivated, null)] string? EndedReason,
    DateTime? EndedAt,
    bool LowBalance)
{
    public static BetaMemberResponse Of(BetaUserDocument member, BetaSettings settings) => new(
        member.UserId, member.Email, member.IsActive, member.EnrolledAt, member.AccessEndsAt(settings), member.CreditsBalance, member.TotalCreditsGranted,
        member.FraudScore, member.FraudSignals, member.FlaggedForReview, member.EndedReason, member.EndedAt, member.LowBalance);
}
