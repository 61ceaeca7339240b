namespace BayitPlus.Api.Features.Beta500;

/// <summary>The problem <c>type</c>s of enrollment answers whose status alone is ambiguous, so a
/// client can tell a full program from an existing membership (both 409).</summary>
public static class EnrollmentProblems
{
    public const string ProgramFull = "urn:bayitplus:problem:beta-program-full";
    public const string AlreadyEnrolled = "urn:bayitplus:problem:beta-already-enrolled";
    public const string EnrollmentBlocked = "urn:bayitplus:problem:beta-enrollment-blocked";
    public const string NotMember = Infrastructure.Credits.CreditProblems.NotMember;
    public const string InsufficientCredits = Infrastructure.Credits.CreditProblems.InsufficientCredits;
}

/// <summary>The security events enrollment records.</summary>
public static class EnrollmentSecurityEvents
{
    public const string EnrollmentBlocked = "beta_enrollment_blocked";
}

/// <summary>Why a member is inactive (<c>ended_reason</c>).</summary>
public static class EndedReasons
{
    public const string Withdrawn = "withdrawn";
    public const string Expired = "expired";
    public const string Deactivated = "deactivated";
}
