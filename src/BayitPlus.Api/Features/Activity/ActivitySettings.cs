namespace BayitPlus.Api.Features.Activity;

/// <summary>The watch history's settings (<c>Activity:*</c>), listed in the README and checked at
/// start-up by <see cref="ActivityServices"/>.</summary>
public sealed class ActivitySettings
{
    public const string Section = "Activity";

    /// <summary>An item counts as finished from this progress (0–1) on.</summary>
    public double FinishedAt { get; init; } = 0.9;

    /// <summary>Continue-watching shows unfinished items with more progress than this (0–1).</summary>
    public double MinProgress { get; init; } = 0.05;

    /// <summary>Read from the spec's <c>progress</c>, so entries the Python system writes (which carry
    /// no <c>finished</c> flag) and a changed <see cref="FinishedAt"/> are judged alike.</summary>
    public bool IsFinished(double progress) => progress >= FinishedAt;
}
