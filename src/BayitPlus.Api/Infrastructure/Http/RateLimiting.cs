using System.Globalization;
using System.Threading.RateLimiting;
using BayitPlus.Api.Infrastructure.Security;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.IdentityModel.JsonWebTokens;
using MongoDB.Bson;

namespace BayitPlus.Api.Infrastructure.Http;

/// <summary>A fixed-window rate-limit policy per client IP, declared in code by the slice whose
/// endpoints name it with <c>RequireRateLimiting</c>; <c>RateLimits:&lt;Name&gt;:PermitLimit</c> and
/// <c>WindowSeconds</c> override its defaults. A <paramref name="PerUser"/> policy counts per
/// signed-in account instead (per client IP for an anonymous request): for actions whose cost falls
/// on the account, where users behind one address must not share a limit. An
/// <paramref name="ExemptFromGlobal"/> policy is its endpoint's only limit: for callers such as a
/// payment provider, which send every customer's traffic from a few addresses.</summary>
public sealed record RateLimitPolicy(string Name, int PermitLimit, TimeSpan Window, bool PerUser = false, bool ExemptFromGlobal = false)
{
    /// <summary>As the <c>RateLimit-Policy</c> header lists it: <c>permits;w=seconds</c>.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{PermitLimit};w={(long)Window.TotalSeconds}");
}

/// <summary>Where a client stands against one limit: permits left in the current window, and when it ends.</summary>
public sealed record RateLimitState(RateLimitPolicy Policy, long Remaining, TimeSpan Reset);

/// <summary>Rate limits per client IP: a global limit on every request, plus the policies slices
/// declare. Configuration may only override declared policies: a section naming another, or an
/// endpoint naming an undeclared policy, stops the start-up with its name. Every response of a
/// limited endpoint says where its client stands (<see cref="HeaderNames"/>).</summary>
public static class RateLimiting
{
    public const string Section = "RateLimits";
    public const string GlobalPolicy = "Global";

    public const string LimitHeader = "RateLimit-Limit";
    public const string RemainingHeader = "RateLimit-Remaining";
    public const string ResetHeader = "RateLimit-Reset";
    public const string PolicyHeader = "RateLimit-Policy";

    /// <summary>The headers of draft-ietf-httpapi-ratelimit-headers (-07) this API sends.</summary>
    public static readonly IReadOnlyList<string> HeaderNames = [LimitHeader, RemainingHeader, ResetHeader, PolicyHeader];

    /// <summary>Declares a slice's policy (call from its <see cref="ISliceServices"/>).</summary>
    public static IServiceCollection AddRateLimitPolicy(this IServiceCollection services, string name, int permitLimit, TimeSpan window, bool perUser = false, bool exemptFromGlobal = false) =>
        services.AddSingleton(new RateLimitPolicy(name, permitLimit, window, perUser, exemptFromGlobal));

    public static WebApplicationBuilder AddClientRateLimits(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ClientRateLimits>();
        builder.Services.AddRateLimiter(options => options.OnRejected = OnRejectedAsync);
        builder.Services.AddOptions<RateLimiterOptions>().Configure<ClientRateLimits>((options, limits) =>
        {
            options.GlobalLimiter = limits.Limiter;

            // The middleware gives an endpoint policy's limiter no way to report where a client
            // stands, so ClientRateLimits counts the endpoint's policy too, in the global slot;
            // the names are registered here only so that RequireRateLimiting accepts them.
            foreach (var name in limits.Policies.Keys)
            {
                options.AddPolicy(name, _ => RateLimitPartition.GetNoLimiter(0));
            }
        });
        return builder;
    }

    /// <summary>The rate limiter, after the middleware that writes the rate-limit headers when the
    /// response starts (so a 429, a 500 or a cached response has them too, as they stand then).</summary>
    public static IApplicationBuilder UseClientRateLimits(this IApplicationBuilder app)
    {
        var limits = app.ApplicationServices.GetRequiredService<ClientRateLimits>();
        app.Use((context, next) =>
        {
            if (context.GetEndpoint()?.Metadata.GetMetadata<DisableRateLimitingAttribute>() is null)
            {
                // Read now: the exception handler clears the endpoint before a 500 starts.
                var client = ClientRateLimits.ClientKey(context);
                var own = limits.OwnPolicy(context);
                var ownKey = ClientRateLimits.OwnKey(context, own);
                context.Response.OnStarting(() =>
                {
                    WriteHeaders(context.Response.Headers, limits.StatesOf(client, own, ownKey));
                    return Task.CompletedTask;
                });
            }

            return next(context);
        });
        return app.UseRateLimiter();
    }

