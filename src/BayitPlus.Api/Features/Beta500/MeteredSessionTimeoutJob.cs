using BayitPlus.Api.Infrastructure.Mongo;

namespace BayitPlus.Api.Features.Beta500;

/// <summary>Ends idle metered sessions every <c>Beta:JobInterval</c> on the injected clock (see
/// <see cref="MeteredSessions.EndIdleAsync"/>); safe with several instances.</summary>
public sealed partial class MeteredSessionTimeoutJob(MeteredSessions sessions, DatabaseReadiness readiness, BetaSettings settings, TimeProvider time, ILogger<MeteredSessionTimeoutJob> logger)
    : PeriodicDatabaseJob(readiness, settings.JobInterval, time, logger)
{
    protected override string Work => "Ending idle metered sessions";

    public override async Task<int> RunOnceAsync(CancellationToken ct)
    {
        var ended = await sessions.EndIdleAsync(ct);
        if (ended > 0)
        {
            LogEnded(logger, ended);
        }

        return ended;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Ended {Count} idle metered sessions")]
    private static partial void LogEnded(ILogger logger, int count);
}
