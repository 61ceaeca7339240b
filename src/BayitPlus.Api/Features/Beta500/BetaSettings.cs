namespace BayitPlus.Api.Features.Beta500;

/// <summary>The Beta 500 program's settings (<c>Beta:*</c>), each listed in the README and checked
/// at start-up by <see cref="Beta500Services"/>.</summary>
public sealed class BetaSettings
{
    public const string Section = "Beta";

    /// <summary>Active members at most: ever enrolled minus withdrawn, expired or deactivated.</summary>
    public int Seats { get; init; } = 500;

    public int DurationDays { get; init; } = 90;

    /// <summary>Credits granted on enrollment.</summary>
    public int InitialCredits { get; init; } = 5_000;

    /// <summary>Credits per use (<c>ai_search</c>, <c>recommendations</c>, <c>catchup</c>) or per
    /// second (<c>live_dubbing</c>, <c>smart_subtitles</c>) of each feature.</summary>
    public Dictionary<string, BetaPrice> Prices { get; init; } = new(StringComparer.Ordinal)
    {
        ["ai_search"] = new() { Credits = 2, Per = BetaPrice.PerUse },
        ["recommendations"] = new() { Credits = 3, Per = BetaPrice.PerUse },
        ["catchup"] = new() { Credits = 5, Per = BetaPrice.PerUse },
        ["live_dubbing"] = new() { Credits = 1, Per = BetaPrice.PerSecond },
        ["smart_subtitles"] = new() { Credits = 1, Per = BetaPrice.PerSecond },
    };

    /// <summary>A deduction that takes the balance below this records a low-balance crossing.</summary>
    public int LowBalanceThreshold { get; init; } = 500;

    /// <summary>More credits than this spent by one member within an hour records a high security event.</summary>
    public int HourlySpendAlert { get; init; } = 1_000;

    /// <summary>A metered session without a checkpoint for this long is ended by the background job.</summary>
    public TimeSpan SessionTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How often the background jobs (expiry, idle sessions) run.</summary>
    public TimeSpan JobInterval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>At or above this fraud score an enrollment is refused.</summary>
    public double BlockScore { get; init; } = 0.8;

    /// <summary>At or above this fraud score an enrollment is accepted but flagged for review.</summary>
    public double ReviewScore { get; init; } = 0.5;

    /// <summary>Each fraud signal's weight; the score is their sum of the signals that fired, capped at 1.</summary>
    public Dictionary<string, double> SignalWeights { get; init; } = new(StringComparer.Ordinal)
    {
        [BetaFraudSignals.DisposableEmail] = 0.8,
        [BetaFraudSignals.SharedFingerprint] = 0.8,
        [BetaFraudSignals.NetworkBurst] = 0.4,
        [BetaFraudSignals.NewAccount] = 0.2,
        [BetaFraudSignals.UnverifiedEmail] = 0.1,
    };

    /// <summary>Enrollments from one network (/24 or /48) within <see cref="NetworkBurstWindow"/>
    /// above which the network-burst signal fires.</summary>
    public int NetworkBurstLimit { get; init; } = 3;

    public TimeSpan NetworkBurstWindow { get; init; } = TimeSpan.FromHours(1);

    /// <summary>An account younger than this fires the new-account signal.</summary>
    public TimeSpan MinAccountAge { get; init; } = TimeSpan.FromDays(1);

    /// <summary>The largest credit adjustment, up or down, an admin may make at once.</summary>
    public int MaxAdjustment { get; init; } = 100_000;
}

/// <summary>A feature's price: <see cref="Credits"/> per use or per second.</summary>
public sealed class BetaPrice
{
    public const string PerUse = "use";
    public const string PerSecond = "second";

    public int Credits { get; init; }

    public string Per { get; init; } = PerUse;
}

/// <summary>The fraud signals enrollment screens for, by the names stored and shown to admins.</summary>
public static class BetaFraudSignals
{
    public const string DisposableEmail = "disposable_email";
    public const string SharedFingerprint = "shared_fingerprint";
    public const string NetworkBurst = "network_burst";
    public const string NewAccount = "new_account";
    public const string UnverifiedEmail = "unverified_email";

    public static readonly IReadOnlyList<string> All = [DisposableEmail, SharedFingerprint, NetworkBurst, NewAccount, UnverifiedEmail];
}
