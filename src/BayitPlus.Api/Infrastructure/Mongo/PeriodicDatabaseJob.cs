namespace BayitPlus.Api.Infrastructure.Mongo;

/// <summary>
/// A background job that makes one pass over the database every <c>interval</c> on the injected
/// clock, the first once the indexes are ready (its queries need them; run before, the first pass
/// would scan whole collections while they are still being built). A failing pass (the database, a
/// service it calls, a document it cannot read) is logged and tried again at the next tick: a
/// background job must not stop the host, which is what an exception leaving a BackgroundService
/// does. A pass is public so tests can run it.
/// </summary>
public abstract partial class PeriodicDatabaseJob(DatabaseReadiness readiness, TimeSpan interval, TimeProvider time, ILogger logger) : BackgroundService
{
    /// <summary>The clock the job runs and judges what is due on.</summary>
    protected TimeProvider Time { get; } = time;

    /// <summary>What a pass does, for the log: "Anonymizing deleted accounts".</summary>
    protected abstract string Work { get; }

    /// <summary>One pass; returns how many items it changed. Safe to run again or concurrently.</summary>
    public abstract Task<int> RunOnceAsync(CancellationToken ct);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await readiness.WhenIndexesReady.WaitAsync(stoppingToken);
        using var timer = new PeriodicTimer(interval, Time);
        do
        {
            try
            {
                await RunOnceAsync(stoppingToken);
            }
            catch (Exception error) when (error is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                LogFailed(logger, Work, error);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "{Work} failed; retrying at the next interval")]
    private static partial void LogFailed(ILogger logger, string work, Exception error);
}
