using BayitPlus.Api.Infrastructure.Errors;
using BayitPlus.Api.Infrastructure.Http;
using BayitPlus.Api.Infrastructure.Telemetry;
using BayitPlus.Api.Infrastructure.Validation;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http.Json;
using Scalar.AspNetCore;

namespace BayitPlus.Api.Infrastructure;

/// <summary>Every hosting concern in one place, as eShop's service defaults: telemetry, health,
/// ProblemDetails, limits, CORS, security headers and the OpenAPI document.</summary>
public static class ServiceDefaults
{
    public const string CorsSection = "Cors:AllowedOrigins";

    public static WebApplicationBuilder AddServiceDefaults(this WebApplicationBuilder builder)
    {
        builder.AddTelemetry();
        builder.AddTrustedProxies();
        builder.AddClientRateLimits();
        builder.Services.AddSingleton(TimeProvider.System);
        // Registered before AddProblemDetails adds the framework's writer, so it is the one used.
        builder.Services.AddSingleton<IProblemDetailsWriter, ProblemJsonWriter>();
        builder.Services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            context.ProblemDetails.Extensions["traceId"] = System.Diagnostics.Activity.Current?.Id ?? context.HttpContext.TraceIdentifier;
            context.ProblemDetails.Instance ??= context.HttpContext.Request.Path;
        });
        builder.Services.AddExceptionHandler<ProblemDetailsExceptionHandler>();
        builder.Services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        builder.Services.Configure<JsonOptions>(options =>
        {
            options.SerializerOptions.AllowTrailingCommas = false;

            // The web defaults read numbers from strings too, which the OpenAPI document then shows
            // as integer|string with a pattern: a number is a number, in requests and responses.
            options.SerializerOptions.NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.Strict;

            // A key given twice is ambiguous (which one wins differs between parsers): refuse it.
            options.SerializerOptions.AllowDuplicateProperties = false;
            options.SerializerOptions.Converters.Add(new StrictJsonObjectConverter());
            options.SerializerOptions.Converters.Add(new UtcDateConverters.ForDateTime());
            options.SerializerOptions.Converters.Add(new UtcDateConverters.ForDateTimeOffset());
        });
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = builder.Configuration.GetValue<long>("Http:MaxRequestBodyBytes", 1024 * 1024);
        });
        var origins = builder.Configuration.GetSection(CorsSection).Get<string[]>() ?? [];
        builder.Services.AddCors(options => options.AddDefaultPolicy(policy => policy
            .WithOrigins(origins)
            .WithMethods("GET", "POST", "PUT", "PATCH", "DELETE")
            .WithHeaders("Authorization", "Content-Type", "Accept-Language")
            .WithExposedHeaders(["Content-Language", "Retry-After", "Location", "WWW-Authenticate", .. RateLimiting.HeaderNames])
            .SetPreflightMaxAge(TimeSpan.FromMinutes(10))));
        builder.Services.AddSingleton<ReadinessGates>();
        builder.Services.AddHealthChecks().AddCheck<ReadinessGatesCheck>("startup", tags: ["ready"]);
        builder.Services.AddOutputCache();
        builder.Services.AddOpenApi(options =>
        {
            options.AddDocumentTransformer<DocumentInfoTransformer>();
            options.AddDocumentTransformer<BearerSecurityTransformer>();
            options.AddDocumentTransformer<ApiKeySecurityTransformer>();
            options.AddDocumentTransformer<ServerUrlTransformer>();
            options.AddDocumentTransformer<OpenApiTags>();
            options.AddOperationTransformer<ErrorResponsesTransformer>();
            options.AddSchemaTransformer<FreeFormSchemaTransformer>();
            options.AddSchemaTransformer<UtcDateConverters.SchemaTransformer>();
            options.AddDocumentTransformer<ErrorResponsesTransformer>();
            options.AddOperationTransformer<OperationSecurityTransformer>();
            options.AddSchemaTransformer<ValidatorSchemaTransformer>();
            options.AddSchemaTransformer<AllowedValuesSchemaTransformer>();
            options.AddOperationTransformer<QueryRulesTransformer>();
            options.AddOperationTransformer<ResponseHeadersTransformer>();

            options.AddDocumentTransformer<IntegerBoundsTransformer>();

            // Last: it adds the headers to every response the other transformers declared.
            options.AddDocumentTransformer<ResponseHeadersTransformer>();

            // Every use case nests a type named Command or Query: name schemas after the use case
            // too (<UseCase>Command), or they would all collide on one name.
            options.CreateSchemaReferenceId = type => type.Type.DeclaringType is { } useCase && !type.Type.IsGenericType
                ? useCase.Name + type.Type.Name
                : Microsoft.AspNetCore.OpenApi.OpenApiOptions.CreateDefaultSchemaReferenceId(type);
        });
        return builder;
    }

    public static WebApplication UseServiceDefaults(this WebApplication app)
    {
        if (ProxySetup.HasTrustedProxies(app.Configuration))
        {
            app.UseForwardedHeaders();
        }

        // Early, so every response the app writes (an error included) carries them.
        app.UseSecurityHeaders();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        if (!app.Environment.IsDevelopment())
        {
            app.UseHsts();
        }

        app.UseCors();
        app.UseWebSockets();
        app.UseAuthentication();
        app.UseClientRateLimits();
        app.UseAuthorization();
        app.UseOutputCache();

        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).DisableRateLimiting();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") }).DisableRateLimiting();
        app.MapOpenApi();
        if (app.Environment.IsDevelopment())
        {
            app.MapScalarApiReference();
        }

        WhereToGo.LogOnceListening(app, withScalar: app.Environment.IsDevelopment());

        return app;
    }
}
