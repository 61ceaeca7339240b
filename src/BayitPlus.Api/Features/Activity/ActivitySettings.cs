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
}
