using System.Globalization;
using System.Threading.RateLimiting;
using BayitPlus.Api.Infrastructure.Security;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.IdentityModel.JsonWebTokens;
using MongoDB.Bson;

namespace BayitPlus.Api.Infrastructure.Http;

/// <summary>The built-in rate limiter, per client IP: a global limit on every request, plus one
/// fixed-window policy per entry of the <c>RateLimits</c> configuration section, which endpoints
/// name with <c>RequireRateLimiting</c>. Every limit is a setting, so a deployment, a test or a load
/// run can change it.</summary>
public static class RateLimiting
{
    public const string Section = "RateLimits";
    public const string GlobalPolicy = "Global";

    public static WebApplicationBuilder AddClientRateLimits(this WebApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(Section);
        builder.Services.AddRateLimiter(options =>
        {
            var global = Read(section.GetSection(GlobalPolicy), permits: 600, window: TimeSpan.FromMinutes(1));
            options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
                RateLimitPartition.GetFixedWindowLimiter(ClientKey(context), _ => global));
            foreach (var policy in section.GetChildren().Where(p => p.Key != GlobalPolicy))
            {
                var limits = Read(policy, permits: 10, window: TimeSpan.FromMinutes(1));
                options.AddPolicy(policy.Key, context => RateLimitPartition.GetFixedWindowLimiter(ClientKey(context), _ => limits));
            }

            options.OnRejected = OnRejectedAsync;
        });
        return builder;
    }

    private static FixedWindowRateLimiterOptions Read(IConfigurationSection section, int permits, TimeSpan window) => new()
    {
        PermitLimit = section.GetValue("PermitLimit", permits),
        Window = TimeSpan.FromSeconds(section.GetValue("WindowSeconds", window.TotalSeconds)),
        QueueLimit = 0,
        AutoReplenishment = true,
    };

    /// <summary>Rejections on endpoints with their own policy (sign-in, refresh, sign-up) suggest
    /// guessing and are medium; the global limit on everything else is low.</summary>
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