    /// <summary>Every policy an override or an endpoint names must have been declared; checked once
    /// the slices are registered and their endpoints mapped, so a typo fails the start-up rather
    /// than the first request to that endpoint.</summary>
    public static void ValidateRateLimitPolicies(this WebApplication app)
    {
        var declared = app.Services.GetServices<RateLimitPolicy>().Select(p => p.Name).Append(GlobalPolicy).ToHashSet(StringComparer.Ordinal);
        foreach (var configured in app.Configuration.GetSection(Section).GetChildren())
        {
            if (!declared.Contains(configured.Key))
            {
                throw new StartupException($"{Section}:{configured.Key} configures a rate-limit policy no slice declares (declared: {string.Join(", ", declared.Order())}).");
            }
        }

        var endpoints = ((IEndpointRouteBuilder)app).DataSources.SelectMany(source => source.Endpoints);
        foreach (var endpoint in endpoints)
        {
            if (endpoint.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName is { } name && !declared.Contains(name))
            {
                throw new StartupException($"The endpoint {endpoint.DisplayName} names the rate-limit policy \"{name}\", which no slice declares.");
            }
        }
    }

    /// <summary>Limit, remaining and reset describe the limit closest to exhaustion; the policy
    /// header lists every limit the request counts against, that one first.</summary>
    private static void WriteHeaders(IHeaderDictionary headers, IReadOnlyList<RateLimitState> states)
    {
        var closest = states[0];
        headers[LimitHeader] = closest.Policy.PermitLimit.ToString(CultureInfo.InvariantCulture);
        headers[RemainingHeader] = closest.Remaining.ToString(CultureInfo.InvariantCulture);
        headers[ResetHeader] = Seconds(closest.Reset);
        headers[PolicyHeader] = string.Join(", ", states.Select(state => state.Policy.ToString()));
    }

    private static string Seconds(TimeSpan wait) => ((long)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);

    /// <summary>Rejections on endpoints with a policy of their own (slices declare one where repeated
    /// calls suggest guessing) are medium; the global limit on everything else is low.</summary>
    private static void RecordRejection(HttpContext http)
    {
        var policy = http.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName;
        http.RequestServices.GetRequiredService<ISecurityEvents>().Record(new SecurityEvent(
            SecurityEventTypes.RateLimited,
            policy is null ? Severity.Low : Severity.Medium,
            http.User.Identity?.IsAuthenticated == true ? http.User.FindFirst(JwtRegisteredClaimNames.Sub)?.Value : null,
            http.Connection.RemoteIpAddress?.ToString(),
            new BsonDocument { ["path"] = http.Request.Path.Value ?? "", ["policy"] = policy ?? GlobalPolicy }));
    }

    private static async ValueTask OnRejectedAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var http = rejected.HttpContext;
        RecordRejection(http);
        var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
        http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        http.Response.Headers.RetryAfter = Seconds(retryAfter);
        var problems = http.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = { Status = StatusCodes.Status429TooManyRequests, Title = "Too many requests", Detail = "Too many requests from this client; retry later." },
        });
    }
}

/// <summary>
/// The configured limits and their limiters, per client IP: the global one on every request, and
/// the policy the request's endpoint names. Both count in aligned fixed windows
/// (<see cref="AlignedWindowLimiter"/>), so where a client stands is readable at any time.
/// </summary>
public sealed class ClientRateLimits : IDisposable
{
    private static readonly RateLimitPolicy GlobalDefaults = new(RateLimiting.GlobalPolicy, 600, TimeSpan.FromMinutes(1));

    private readonly TimeProvider _time;
    private readonly PartitionedRateLimiter<string> _global;
    private readonly PartitionedRateLimiter<(string Policy, string Client)> _own;

