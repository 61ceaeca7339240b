using System.Diagnostics;
using System.Diagnostics.Metrics;
using BayitPlus.Api.Infrastructure.Telemetry;
using Mediator;

namespace BayitPlus.Api.Infrastructure.Pipeline;

/// <summary>A span and a duration sample per Mediator request, named by the request type
/// (<c>&lt;UseCase&gt;.Command</c> or <c>.Query</c>).</summary>
public sealed class TelemetryBehavior<TMessage, TResponse> : IPipelineBehavior<TMessage, TResponse>
    where TMessage : notnull, IMessage
{
    private static readonly Histogram<double> Duration = BayitPlusTelemetry.Meter.CreateHistogram<double>(
        "bayitplus.mediator.request.duration", "s", "Duration of Mediator requests by request type");

    private static readonly string RequestName = typeof(TMessage).DeclaringType is { } useCase
        ? $"{useCase.Name}.{typeof(TMessage).Name}"
        : typeof(TMessage).Name;

    public async ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        using var activity = BayitPlusTelemetry.ActivitySource.StartActivity($"Mediator {RequestName}");
        activity?.SetTag("mediator.request", RequestName);
        var started = Stopwatch.GetTimestamp();
        var outcome = "success";
        try
        {
            return await next(message, cancellationToken);
        }
        catch (Exception error)
        {
            outcome = error.GetType().Name;
            activity?.SetStatus(ActivityStatusCode.Error, error.GetType().Name);
            throw;
        }
        finally
        {
            Duration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds,
                new KeyValuePair<string, object?>("mediator.request", RequestName),
                new KeyValuePair<string, object?>("outcome", outcome));
        }
    }
}
