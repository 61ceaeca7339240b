using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace BayitPlus.Api.Infrastructure.Telemetry;

/// <summary>The API's own ActivitySource and Meter, both named <c>BayitPlus</c>; metric names are
/// <c>bayitplus.&lt;slice&gt;.&lt;thing&gt;</c>.</summary>
public static class BayitPlusTelemetry
{
    public const string Name = "BayitPlus";

    public static readonly ActivitySource ActivitySource = new(Name);

    public static readonly Meter Meter = new(Name);
}