    public ClientRateLimits(IConfiguration configuration, IEnumerable<RateLimitPolicy> declared, TimeProvider time)
    {
        _time = time;
        var section = configuration.GetSection(RateLimiting.Section);
        var global = Read(section, GlobalDefaults);
        var policies = declared.Select(policy => Read(section, policy)).ToDictionary(policy => policy.Name, StringComparer.Ordinal);
        Global = global;
        Policies = policies;
        _global = PartitionedRateLimiter.Create<string, string>(client => client.Length == 0
            ? RateLimitPartition.GetNoLimiter(client)
            : RateLimitPartition.Get(client, _ => new AlignedWindowLimiter(global.PermitLimit, global.Window, time)));
        _own = PartitionedRateLimiter.Create<(string Policy, string Client), (string, string)>(key => policies.TryGetValue(key.Policy, out var policy)
            ? RateLimitPartition.Get(key, _ => new AlignedWindowLimiter(policy.PermitLimit, policy.Window, time))
            : RateLimitPartition.GetNoLimiter((string.Empty, string.Empty)));
        Limiter = PartitionedRateLimiter.CreateChained(
            _global.WithTranslatedKey<HttpContext>(context => OwnPolicy(context) is { ExemptFromGlobal: true } ? string.Empty : ClientKey(context), leaveOpen: true),
            _own.WithTranslatedKey<HttpContext>(context => OwnPolicy(context) is { } policy ? (policy.Name, OwnKey(context, policy)) : (string.Empty, string.Empty), leaveOpen: true));
    }

    public RateLimitPolicy Global { get; }

    /// <summary>The slices' policies, by name, with their configured limits.</summary>
    public IReadOnlyDictionary<string, RateLimitPolicy> Policies { get; }

    /// <summary>The global limit, then the endpoint's own policy: the first to refuse refuses the request.</summary>
    public PartitionedRateLimiter<HttpContext> Limiter { get; }

    /// <summary>The longest window of any limit: no reset is further away.</summary>
    public TimeSpan LongestWindow => Policies.Values.Append(Global).Max(policy => policy.Window);

    /// <summary>Limits count per client IP address (the proxy's forwarded one when trusted).</summary>
    public static string ClientKey(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    /// <summary>Who an endpoint's own policy counts: the signed-in account for a per-user policy
    /// (authentication has run by then), else the client address.</summary>
    public static string OwnKey(HttpContext context, RateLimitPolicy? policy) =>
        policy is { PerUser: true } && context.User.FindFirst(JwtRegisteredClaimNames.Sub)?.Value is { } user ? $"user:{user}" : ClientKey(context);

    /// <summary>The policy the request's endpoint names, if any.</summary>
    public RateLimitPolicy? OwnPolicy(HttpContext context) =>
        context.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName is { } name ? Policies.GetValueOrDefault(name) : null;

    /// <summary>Where a client stands against the global limit (unless the endpoint's policy is exempt
    /// from it) and the endpoint's own policy, closest to exhaustion first (fewest permits left, then
    /// the longest wait).</summary>
    public IReadOnlyList<RateLimitState> StatesOf(string client, RateLimitPolicy? own, string ownKey)
    {
        var now = _time.GetUtcNow();
        var states = new List<RateLimitState>();
        if (own is not { ExemptFromGlobal: true })
        {
            states.Add(State(Global, _global.GetStatistics(client), now));
        }

        if (own is not null)
        {
            states.Add(State(own, _own.GetStatistics((own.Name, ownKey)), now));
        }

        return [.. states.OrderBy(state => state.Remaining).ThenByDescending(state => state.Reset)];
    }

    public void Dispose()
    {
        Limiter.Dispose();
        _own.Dispose();
        _global.Dispose();
    }

    private static RateLimitState State(RateLimitPolicy policy, RateLimiterStatistics? statistics, DateTimeOffset now) =>
        new(policy, statistics?.CurrentAvailablePermits ?? policy.PermitLimit, AlignedWindowLimiter.UntilReset(now, policy.Window));

    /// <summary>A policy with its overrides; both numbers whole and at least 1 (the headers carry whole seconds).</summary>
    private static RateLimitPolicy Read(IConfigurationSection section, RateLimitPolicy defaults)
    {
        var configured = section.GetSection(defaults.Name);
        return defaults with
        {
            PermitLimit = Whole(configured, "PermitLimit", defaults.PermitLimit),
            Window = TimeSpan.FromSeconds(Whole(configured, "WindowSeconds", (int)defaults.Window.TotalSeconds)),
        };
    }

    private static int Whole(IConfigurationSection section, string key, int fallback) => section[key] switch
    {
        null => fallback,
        var text when int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= 1 => value,
        var text => throw new StartupException($"{section.Path}:{key} must be a whole number of at least 1 (it is \"{text}\")."),
    };
}
