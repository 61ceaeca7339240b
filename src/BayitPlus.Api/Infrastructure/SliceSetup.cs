using BayitPlus.Api.Infrastructure.Audit;
using BayitPlus.Api.Infrastructure.Auth;
using BayitPlus.Api.Infrastructure.Catalog;
using BayitPlus.Api.Infrastructure.Credits;
using BayitPlus.Api.Infrastructure.Entitlements;
using BayitPlus.Api.Infrastructure.Http;
using BayitPlus.Api.Infrastructure.Pipeline;
using BayitPlus.Api.Infrastructure.Security;
using Carter;
using FluentValidation;
using Mapster;
using MapsterMapper;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace BayitPlus.Api.Infrastructure;

public static class SliceSetup
{
    /// <summary>Finds every slice by scan: Carter modules, Mediator handlers (source-generated),
    /// FluentValidation validators, Mapster registers and <see cref="ISliceServices"/> registrations.
    /// Adding a slice folder needs no edit here. Then the safe defaults of the cross-slice
    /// abstractions no slice implemented.</summary>
    public static WebApplicationBuilder AddSlices(this WebApplicationBuilder builder)
    {
        var assembly = typeof(SliceSetup).Assembly;
        builder.Services.AddMediator((Mediator.MediatorOptions options) =>
        {
            options.ServiceLifetime = ServiceLifetime.Singleton;
            options.PipelineBehaviors = [typeof(TelemetryBehavior<,>), typeof(ValidationBehavior<,>), typeof(AuditBehavior<,>)];
        });
        builder.Services.AddHttpContextAccessor();
        // A rule stops at its first failure: later checks of a property (length, format) may assume
        // the earlier ones (present, non-null) passed, and one message per field is clearer.
        ValidatorOptions.Global.DefaultRuleLevelCascadeMode = CascadeMode.Stop;
        builder.Services.AddValidatorsFromAssembly(assembly, ServiceLifetime.Singleton, includeInternalTypes: true);
        var mapping = new TypeAdapterConfig();

        // Free-form JSON (preferences, settings) is handed over as built: Mapster would try to
        // rebuild a JsonObject through its constructor and fail.
        mapping.NewConfig<System.Text.Json.Nodes.JsonObject, System.Text.Json.Nodes.JsonObject>().MapWith(json => json);
        mapping.Scan(assembly);
        builder.Services.AddSingleton(mapping);
        builder.Services.AddSingleton<IMapper>(new Mapper(mapping));
        builder.Services.AddCarter(configurator: carter => carter.WithEmptyValidators());
        foreach (var slice in assembly.GetTypes().Where(t => t is { IsClass: true, IsAbstract: false } && typeof(ISliceServices).IsAssignableFrom(t)))
        {
            ((ISliceServices)Activator.CreateInstance(slice)!).AddServices(builder.Services, builder.Configuration);
        }

        AddCrossSliceDefaults(builder.Services);
        return builder;
    }

    /// <summary>What a cross-slice abstraction does when the slice that owns it is not in the host:
    /// nothing is recorded, and the token is taken at its word. A slice's own registration, made
    /// before this, wins.</summary>
    public static void AddCrossSliceDefaults(IServiceCollection services)
    {
        services.TryAddSingleton<IAuditTrail, NoAuditTrail>();
        services.TryAddSingleton<ISecurityEvents, NoSecurityEvents>();
        services.TryAddSingleton<IAccountStatus, TokenAccountStatus>();
        services.TryAddSingleton<IAccountRoles, NoAccountRoles>();
        services.TryAddSingleton<ICreditLedger, NoCreditLedger>();
        services.TryAddSingleton<IAccountTiers, NoAccountTiers>();
        services.TryAddSingleton<IEntitlements, FreeEntitlements>();
        services.TryAddSingleton<IContentCards, NoContentCards>();
        services.TryAddSingleton<ILiveChannels, NoLiveChannels>();
        services.TryAddSingleton<ICatalogSource, NoCatalogSource>();
        services.TryAddSingleton<ICatalogTextSearch, NoCatalogSource>();
        services.TryAddSingleton<IViewingLimits, NoViewingLimits>();
    }

    /// <summary>Maps every slice's endpoints, then checks what they name exists (rate-limit policies).</summary>
    public static WebApplication MapSlices(this WebApplication app)
    {
        app.MapCarter();
        app.ValidateRateLimitPolicies();
        return app;
    }
}
