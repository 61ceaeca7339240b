using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using BayitPlus.Api.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace BayitPlus.Api.Tests.Infrastructure;

/// <summary>The API host with in-memory exporters and every MongoDB command counted as slow.</summary>
public sealed class TelemetryApiFactory : ApiFactory
{
    public Exported<Activity> Spans { get; } = [];

    public Exported<MetricSnapshot> Metrics { get; } = [];

    public CapturedLogs Logs { get; } = new();

    /// <summary>Exports the metrics collected so far (cumulative) and answers the latest snapshot of each.</summary>
    public IReadOnlyDictionary<string, MetricSnapshot> CollectMetrics()
    {
        Assert.True(Services.GetRequiredService<MeterProvider>().ForceFlush(10_000), "metrics were not collected");
        return Metrics.Snapshot().GroupBy(m => m.Name).ToDictionary(g => g.Key, g => g.Last());
    }

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
    {
        ["Mongo:SlowCommandThresholdMs"] = "0",
    };

    protected override void ConfigureServices(IServiceCollection services)
    {
        services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(Spans));
        services.ConfigureOpenTelemetryMeterProvider(metrics => metrics.AddInMemoryExporter(Metrics));
        services.AddSingleton<ILoggerProvider>(Logs);
    }
}

public sealed class TelemetryTests(TelemetryApiFactory api) : IClassFixture<TelemetryApiFactory>
{
    private static readonly TimeSpan ExportDeadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_request_is_one_trace_from_the_http_span_through_the_mediator_span_to_the_driver_span()
    {
        // The traceparent names the trace, so spans of other tests' hosts in this process (the
        // activity sources are process-wide) are told apart.
        var traceId = ActivityTraceId.CreateRandom();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/auth/register")
        {
            Content = JsonContent.Create(new { email = TestUsers.NewEmail("trace"), name = "Traced", password = TestUsers.Password }),
        };
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01");

        var response = await api.CreateClient().SendAsync(request, Http.Ct);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var spans = await api.Spans.WaitForAsync(all => all.Any(s => s.TraceId == traceId && s.Kind == ActivityKind.Server), ExportDeadline, Http.Ct);
        var trace = spans.Where(s => s.TraceId == traceId).ToList();
        var http = Assert.Single(trace, s => s.Kind == ActivityKind.Server);
        Assert.Equal("Microsoft.AspNetCore", http.Source.Name);
        Assert.Equal("/api/auth/register", http.GetTagItem("url.path"));
        var mediator = Assert.Single(trace, s => s.Source.Name == "BayitPlus");
        Assert.Equal("Mediator RegisterUser.Command", mediator.DisplayName);
        Assert.Equal(http.SpanId, mediator.ParentSpanId);
        var driver = trace.Where(s => s.Source.Name == "MongoDB.Driver").ToList();
        Assert.NotEmpty(driver);
        Assert.Contains(driver, s => Equals(s.GetTagItem("db.collection.name"), "user"));
        Assert.All(driver, span => Assert.True(DescendsFrom(span, mediator, trace), $"{span.DisplayName} is not under the Mediator span"));
    }

    [Fact]
    public async Task Metrics_record_mongodb_query_duration_by_command_and_collection_and_mediator_request_duration()
    {
        await api.CreateClient().RegisterAsync();

        var metrics = api.CollectMetrics();

        Assert.True(metrics.TryGetValue("mongodb_query_duration", out var queries), $"no mongodb_query_duration in {string.Join(", ", metrics.Keys)}");
        Assert.Equal("s", queries.Unit);
        Assert.Contains(queries.MetricPoints, p => Tag(p, "db.operation.name") == "insert" && Tag(p, "db.collection.name") == "user" && p.GetHistogramCount() > 0);
        Assert.True(metrics.TryGetValue("bayitplus.mediator.request.duration", out var requests), "no bayitplus.mediator.request.duration");
        Assert.Contains(requests.MetricPoints, p => Tag(p, "mediator.request") == "RegisterUser.Command" && Tag(p, "outcome") == "success" && p.GetHistogramCount() > 0);
    }

    [Fact]
    public async Task Commands_slower_than_the_threshold_are_counted_and_logged_as_warnings()
    {
        var before = SlowInsertsIntoUser(api.CollectMetrics());

        await api.CreateClient().RegisterAsync();

        Assert.True(SlowInsertsIntoUser(api.CollectMetrics()) > before, "the slow-command counter did not increase");
        Assert.Contains(api.Logs.Entries, e =>
            e.Level == LogLevel.Warning
            && e.Category == "BayitPlus.Api.Infrastructure.Mongo.MongoCommandMetrics"
            && e.Message.StartsWith("Slow MongoDB command insert on user:", StringComparison.Ordinal));
    }

    private static long SlowInsertsIntoUser(IReadOnlyDictionary<string, MetricSnapshot> metrics) =>
        metrics.TryGetValue("bayitplus.mongodb.slow_commands", out var slow)
            ? slow.MetricPoints.Where(p => Tag(p, "db.operation.name") == "insert" && Tag(p, "db.collection.name") == "user").Sum(p => p.GetSumLong())
            : 0;

    private static string? Tag(MetricPoint point, string name)
    {
        foreach (var tag in point.Tags)
        {
            if (tag.Key == name)
            {
                return tag.Value?.ToString();
            }
        }

        return null;
    }

    private static bool DescendsFrom(Activity span, Activity ancestor, IReadOnlyList<Activity> trace)
    {
        var bySpanId = trace.ToDictionary(s => s.SpanId);
        for (var current = span; bySpanId.TryGetValue(current.ParentSpanId, out var parent); current = parent)
        {
            if (parent.SpanId == ancestor.SpanId)
            {
                return true;
            }
        }

        return false;
    }
}
