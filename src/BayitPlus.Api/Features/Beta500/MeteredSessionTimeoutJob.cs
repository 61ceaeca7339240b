using BayitPlus.Api.Infrastructure.Mongo;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.Beta500;

/// <summary>Ends idle metered sessions every <c>Beta:JobInterval</c> on the injected clock (see
/// <see cref="MeteredSessions.EndIdleAsync"/>); safe with several instances.</summary>
public sealed partial class MeteredSessionTimeoutJob(MeteredSessions sessions, DatabaseReadiness readiness, BetaSettings settings, TimeProvider time, ILogger<MeteredSessionTimeoutJob> logger) : BackgroundService
{
    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        var ended = await sessions.EndIdleAsync(ct);
        if (ended > 0)
        {
            LogEnded(logger, ended);
        }

        return ended;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await readiness.WhenIndexesReady.WaitAsync(stoppingToken);
        using var timer = new PeriodicTimer(settings.JobInterval, time);
        do
        {
            try
            {
                await RunOnceAsync(stoppingToken);
            }
            catch (Exception error) when (error is MongoException or TimeoutException)
            {
                // The next tick tries again; a failing database must not stop the host.
                LogFailed(logger, error);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Ended {Count} idle metered sessions")]
    private static partial void LogEnded(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Ending idle metered sessions failed; retrying at the next interval")]
    private static partial void LogFailed(ILogger logger, Exception error);
}
