using System.Globalization;
using System.Threading.RateLimiting;
using BayitPlus.Api.Infrastructure.Security;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.IdentityModel.JsonWebTokens;
using MongoDB.Bson;

namespace BayitPlus.Api.Infrastructure.Http;

/// <summary>A fixed-window rate-limit policy per client IP, declared in code by the slice whose
/// endpoints name it with <c>RequireRateLimiting</c>; <c>RateLimits:&lt;Name&gt;:PermitLimit</c> and
/// <c>WindowSeconds</c> override its defaults.</summary>
public sealed record RateLimitPolicy(string Name, int PermitLimit, TimeSpan Window);

/// <summary>The built-in rate limiter, per client IP: a global limit on every request, plus the
/// policies slices declare. Configuration may only override declared policies: a section naming
/// another, or an endpoint naming an undeclared policy, stops the start-up with its name.</summary>
public static class RateLimiting
{
    public const string Section = "RateLimits";
    public const string GlobalPolicy = "Global";

    private static readonly RateLimitPolicy GlobalDefaults = new(GlobalPolicy, 600, TimeSpan.FromMinutes(1));

    /// <summary>Declares a slice's policy (call from its <see cref="ISliceServices"/>).</summary>
    public static IServiceCollection AddRateLimitPolicy(this IServiceCollection services, string name, int permitLimit, TimeSpan window) =>
        services.AddSingleton(new RateLimitPolicy(name, permitLimit, window));

    public static WebApplicationBuilder AddClientRateLimits(this WebApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(Section);
        builder.Services.AddRateLimiter(options => options.OnRejected = OnRejectedAsync);
        builder.Services.AddOptions<RateLimiterOptions>().Configure<IEnumerable<RateLimitPolicy>>((options, policies) =>
        {
            var global = Read(section, GlobalDefaults);
            options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
                RateLimitPartition.GetFixedWindowLimiter(ClientKey(context), _ => global));
            foreach (var policy in policies)
            {
                var limits = Read(section, policy);
                options.AddPolicy(policy.Name, context => RateLimitPartition.GetFixedWindowLimiter(ClientKey(context), _ => limits));
            }
        });
        return builder;
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

    private static FixedWindowRateLimiterOptions Read(IConfigurationSection section, RateLimitPolicy defaults) => new()
    {
        PermitLimit = section.GetSection(defaults.Name).GetValue("PermitLimit", defaults.PermitLimit),
        Window = TimeSpan.FromSeconds(section.GetSection(defaults.Name).GetValue("WindowSeconds", defaults.Window.TotalSeconds)),
        QueueLimit = 0,
        AutoReplenishment = true,
    };

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

    private static string ClientKey(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    private static async ValueTask OnRejectedAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var http = rejected.HttpContext;
        RecordRejection(http);
        var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
        http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        http.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        var problems = http.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = { Status = StatusCodes.Status429TooManyRequests, Title = "Too many requests", Detail = "Too many requests from this client; retry later." },
        });
    }
}
