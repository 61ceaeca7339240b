using System.Security.Cryptography;
using BayitPlus.Api.Infrastructure.Security;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using MongoDB.Bson;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace BayitPlus.Api.Infrastructure.Auth;

public static partial class AuthSetup
{
    private const int MinimumKeyBytes = 32;

    /// <summary>JWT bearer authentication (HS256 only: <c>alg: none</c> and other algorithms are
    /// rejected), the role policies, and the token issuer.</summary>
    public static WebApplicationBuilder AddJwtAuth(this WebApplicationBuilder builder)
    {
        var settings = ResolveSettings(builder);
        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton<AccessTokenIssuer>();
        builder.Services.AddSingleton<AccessTokenReader>();
        builder.Services
            .AddAuthentication(JwtBearerDefaults.AuthenticationScheme)
            .AddJwtBearer(options =>
            {
                options.MapInboundClaims = false;
                options.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = settings.Issuer,
                    ValidAudience = settings.Audience,
                    IssuerSigningKey = AccessTokenIssuer.SigningKey(settings),
                    ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
                    ValidateIssuer = true,
                    ValidateAudience = true,
                    ValidateLifetime = true,
                    ValidateIssuerSigningKey = true,
                    RequireExpirationTime = true,
                    RequireSignedTokens = true,
                    ClockSkew = TimeSpan.FromSeconds(30),
                    NameClaimType = JwtRegisteredClaimNames.Sub,
                    RoleClaimType = Roles.Claim,
                };
                // The validator's own text (dates in the server's culture, key lookups) stays out of
                // the WWW-Authenticate header: RFC 6750's error code is all a client acts on.
                options.IncludeErrorDetails = false;
                options.Events = new JwtBearerEvents
                {
                    OnAuthenticationFailed = RecordInvalidToken,
                    OnChallenge = context =>
                    {
                        if (context.AuthenticateFailure is not null)
                        {
                            context.Error = "invalid_token";
                        }

                        return Task.CompletedTask;
                    },
                };
            });
        // Token lifetimes are judged by the same clock that issues them (tests move it by hand);
        // IdentityModel keeps its own clock internal, so the lifetime check is ours.
        builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<TimeProvider>((options, time) => options.TokenValidationParameters.LifetimeValidator =
                (notBefore, expires, token, parameters) => IsWithinLifetime(time.GetUtcNow().UtcDateTime, notBefore ?? IssuedAt(token), expires, parameters.ClockSkew)
                    && IsNoLongerThanIssued(notBefore ?? IssuedAt(token), expires, settings.AccessTokenLifetime, parameters.ClockSkew));
        // Every policy re-checks the account behind the token (active, and holding the role now), so
        // no endpoint and no handler can forget to; RequireAuthorization() uses the default policy.
        builder.Services.AddAuthorizationBuilder()
            .SetDefaultPolicy(new AuthorizationPolicyBuilder(JwtBearerDefaults.AuthenticationScheme)
                .RequireAuthenticatedUser().AddRequirements(new ActiveAccountRequirement()).Build())
            .AddPolicy(Policies.Admin, policy => policy.RequireRole(Roles.Admin).AddRequirements(new ActiveAccountRequirement(Roles.Admin)))
            .AddPolicy(Policies.Beta, policy => policy.RequireRole(Roles.Beta, Roles.Admin).AddRequirements(new ActiveAccountRequirement(Roles.Beta, Roles.Admin)));
        builder.Services.AddSingleton<IAuthorizationHandler, ActiveAccountHandler>();
        builder.Services.AddSingleton<IAuthorizationMiddlewareResultHandler, AccessDeniedRecorder>();
        return builder;
    }

    /// <summary>Only the kind of failure is recorded: the token may be someone else's, so it is never stored.</summary>
    private static Task RecordInvalidToken(AuthenticationFailedContext context)
    {
        var http = context.HttpContext;
        http.RequestServices.GetRequiredService<ISecurityEvents>().Record(new SecurityEvent(
            SecurityEventTypes.InvalidToken,
            Severity.Medium,
            null,
            http.Connection.RemoteIpAddress?.ToString(),
            new BsonDocument { ["failure"] = context.Exception.GetType().Name, ["path"] = http.Request.Path.Value ?? "" }));
        return Task.CompletedTask;
    }

    private static bool IsWithinLifetime(DateTime now, DateTime? notBefore, DateTime? expires, TimeSpan skew) =>
        expires is { } end && now - skew < end && (notBefore is not { } start || now + skew >= start);

    /// <summary>A token signed with our key but made to live longer than this API issues them (a
    /// leaked key's forgery, or a bug) is refused: it must say when it started, and last no longer
    /// than <see cref="JwtSettings.AccessTokenLifetime"/>.</summary>
    private static bool IsNoLongerThanIssued(DateTime? start, DateTime? expires, TimeSpan lifetime, TimeSpan skew) =>
        start is { } from && expires is { } end && end - from <= lifetime + skew;

    private static DateTime? IssuedAt(SecurityToken token) =>
        token is JsonWebToken { IssuedAt: var issuedAt } && issuedAt != DateTime.MinValue ? issuedAt : null;

    private static JwtSettings ResolveSettings(WebApplicationBuilder builder)
    {
        var configured = builder.Configuration.GetSection(JwtSettings.Section).Get<JwtSettings>() ?? new JwtSettings();
        if (System.Text.Encoding.UTF8.GetByteCount(configured.SigningKey) >= MinimumKeyBytes)
        {
            return configured;
        }

        if (configured.SigningKey.Length > 0 || !builder.Environment.IsDevelopment())
        {
            throw new StartupException($"Jwt:SigningKey must be set to a secret of at least {MinimumKeyBytes} bytes (environment variable Jwt__SigningKey).");
        }

        using (var loggerFactory = LoggerFactory.Create(logging => logging.AddConsole()))
        {
            LogGeneratedKey(loggerFactory.CreateLogger("BayitPlus.Api.Auth"));
        }

        return new JwtSettings
        {
            Issuer = configured.Issuer,
            Audience = configured.Audience,
            AccessTokenLifetime = configured.AccessTokenLifetime,
            RefreshTokenLifetime = configured.RefreshTokenLifetime,
            RefreshReuseGracePeriod = configured.RefreshReuseGracePeriod,
            SigningKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(48)),
        };
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Jwt:SigningKey is not set: generated a random signing key for this run (development only; tokens do not survive a restart).")]
    private static partial void LogGeneratedKey(ILogger logger);
}
