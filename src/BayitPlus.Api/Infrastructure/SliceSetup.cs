using BayitPlus.Api.Infrastructure.Pipeline;
using Carter;
using FluentValidation;
using Mapster;
using MapsterMapper;

namespace BayitPlus.Api.Infrastructure;

public static class SliceSetup
{
    /// <summary>Finds every slice by scan: Carter modules, Mediator handlers (source-generated),
    /// FluentValidation validators, Mapster registers and <see cref="ISlice"/> service
    /// registrations. Adding a slice folder needs no edit here.</summary>
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
        foreach (var slice in assembly.GetTypes().Where(t => t is { IsClass: true, IsAbstract: false } && typeof(ISlice).IsAssignableFrom(t)))
        {
            ((ISlice)Activator.CreateInstance(slice)!).AddServices(builder.Services, builder.Configuration);
        }

        return builder;
    }
}
